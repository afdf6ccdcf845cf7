/**
 * The conversion log: one JSON-Lines file per conversion, as `client-service.md` §3.8 designs
 * it, always written and pruned by age.
 *
 * File name `<input stem, spaces → _>_<YYYYmmdd_HHMMSS>.log` (a `_2`, `_3` … suffix when taken).
 * Each line is `{timestamp, level, step, message, metadata?}` with `timestamp` in UTC (`…Z`) and
 * `level` one of `INFO`, `WARNING`, `ERROR`. The first line is `START` "Starting conversion of
 * <file>", the last `COMPLETED` "Conversion successful" or `FAILED` "Conversion failed: <error>".
 * Lines are written in order, each as soon as the one before it is on disk.
 *
 * @module
 */
import type { ConversionLogger } from "./contract.ts";

/** A log line's level. */
export type ConversionLogLevel = "INFO" | "WARNING" | "ERROR";

/** One line of a conversion log. */
export interface ConversionLogLine {
  /** UTC time, e.g. `2026-01-30T21:01:41.470Z`. */
  timestamp: string;
  /** Level. */
  level: ConversionLogLevel;
  /** `START`, `Conversion`, `Validation`, `COMPLETED`, `FAILED`. */
  step: string;
  /** What happened. */
  message: string;
  /** Structured details. */
  metadata?: Record<string, unknown>;
}

/** Options of {@linkcode openConversionLog}. */
export interface ConversionLogOptions {
  /** The clock, epoch milliseconds; `Date.now` by default. */
  now?: () => number;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function stamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}_` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

function stem(file: string): string {
  const base = file.split(/[\\/]/).pop() || "input";
  const dot = base.lastIndexOf(".");
  return (dot > 0 ? base.slice(0, dot) : base).replace(/\s+/g, "_").replace(/[^\w.-]/g, "_");
}

/** A conversion log being written; it is also the converter's {@linkcode ConversionLogger}. */
export class ConversionLog implements ConversionLogger {
  /** The log file. */
  readonly path: string;
  #file: Deno.FsFile;
  #now: () => number;
  #chain: Promise<void> = Promise.resolve();
  #encoder = new TextEncoder();
  #warnings = 0;

  /**
   * Wraps an open file; {@linkcode openConversionLog} is the usual way.
   *
   * @param path The file's path.
   * @param file The open file.
   * @param now The clock.
   */
  constructor(path: string, file: Deno.FsFile, now: () => number) {
    this.path = path;
    this.#file = file;
    this.#now = now;
  }

  /** How many warnings were written. */
  get warnings(): number {
    return this.#warnings;
  }

  /**
   * Writes a line (queued behind the lines before it).
   *
   * @param level The level.
   * @param step The step.
   * @param message What happened.
   * @param metadata Details.
   */
  write(
    level: ConversionLogLevel,
    step: string,
    message: string,
    metadata?: Record<string, unknown>,
  ): void {
    const line: ConversionLogLine = {
      timestamp: new Date(this.#now()).toISOString(),
      level,
      step,
      message,
    };
    if (metadata !== undefined && Object.keys(metadata).length > 0) line.metadata = metadata;
    const bytes = this.#encoder.encode(`${JSON.stringify(line)}\n`);
    this.#chain = this.#chain.then(async () => {
      let written = 0;
      while (written < bytes.length) written += await this.#file.write(bytes.subarray(written));
    });
  }

  /**
   * Something the user may want to know.
   *
   * @param message What happened.
   * @param fields Details.
   */
  info(message: string, fields?: Record<string, unknown>): void {
    this.write("INFO", "Conversion", message, fields);
  }

  /**
   * Something the user should look at.
   *
   * @param message What is off.
   * @param fields Details.
   */
  warn(message: string, fields?: Record<string, unknown>): void {
    this.#warnings++;
    this.write("WARNING", "Validation", message, fields);
  }

  /**
   * Writes the last line and closes the file.
   *
   * @param outcome Success with the report ids (the first 100 are written) and the count, or
   * the failure.
   * @returns When the file is closed.
   */
  async finish(
    outcome:
      | { ok: true; reportIds: string[]; count?: number }
      | { ok: false; stage: string; message: string },
  ): Promise<void> {
    if (outcome.ok) {
      this.write("INFO", "COMPLETED", "Conversion successful", {
        success: true,
        reports: outcome.count ?? outcome.reportIds.length,
        report_ids: outcome.reportIds.slice(0, 100),
      });
    } else {
      this.write("ERROR", "FAILED", `Conversion failed: ${outcome.message}`, {
        success: false,
        stage: outcome.stage,
        error: outcome.message,
      });
    }
    await this.#chain;
    this.#file.close();
  }
}

/**
 * Opens a new conversion log and writes its `START` line.
 *
 * @param dir The log folder (created when missing).
 * @param input The input file's path.
 * @param metadata Details for the start line (converter id and version, size …).
 * @param options The clock.
 * @returns The open log.
 *
 * @example Log a conversion
 * ```ts
 * import assert from "node:assert/strict";
 * import { openConversionLog } from "@wats/toolkit/converters";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   const log = await openConversionLog(dir, "drop/run 7.csv", { converter: "csv" });
 *   log.warn("Empty value cell skipped", { line: 12 });
 *   await log.finish({ ok: true, reportIds: ["4f8d1c9e-2b7a-4c3e-9f10-6a5b4c3d2e1f"] });
 *   const files = [];
 *   for await (const entry of Deno.readDir(dir)) files.push(entry.name);
 *   assert.equal(files.length, 1);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export async function openConversionLog(
  dir: string,
  input: string,
  metadata: Record<string, unknown> = {},
  options: ConversionLogOptions = {},
): Promise<ConversionLog> {
  const now = options.now ?? Date.now;
  await Deno.mkdir(dir, { recursive: true });
  const base = `${dir}/${stem(input)}_${stamp(now())}`;
  for (let n = 1;; n++) {
    const path = n === 1 ? `${base}.log` : `${base}_${n}.log`;
    try {
      const file = await Deno.open(path, { write: true, createNew: true });
      const log = new ConversionLog(path, file, now);
      log.write("INFO", "START", `Starting conversion of ${input}`, metadata);
      return log;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists) || n > 1000) throw error;
    }
  }
}

