/**
 * The conversion step of the intake, behind a small interface: given a ready file and its watch
 * entry's converter id and arguments, give validated reports or the stage and reason there are
 * none.
 *
 * {@linkcode registryConversion} runs the converters of a `ConverterRegistry` (every built-in by
 * default) through `runConversion`: by id, or for `auto` the converter most sure about the file's
 * first 64 KiB; under a timeout; every report validated by the WSJF schema; one conversion log a
 * file when a log folder is given. The intake owns report ids across crashes (see `_take.ts`).
 *
 * {@linkcode configuredConversion} is the service's: every built-in plus the plug-ins of
 * `converters.plugins`, each loaded (and checked) in its own worker at start, so a plug-in that
 * cannot load stops the start with its path and reason instead of failing the first file.
 *
 * @module
 */

import { basename, dirname } from "node:path";
import { ConversionError, type StationDefaults } from "../../converters/contract.ts";
import { bytesInput, fileInput } from "../../converters/input.ts";
import { ConverterRegistry } from "../../converters/registry.ts";
import { openConversionLog } from "../../converters/log.ts";
import { type ConversionResult, runConversion } from "../../converters/run.ts";
import { serializeReport } from "../../api/models/report/mod.ts";
import type { ServiceConfigValues } from "../config/schema.ts";
import { ConfigError } from "../errors.ts";
import { encodingProblem, fileEncodingProblem } from "./_encoding.ts";

/** Writes the conversion log of a conversion that failed or warned, after the fact. */
async function writeProblemLog(
  dir: string,
  request: ConvertRequest,
  converter: ConverterInfo,
  result: ConversionResult,
): Promise<void> {
  const log = await openConversionLog(dir, request.path, {
    converter: converter.id,
    version: converter.version,
    size: request.size,
  }, { now: request.now });
  for (const warning of result.warnings) log.warn(warning);
  await log.finish(
    result.ok ? { ok: true, reportIds: result.reports.map((report) => report.id) } : result,
  );
}

/** Bytes given to `sniff`. */
const HEAD_BYTES = 64 * 1024;

/** A converter as the service lists it. */
export interface ConverterInfo {
  /** The converter id. */
  id: string;
  /** Its version. */
  version: string;
  /** File-name globs it is meant for. */
  patterns: readonly string[];
  /** True for a plug-in loaded from `converters.plugins`. */
  plugin?: boolean;
}

/** One file to convert. */
export interface ConvertRequest {
  /** The file. */
  path: string;
  /** The file's content when the intake has already read it (small files). */
  bytes?: Uint8Array;
  /** Size in bytes. */
  size: number;
  /** The watch entry's converter id, or `auto`. */
  converter: string;
  /** The watch entry's converter arguments. */
  args: Readonly<Record<string, unknown>>;
  /** Station defaults for reports that do not name their station. */
  station: StationDefaults;
  /** Aborted when the service stops. */
  signal: AbortSignal;
  /** The clock. */
  now(): number;
  /**
   * Refuse a JSON or XML file that is not valid UTF-8 (the watch entry's `strictEncoding`)
   * instead of reading it as Latin-1 with a warning.
   */
  strictEncoding?: boolean;
}

/** The outcome of one conversion. */
export type ConvertResult =
  | {
    ok: true;
    converter: ConverterInfo;
    /** Validated reports in their wire form, each with an id. */
    reports: Record<string, unknown>[];
    warnings: string[];
    /** For a JSON or XML file read as Latin-1: the warning, naming the file (also in `warnings`). */
    encodingWarning?: string;
  }
  | { ok: false; converter: string | null; stage: string; reason: string };

/** What the intake needs from the converters. */
export interface Conversion {
  /** The converters available. */
  list(): readonly ConverterInfo[];
  /**
   * Converts one file.
   *
   * @param request The file and its watch entry's converter.
   * @returns The reports, or the stage and reason of the failure.
   */
  convert(request: ConvertRequest): Promise<ConvertResult>;
}

/** Options of {@linkcode registryConversion}. */
export interface RegistryConversionOptions {
  /** The folder of the conversion logs (one JSON-Lines file a conversion). */
  logDir?: string;
  /**
   * Which conversions get a log: `problems` (failed ones and those with warnings; the default,
   * since every successful conversion is recorded in the ledger and its envelope anyway), `all`,
   * or `off`.
   */
  logs?: "problems" | "all" | "off";
  /** Wall-clock limit of one conversion; 300 s by default. */
  timeoutMs?: number;
  /** Time a plug-in's `sniff` may take for `auto`; 5 s by default. */
  sniffTimeoutMs?: number;
}

/** The first 64 KiB of a file, for `sniff`. */
export async function readHead(path: string): Promise<Uint8Array> {
  using file = await Deno.open(path);
  const buffer = new Uint8Array(HEAD_BYTES);
  let filled = 0;
  while (filled < buffer.length) {
    const read = await file.read(buffer.subarray(filled));
    if (read === null) break;
    filled += read;
  }
  return buffer.subarray(0, filled);
}

/**
 * The conversion step over a converter registry.
 *
 * @param registry The converters; every built-in by default.
 * @param options The conversion log folder and the timeout.
 * @returns The conversion step.
 */
