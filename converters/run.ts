/**
 * Running one conversion safely: a built-in converter in this thread under a timeout, a plug-in
 * in its own worker with narrowed permissions, every yielded report validated, every exception
 * turned into an error result with its stage, and a conversion log when a folder is given.
 *
 * Timeouts: a built-in gets an `AbortSignal` that fires at the deadline, and the run stops
 * waiting for it then; a plug-in's worker is terminated at the deadline, whatever it is doing.
 *
 * @module
 */
import {
  ConversionError,
  type ConversionLogger,
  type Converter,
  type ConverterContext,
  type ConverterInput,
  type StationDefaults,
} from "./contract.ts";
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_WHOLE_BYTES } from "./input.ts";
import { type ConversionLog, openConversionLog } from "./log.ts";
import { PluginWorker } from "./plugins/_host.ts";
import { formatSize } from "./_text.ts";
import { isValidated } from "./_report_kit.ts";
import { parseReport, type Report, ReportFormatError } from "../api/models/report/mod.ts";
import { adoptReport } from "../api/models/report/parse.ts";

/** What a conversion gets besides its input; the run adds the abort signal. */
export interface RunContext {
  /** Station defaults. */
  station: StationDefaults;
  /** The converter's arguments. */
  args?: Readonly<Record<string, unknown>>;
  /** The clock, epoch milliseconds; `Date.now` by default. */
  now?: () => number;
  /** A logger besides the conversion log. */
  log?: ConversionLogger;
  /** Aborts the conversion (the service stops). */
  signal?: AbortSignal;
}

/** Options of {@linkcode runConversion}. */
export interface RunOptions {
  /** Wall-clock limit in milliseconds; 300 000 by default. */
  timeoutMs?: number;
  /** Write a conversion log into this folder. */
  logDir?: string;
  /** Largest input accepted; 100 MiB by default. */
  maxInputBytes?: number;
  /** Largest input a plug-in may read whole; 64 MiB by default. */
  maxWholeBytes?: number;
  /**
   * Takes each report as soon as it is validated instead of collecting them, so a large
   * multi-unit file is never held whole; `reports` of the result is then empty.
   */
  onReport?: (report: Report) => void | Promise<void>;
  /**
   * Warnings known before the run (the service's encoding check): logged first and returned
   * with the converter's.
   */
  warnings?: readonly string[];
}

/** The outcome of {@linkcode runConversion}. */
export type ConversionResult =
  | {
    /** The conversion worked. */
    ok: true;
    /** The reports, in order (empty when `onReport` took them). */
    reports: Report[];
    /** How many reports there were. */
    count: number;
    /** Warnings the converter logged. */
    warnings: string[];
    /** The conversion log, when one was written. */
    logPath?: string;
  }
  | {
    /** The conversion failed. */
    ok: false;
    /** Where: `read`, `decode`, `parse`, `map`, `validate`, `convert`, `timeout`, `load`. */
    stage: string;
    /** What went wrong, naming the file and the place. */
    message: string;
    /** Warnings the converter logged before it failed. */
    warnings: string[];
    /** The conversion log, when one was written. */
    logPath?: string;
  };

type Failure = { stage: string; message: string };

class Timeout extends Error {}

/** A plug-in's error reply; the message already names the file. */
class PluginFailure extends Error {
  readonly stage: string;
  constructor(stage: string, message: string) {
    super(message);
    this.stage = stage;
  }
}

function failureOf(error: unknown, fallbackStage: string): Failure {
  if (error instanceof ConversionError || error instanceof PluginFailure) {
    return { stage: error.stage, message: error.message };
  }
  if (error instanceof ReportFormatError) return { stage: "validate", message: error.message };
  if (error instanceof Error) {
    return { stage: fallbackStage, message: `${error.name}: ${error.message}` };
  }
  return { stage: fallbackStage, message: String(error) };
}

/**
 * Validates a yielded report, naming it by position. A plug-in's report arrives as a structured
 * clone nobody else holds, so when it is in normal form it is kept rather than copied.
 */