/** Options of {@linkcode pruneConversionLogs}. */
export interface PruneOptions {
  /** The clock, epoch milliseconds; `Date.now` by default. */
  now?: () => number;
  /** Also remove the oldest logs until the rest take at most this many bytes. */
  maxTotalBytes?: number;
}

/**
 * Removes conversion logs older than `maxAgeMs` (by modification time), then the oldest ones
 * while the folder is over `maxTotalBytes`.
 *
 * @param dir The log folder; a missing folder has nothing to prune.
 * @param maxAgeMs The age limit, e.g. 30 days.
 * @param options The clock and a size limit.
 * @returns How many logs were removed.
 *
 * @example Keep thirty days
 * ```ts
 * import assert from "node:assert/strict";
 * import { openConversionLog, pruneConversionLogs } from "@wats/toolkit/converters";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   const log = await openConversionLog(dir, "run.csv", { converter: "csv" });
 *   await log.finish({ ok: true, reportIds: [] });
 *   assert.equal(await pruneConversionLogs(dir, 30 * 24 * 3600_000), 0); // young logs stay
 *   assert.equal(await pruneConversionLogs(dir, -1), 1);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export async function pruneConversionLogs(
  dir: string,
  maxAgeMs: number,
  options: PruneOptions = {},
): Promise<number> {
  const now = (options.now ?? Date.now)();
  const logs: { path: string; mtime: number; size: number }[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !entry.name.endsWith(".log")) continue;
      const path = `${dir}/${entry.name}`;
      const info = await Deno.stat(path);
      logs.push({ path, mtime: info.mtime?.getTime() ?? 0, size: info.size });
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
  logs.sort((a, b) => a.mtime - b.mtime);
  let total = logs.reduce((sum, log) => sum + log.size, 0);
  let removed = 0;
  for (const log of logs) {
    const old = now - log.mtime > maxAgeMs;
    const over = options.maxTotalBytes !== undefined && total > options.maxTotalBytes;
    if (!old && !over) continue;
    await Deno.remove(log.path).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
    total -= log.size;
    removed++;
  }
  return removed;
}
