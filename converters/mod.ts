/**
 * Converters: test-equipment files into WSJF reports.
 *
 * - The contract ({@linkcode Converter}, {@linkcode ConverterInput}, {@linkcode ConverterContext},
 *   {@linkcode ConversionError}) says what a converter is; a plug-in implements it.
 * - {@linkcode ConverterRegistry} holds the built-ins by id, loads plug-ins, and picks a converter
 *   for a file by confidence (`auto`).
 * - {@linkcode runConversion} runs one conversion: built-ins under a timeout, plug-ins in a
 *   worker with narrowed permissions; every report validated, every failure an error result
 *   with its stage, a conversion log per conversion ({@linkcode pruneConversionLogs} prunes).
 * - {@linkcode fileInput} and {@linkcode bytesInput} make inputs; {@linkcode toWsxf} writes WSXF.
 *
 * Built-in formats: WSJF, WSXF (every `Report`), WSTF, CSV by column mapping, and the vendor
 * formats listed in {@linkcode BUILTIN_CONVERTERS}.
 *
 * The report model a converter returns (`Report`, `UutReport`, the builder, the schemas) is not
 * re-exported here: import it from `@wats/toolkit/report` (or the common names from
 * `@wats/toolkit`).
 *
 * @example Convert a dropped file with the best converter
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { createUutReport, serializeReport } from "@wats/toolkit";
 * import { ConverterRegistry, fileInput, runConversion } from "@wats/toolkit/converters";
 *
 * const drop = await Deno.makeTempDir();
 * try {
 *   const report = createUutReport({ pn: "PCB-1", sn: "SN-1", rev: "A", processCode: 10 }).build();
 *   await Deno.writeTextFile(join(drop, "run.json"), JSON.stringify(serializeReport(report)));
 *   const registry = new ConverterRegistry();
 *   const input = await fileInput(join(drop, "run.json"));
 *   const head = (await input.bytes()).subarray(0, 65536);
 *   const choice = await registry.choose(head, input.name);
 *   assert.ok(choice.ok, "no converter takes the file");
 *   const result = await runConversion(choice.converter, input, {
 *     station: { name: "Station 7", location: "Line 2", purpose: "Production" },
 *   }, { logDir: join(drop, "logs") });
 *   assert.ok(result.ok);
 *   assert.equal(result.count, 1);
 * } finally {
 *   await Deno.remove(drop, { recursive: true });
 * }
 * ```
 *
 * @module
 */
export {
  ConversionError,
  type ConversionErrorOptions,
  type ConversionLogger,
  type Converter,
  CONVERTER_API_VERSION,
  type ConverterContext,
  type ConverterInput,
  type StationDefaults,
} from "./contract.ts";
export {
  type ChooseOptions,
  type ChooseResult,
  type ConverterDescriptor,
  ConverterRegistry,
  type ConverterScore,
  matchesPatterns,
  type PluginEntry,
} from "./registry.ts";
export { BUILTIN_CONVERTERS } from "./builtins.ts";
export { type ConversionResult, type RunContext, runConversion, type RunOptions } from "./run.ts";
export {
  bytesInput,
  type BytesInputOptions,
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_MAX_WHOLE_BYTES,
  fileInput,
  type FileInputOptions,
  type InputOptions,
} from "./input.ts";
export {
  ConversionLog,
  type ConversionLogLevel,
  type ConversionLogLine,
  type ConversionLogOptions,
  openConversionLog,
  pruneConversionLogs,
  type PruneOptions,
} from "./log.ts";
export { toWsxf } from "./wsxf/write.ts";
export { wsjfConverter } from "./wsjf.ts";
export { wsxfConverter } from "./wsxf/wsxf.ts";
export { wstfConverter } from "./wstf.ts";
export {
  type CsvColumn,
  csvConverter,
  type CsvMapping,
  type CsvMeasurementMapping,
  type CsvStepColumns,
} from "./csv/csv.ts";