export function registryConversion(
  registry: ConverterRegistry = new ConverterRegistry(),
  options: RegistryConversionOptions = {},
): Conversion {
  const list = registry.list().map(({ id, version, patterns, plugin }) => ({
    id,
    version,
    patterns,
    plugin,
  }));
  return {
    list: () => list,
    async convert(request: ConvertRequest): Promise<ConvertResult> {
      const name = basename(request.path);
      let id = request.converter;
      if (id === "auto") {
        const head = request.bytes?.subarray(0, HEAD_BYTES) ?? await readHead(request.path);
        const choice = await registry.choose(head, name, {
          pluginTimeoutMs: options.sniffTimeoutMs,
        });
        if (!choice.ok) {
          return { ok: false, converter: null, stage: "sniff", reason: choice.reason };
        }
        id = choice.id;
      }
      const converter = registry.get(id);
      if (converter === undefined) {
        return { ok: false, converter: id, stage: "load", reason: `Unknown converter "${id}"` };
      }
      // JSON and XML that are not UTF-8 are read as Latin-1: said, or refused (`_encoding.ts`).
      const problem = request.bytes
        ? encodingProblem(name, request.bytes)
        : await fileEncodingProblem(request.path, name);
      if (problem !== null && request.strictEncoding) {
        const reason = `Not valid UTF-8, refused under strictEncoding (${problem})`;
        return { ok: false, converter: id, stage: "read", reason };
      }
      const encodingWarning = problem === null ? undefined : `${name}: ${problem}`;
      const input = request.bytes
        ? bytesInput(name, request.bytes, { path: request.path })
        : await fileInput(request.path, { maxBytes: request.size });
      const info = list.find((entry) => entry.id === id) ?? { id, version: "", patterns: [] };
      const logs = options.logDir === undefined ? "off" : options.logs ?? "problems";
      const run = (logDir: string | undefined) =>
        runConversion(converter, input, {
          station: request.station,
          args: request.args,
          now: request.now,
          signal: request.signal,
        }, {
          timeoutMs: options.timeoutMs,
          logDir,
          maxInputBytes: request.size,
          warnings: encodingWarning === undefined ? [] : [encodingWarning],
        });
      // A log that cannot be opened (a name too long for the file system) is no reason to
      // refuse the file: convert without it.
      const result = logs === "all"
        ? await run(options.logDir).catch(() => run(undefined))
        : await run(undefined);
      const isProblem = !result.ok || result.warnings.length > 0;
      if (logs === "problems" && isProblem && options.logDir !== undefined) {
        await writeProblemLog(options.logDir, request, info, result).catch(() => {});
      }
      if (!result.ok) {
        return { ok: false, converter: id, stage: result.stage, reason: result.message };
      }
      return {
        ok: true,
        converter: info,
        reports: result.reports.map(serializeReport),
        warnings: result.warnings,
        ...encodingWarning === undefined ? {} : { encodingWarning },
      };
    },
  };
}

/** Why a plug-in could not load, on one line. */
function loadFailure(error: unknown, path: string): string {
  if (error instanceof Deno.errors.NotCapable) {
    return `the service may not read the plug-in's folder (--allow-read=${dirname(path)})`;
  }
  const message = error instanceof ConversionError
    ? error.problem
    : error instanceof Error
    ? error.message
    : String(error);
  // A syntax error comes with the code frame: keep its first line and where it is. Deno wraps
  // module errors in a TypeError that says nothing more.
  const lines = message.replace(/^TypeError: (?=SyntaxError: |Module not found)/, "").split("\n");
  const at = lines.slice(1).find((line) => line.trim().startsWith("at "));
  return at === undefined ? lines[0] : `${lines[0]} (${at.trim()})`;
}

/**
 * Loads plug-in modules into a registry, each checked in its own worker.
 *
 * @param registry The registry to add them to.
 * @param plugins The module paths, as `converters.plugins` lists them.
 * @returns One line a plug-in that did not load, naming its key, its path and the reason.
 */
export async function loadPlugins(
  registry: ConverterRegistry,
  plugins: readonly string[],
): Promise<string[]> {
  const problems: string[] = [];
  for (const [index, path] of plugins.entries()) {
    try {
      await registry.loadPlugin(path);
    } catch (error) {
      problems.push(
        `converters.plugins[${index}]: cannot load plug-in ${path}: ${loadFailure(error, path)}`,
      );
    }
  }
  return problems;
}

/**
 * Watch entries whose converter is neither `auto` nor a known id.
 *
 * @param watch The watch entries.
 * @param known The ids of the converters available.
 * @returns One line a watch entry, naming its folder and listing the known ids.
 */
export function unknownConverters(
  watch: readonly { path: string; converter: string }[],
  known: readonly string[],
): string[] {
  return watch.flatMap((entry, index) =>
    entry.converter === "auto" || known.includes(entry.converter) ? [] : [
      `watch[${index}].converter: ${entry.path}: unknown converter "${entry.converter}"; ` +
      `known: auto, ${known.join(", ")}`,
    ]
  );
}

/**
 * The service's conversion step: every built-in plus the configured plug-ins, with the
 * configured limits.
 *
 * @param config The configuration (`converters`, `logs`).
 * @param options The conversion log folder, and the configuration file to name in errors.
 * @returns The conversion step.
 * @throws {ConfigError} When a plug-in does not load (one line each, naming its path and why).
 */
export async function configuredConversion(
  config: Pick<ServiceConfigValues, "converters" | "logs">,
  options: { logDir?: string; configFile?: string } = {},
): Promise<Conversion> {
  const registry = new ConverterRegistry();
  const problems = await loadPlugins(registry, config.converters.plugins);
  if (problems.length > 0) {
    const prefix = options.configFile === undefined ? "" : `${options.configFile}: `;
    throw new ConfigError(problems.map((problem) => prefix + problem));
  }
  return registryConversion(registry, {
    logDir: options.logDir,
    logs: config.logs.conversions,
    timeoutMs: config.converters.timeoutMs,
    sniffTimeoutMs: config.converters.sniffTimeoutMs,
  });
}