function check(value: unknown, input: ConverterInput, index: number, cloned: boolean): Report {
  if (isValidated(value)) return value;
  try {
    return cloned ? adoptReport(value) : parseReport(value);
  } catch (error) {
    if (!(error instanceof ReportFormatError)) throw error;
    throw new ConversionError(`Report ${index + 1}: ${error.message}`, {
      file: input.path,
      stage: "validate",
      cause: error,
    });
  }
}

async function* plugin(
  modulePath: string,
  input: ConverterInput,
  context: ConverterContext,
  host: { worker?: PluginWorker; tempDir?: string },
  maxWholeBytes: number,
): AsyncGenerator<unknown> {
  const tempDir = await Deno.makeTempDir({ prefix: "wats-plugin-" });
  host.tempDir = tempDir;
  let inputPath = input.path;
  const onDisk = await Deno.stat(inputPath).then((info) => info.isFile, () => false);
  if (!onDisk) {
    // An in-memory input: hand the plug-in a copy in its temp folder.
    inputPath = `${tempDir}/${input.name || "input"}`;
    await Deno.writeFile(inputPath, input.stream());
  }
  const worker = new PluginWorker(modulePath, { readPaths: [inputPath], tempDir });
  host.worker = worker;
  if (context.signal.aborted) {
    // Cancelled while the worker was being made: it never starts the conversion.
    worker.terminate();
    throw context.signal.reason;
  }
  await worker.load();
  worker.send({
    type: "convert",
    inputPath,
    maxWholeBytes,
    args: { ...context.args },
    station: { ...context.station },
    now: context.now(),
  });
  while (true) {
    const reply = await worker.next();
    if (reply.type === "report") {
      yield reply.report;
      worker.send({ type: "next" });
    } else if (reply.type === "log") {
      context.log[reply.level](reply.message, reply.fields);
    } else if (reply.type === "done") return;
    else if (reply.type === "error") {
      const message = reply.message.startsWith(inputPath)
        ? input.path + reply.message.slice(inputPath.length)
        : `${input.path}: ${reply.message}`;
      throw new PluginFailure(reply.stage, message);
    }
  }
}

/**
 * Runs one conversion: a converter (built-in) or a plug-in module path (run in a worker).
 *
 * @param converter The converter, or the path of a plug-in module.
 * @param input The file.
 * @param context Station defaults, arguments, clock, logger, abort signal.
 * @param options Timeout, log folder, size limits, a report callback.
 * @returns The reports, or the stage and message of the failure; never throws for the
 * converter's sake.
 *
 * @example Convert a file with a built-in converter
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { createUutReport, serializeReport } from "@wats/toolkit";
 * import { fileInput, runConversion, wsjfConverter } from "@wats/toolkit/converters";
 *
 * const folder = await Deno.makeTempDir();
 * try {
 *   const report = createUutReport({ pn: "PCB-1", sn: "SN-1", rev: "A", processCode: 10 }).build();
 *   const path = join(folder, "run.json");
 *   await Deno.writeTextFile(path, JSON.stringify(serializeReport(report)));
 *   const result = await runConversion(wsjfConverter, await fileInput(path), {
 *     station: { name: "Station 7", location: "Line 2", purpose: "Production" },
 *   }, { timeoutMs: 60_000, logDir: join(folder, "logs") });
 *   assert.ok(result.ok);
 *   assert.equal(result.reports[0].id, report.id);
 * } finally {
 *   await Deno.remove(folder, { recursive: true });
 * }
 * ```
 */
