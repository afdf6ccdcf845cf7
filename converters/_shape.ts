/**
 * Checking that a module's export is a converter of the contract this toolkit speaks.
 *
 * @module
 */
import { ConversionError, type Converter, CONVERTER_API_VERSION } from "./contract.ts";

/** What a plug-in says about itself, without its functions (it crosses a worker boundary). */
export interface ConverterDescriptor {
  /** The contract version, always {@linkcode CONVERTER_API_VERSION} once checked. */
  apiVersion: 1;
  /** Unique id. */
  id: string;
  /** The converter's own version. */
  version: string;
  /** One line on what it reads. */
  description?: string;
  /** File-name globs. */
  patterns: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * Picks the converter out of a module: its default export, else an export named `converter`.
 *
 * @param module The module namespace.
 * @returns The candidate, not yet checked.
 */
export function converterExport(module: Record<string, unknown>): unknown {
  return module.default ?? module.converter;
}

/**
 * Checks a candidate converter and returns it typed.
 *
 * @param value The candidate.
 * @param source Where it came from (a module path), for messages.
 * @returns The converter.
 * @throws {ConversionError} Stage `load`, naming what is missing or which API version it speaks.
 */
export function checkConverter(value: unknown, source: string): Converter {
  const fail = (problem: string) => new ConversionError(problem, { file: source, stage: "load" });
  if (!isRecord(value)) {
    throw fail("The module exports no converter (a default export or an export named converter)");
  }
  if (value.apiVersion !== CONVERTER_API_VERSION) {
    const said = value.apiVersion === undefined
      ? "no apiVersion"
      : `apiVersion ${JSON.stringify(value.apiVersion)}`;
    throw fail(
      `Unsupported converter API version: the plug-in declares ${said}, this toolkit speaks ` +
        `version ${CONVERTER_API_VERSION}`,
    );
  }
  if (typeof value.id !== "string" || !/^[A-Za-z0-9][\w.-]{0,63}$/.test(value.id)) {
    throw fail("The converter needs an id: letters, digits, '.', '_' or '-', at most 64");
  }
  if (typeof value.version !== "string" || value.version === "") {
    throw fail(`Converter ${value.id} needs a version string`);
  }
  if (!Array.isArray(value.patterns) || !value.patterns.every((p) => typeof p === "string")) {
    throw fail(`Converter ${value.id} needs patterns, a list of file-name globs`);
  }
  if (typeof value.sniff !== "function") throw fail(`Converter ${value.id} has no sniff function`);
  if (typeof value.convert !== "function") {
    throw fail(`Converter ${value.id} has no convert function`);
  }
  if (value.description !== undefined && typeof value.description !== "string") {
    throw fail(`Converter ${value.id}: description must be text`);
  }
  return value as unknown as Converter;
}

/**
 * The serialisable part of a converter.
 *
 * @param converter The converter.
 * @returns Its descriptor.
 */
export function describeConverter(converter: Converter): ConverterDescriptor {
  const descriptor: ConverterDescriptor = {
    apiVersion: converter.apiVersion,
    id: converter.id,
    version: converter.version,
    patterns: [...converter.patterns],
  };
  if (converter.description !== undefined) descriptor.description = converter.description;
  return descriptor;
}
