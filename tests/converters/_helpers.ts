/**
 * Shared test helpers for the converter tests: a context with a fixed clock, collecting the
 * reports of a conversion, and reading samples and fixtures.
 *
 * @module
 */
import { fixtureUrl } from "../fixtures/mod.ts";
import type { Converter, ConverterContext, ConverterInput } from "../../converters/contract.ts";
import type { Report } from "../../api/models/report/mod.ts";

/** Log lines a test context collected. */
export interface TestLog {
  info: string[];
  warn: string[];
}

/** 2026-03-02T09:00:00.000Z. */
export const FIXED_NOW = Date.UTC(2026, 2, 2, 9, 0, 0);

/** A converter context with a fixed clock and a collecting log. */
export function testContext(
  args: Record<string, unknown> = {},
  signal: AbortSignal = new AbortController().signal,
): ConverterContext & { lines: TestLog } {
  const lines: TestLog = { info: [], warn: [] };
  return {
    station: { name: "Default station", location: "Default location", purpose: "Default purpose" },
    args,
    log: {
      info: (message) => lines.info.push(message),
      warn: (message) => lines.warn.push(message),
    },
    now: () => FIXED_NOW,
    signal,
    lines,
  };
}

/** Every report of a conversion. */
export async function collect(
  converter: Converter,
  input: ConverterInput,
  context: ConverterContext = testContext(),
): Promise<Report[]> {
  const out: Report[] = [];
  for await (const report of converter.convert(input, context)) out.push(report);
  return out;
}

/** The path of a sample file. */
export function samplePath(path: string): string {
  return new URL(`../../samples/${path}`, import.meta.url).pathname;
}

/** The path of a report fixture. */
export function fixturePath(name: string): string {
  return fixtureUrl(name).pathname;
}

/** Resolves with the error a promise rejects with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`Rejected with a non-error: ${String(error)}`);
  }
  throw new Error("Expected a rejection, but the promise resolved");
}