export async function runConversion(
  converter: Converter | string,
  input: ConverterInput,
  context: RunContext,
  options: RunOptions = {},
): Promise<ConversionResult> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const now = context.now ?? Date.now;
  const warnings: string[] = [...options.warnings ?? []];
  const id = typeof converter === "string" ? converter : converter.id;
  let log: ConversionLog | undefined;
  if (options.logDir !== undefined) {
    log = await openConversionLog(options.logDir, input.path, {
      converter: id,
      version: typeof converter === "string" ? undefined : converter.version,
      size: input.size,
    }, { now });
    for (const warning of warnings) log.warn(warning);
  }
  const controller = new AbortController();
  const host: { worker?: PluginWorker; tempDir?: string } = {};
  // Cancelled from outside (the service stops): a plug-in's worker ends at once, and the run
  // answers without waiting for a converter that does not look at its signal.
  let onCancel: () => void = () => {};
  const cancelled = new Promise<never>((_, reject) => {
    onCancel = () => reject(controller.signal.reason);
  });
  cancelled.catch(() => {});
  const onOuterAbort = () => {
    controller.abort(context.signal?.reason);
    host.worker?.terminate();
    onCancel();
  };
  if (context.signal?.aborted) onOuterAbort();
  else context.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const logger: ConversionLogger = {
    info(message, fields) {
      log?.info(message, fields);
      context.log?.info(message, fields);
    },
    warn(message, fields) {
      warnings.push(message);
      log?.warn(message, fields);
      context.log?.warn(message, fields);
    },
  };
  const full: ConverterContext = {
    station: context.station,
    args: context.args ?? {},
    log: logger,
    now,
    signal: controller.signal,
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new Timeout());
      host.worker?.terminate();
      reject(new Timeout());
    }, timeoutMs);
  });
  deadline.catch(() => {});
  const reports: Report[] = [];
  const ids: string[] = []; // the first 100, for the log
  let count = 0;
  let result: ConversionResult;
  try {
    const maxInput = options.maxInputBytes ?? DEFAULT_MAX_FILE_BYTES;
    if (input.size > maxInput) {
      throw new ConversionError(
        `File is ${formatSize(input.size)}, over the ${formatSize(maxInput)} limit`,
        { file: input.path, stage: "read" },
      );
    }
    let stopped = false;
    // One race for the whole run: racing every step against the deadline would pile up
    // reactions on the deadline promise, one per report.
    const work = (async () => {
      // A built-in's reports are taken straight from its generator (a wrapping generator would
      // cost a round trip per report); created in here, so that a throw lands in `work` too.
      const source: AsyncIterable<unknown> = typeof converter === "string"
        ? plugin(converter, input, full, host, options.maxWholeBytes ?? DEFAULT_MAX_WHOLE_BYTES)
        : converter.convert(input, full);
      for await (const value of source) {
        if (stopped) return;
        const report = check(value, input, count++, typeof converter === "string");
        if (ids.length < 100) ids.push(report.id);
        if (options.onReport) {
          // Awaited only when it is asynchronous: awaiting `undefined` costs a tick per report.
          const pending = options.onReport(report);
          if (pending !== undefined) await pending;
        } else reports.push(report);
      }
    })();
    work.catch(() => {});
    try {
      await Promise.race([work, deadline, cancelled]);
    } finally {
      stopped = true;
    }
    if (count === 0) {
      throw new ConversionError("The converter made no report", {
        file: input.path,
        stage: "convert",
      });
    }
    result = { ok: true, reports, count, warnings };
  } catch (error) {
    const failure = error instanceof Timeout || controller.signal.reason instanceof Timeout
      ? {
        stage: "timeout",
        message: `${input.path}: Conversion took longer than ${timeoutMs} ms and was stopped`,
      }
      : controller.signal.aborted
      ? { stage: "convert", message: `${input.path}: Conversion was cancelled` }
      : failureOf(error, "convert");
    result = { ok: false, ...failure, warnings };
  } finally {
    clearTimeout(timer);
    context.signal?.removeEventListener("abort", onOuterAbort);
    host.worker?.terminate();
    if (host.tempDir) await Deno.remove(host.tempDir, { recursive: true }).catch(() => {});
  }
  if (log !== undefined) {
    await log.finish(result.ok ? { ok: true, reportIds: ids, count } : result);
    result.logPath = log.path;
  }
  return result;
}
