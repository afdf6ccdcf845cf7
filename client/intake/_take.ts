/**
 * Taking one source file into the queue: size limit → SHA-256 → dedup against the ledger →
 * conversion → source record → durable queue entries. The caller decides what then happens to the
 * file (post action, error folder, or nothing for `wats submit`).
 *
 * Crash safety of report ids: the ledger records a file's content with the ids of its reports
 * *before* they are queued. If the process dies in between, the file is still where it was at the
 * next start; its content is known but some of its ids are in neither the queue nor the ledger, so
 * it is converted again and its reports get the recorded ids back (by position), which makes them
 * the same reports, never second ones. A file whose ids are all accounted for is not converted
 * again: it was taken already (same path) or is a duplicate (another path).
 *
 * @module
 */

import { hashHex, hashStreamHex } from "../../util/hash.ts";
import { guidsIn, withContentIds } from "./_report_ids.ts";
import { isNestedDeeperThan, MAX_JSON_DEPTH, startsLikeJson } from "./_nesting.ts";
import type { Conversion, ConvertResult } from "./_convert.ts";
import type { ReasonFacts } from "./_source_files.ts";
import type { ServiceStats } from "../status/_stats.ts";
import type { ServiceConfigValues } from "../config/schema.ts";
import { QueueFullError } from "../errors.ts";
import type { Ledger, SourceRecord } from "../ledger/ledger.ts";
import type { ReportQueue } from "../queue/queue.ts";
import type { QueueReport, QueueSource } from "../queue/envelope.ts";
import { type ArchivedReport, argumentsHash } from "../archive/archive.ts";
import type { Clock } from "../../util/clock.ts";
import { currentPlatform, type Platform } from "../../util/platform.ts";
import { type ReportFacts, reportFacts } from "../status/_activity.ts";

/** Files up to this size are read once into memory for hashing and converting. */
const READ_WHOLE_BYTES = 4 * 1024 * 1024;

/** Reports of one file written at once. */
const ENQUEUE_TOGETHER = 16;

/** What taking a file needs. */
export interface TakeContext {
  config: Pick<ServiceConfigValues, "limits" | "station">;
  queue: ReportQueue;
  ledger: Ledger;
  conversion: Conversion;
  clock: Clock;
  /** Counters per converter; optional. */
  stats?: ServiceStats;
  /** Aborted when the service stops. */
  signal: AbortSignal;
  /** Told what people know the reports by, once they are durable in the queue. */
  onQueued?: (reports: ReportFacts[]) => void;
  /** Runs the reading and the conversion (bounds how many run at once); directly by default. */
  converting?: <T>(convert: () => Promise<T>) => Promise<T>;
  /** The OS rules (which read errors pass by themselves); this process's by default. */
  platform?: Platform;
  /** Reads a whole file; `Deno.readFile` by default (tests inject failures). */
  readFile?: (path: string) => Promise<Uint8Array>;
}

/** How taking a file ended. */
export type Taken =
  | {
    /** `queued`: reports made; `resumed`: taken before (same path); `duplicate`: same content. */
    outcome: "queued" | "resumed" | "duplicate";
    /** The file's report ids. */
    reportIds: string[];
    /** For a duplicate: where the content was first seen. */
    firstPath?: string;
    /** For `queued`: the source as the envelopes record it (converter, version, arguments). */
    source?: QueueSource;
    /** For `queued`: each report's id, serial and part number, for the archive index. */
    units?: ArchivedReport[];
    /** A warning for the operator (a JSON or XML file read as Latin-1), naming the file. */
    warning?: string;
  }
  | { outcome: "failed"; facts: ReasonFacts }
  | { outcome: "full"; message: string }
  | { outcome: "gone" }
  /** Another process holds the file open (Windows sharing violation): not stable yet. */
  | { outcome: "busy"; message: string }
  /** The service is stopping: the conversion was cancelled and the file stays for next time. */
  | { outcome: "stopped" };

/**
 * Takes one file into the queue (see the module doc).
 *
 * @param context Queue, ledger, converters, limits.
 * @param path The file.
 * @param converter The converter id (or `auto`) and its arguments.
 * @param options `size`: the file's size as the caller just saw it (saves a stat); `origin`: the
 *   path the file had in the drop folder when `path` is its claim (recorded in the ledger).
 * @returns The outcome; I/O failures (disk full) are thrown and leave the file where it is.
 */
export async function takeSource(
  context: TakeContext,
  path: string,
  converter: { id: string; args: Readonly<Record<string, unknown>>; strictEncoding?: boolean },
  options: { size?: number; origin?: string } = {},
): Promise<Taken> {
  const { queue, ledger } = context;
  const converting = context.converting ?? ((convert) => convert());
  const converted = await converting(() => readAndConvert(context, path, converter, options));
  if ("outcome" in converted) return converted;
  const { result, sha256, size } = converted;
  let { known, missing } = converted;
  const origin = options.origin ?? path;

  // Ids the converter made up are replaced by ones any converting service would make alike.
  let reports = withContentIds(result.reports as QueueReport[], sha256, converted.guids);
  if (!known) {
    const record = { reportIds: reports.map((r) => r.id), path: origin, at: isoNow(context) };
    if (!await ledger.recordSource(sha256, record)) {
      // The same content arrived twice at once: the other copy recorded it first.
      known = await ledger.getSource(sha256);
      if (!known) throw new Error(`Source record of ${sha256} vanished`);
      missing = await missingIds(context, known);
      if (missing.size === 0) return await finishKnown(context, origin, sha256, known);
    }
  }
  if (known) reports = withIds(reports, known.reportIds);
  const source = {
    path: origin,
    sha256,
    size,
    converter: result.converter.id,
    converterVersion: result.converter.version,
    argumentsHash: argumentsHash(converter.args),
  };
  const recorded = new Set(known?.reportIds ?? []);
  // Reports of an earlier take that are queued or accepted already are not queued again.
  const toQueue = reports.filter((report) =>
    !(missing && !missing.has(report.id) && recorded.has(report.id))
  );
  try {
    // A panel's reports are written a few at a time, so their folder fsyncs are shared.
    for (let at = 0; at < toQueue.length; at += ENQUEUE_TOGETHER) {
      const chunk = toQueue.slice(at, at + ENQUEUE_TOGETHER);
      const writes = await Promise.allSettled(chunk.map((report) => queue.enqueue(report, source)));
      const failure = writes.find((write) => write.status === "rejected");
      if (failure) throw failure.reason;
    }
  } catch (error) {
    if (!(error instanceof QueueFullError)) throw error;
    return { outcome: "full", message: error.message };
  }
  const units = reports.map(({ id, sn, pn }) => ({
    id,
    ...(typeof sn === "string" ? { sn } : {}),
    ...(typeof pn === "string" ? { pn } : {}),
  }));
  context.onQueued?.(toQueue.map((report) => reportFacts({ id: report.id, report, source })));
  const warning = result.encodingWarning;
  return {
    outcome: "queued",
    reportIds: reports.map((report) => report.id),
    source,
    units,
    ...warning === undefined ? {} : { warning },
  };
}

/** A file read, hashed, looked up and converted, before anything is written. */
interface Converted {
  result: Extract<ConvertResult, { ok: true }>;
  sha256: string;
  size: number;
  known: SourceRecord | null;
  missing: Set<string> | null;
  /** The GUIDs written in the file, to tell its own report ids from made-up ones. */
  guids: Set<string>;
}

/** Reads, hashes and converts a file; answers early for a refused, known or gone file. */
async function readAndConvert(
  context: TakeContext,
  path: string,
  converter: { id: string; args: Readonly<Record<string, unknown>>; strictEncoding?: boolean },
  options: { size?: number; origin?: string },
): Promise<Converted | Taken> {
  const { config, ledger } = context;
  let size: number;
  let bytes: Uint8Array | undefined;
  try {
    // The watcher has just seen the size; without it, ask the file system.
    size = options.size ?? (await Deno.stat(path)).size;
    if (size <= READ_WHOLE_BYTES) {
      bytes = await (context.readFile ?? Deno.readFile)(path);
      size = bytes.length;
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { outcome: "gone" };
    // The test software, Excel or a scanner still has it open: it is not ready, nothing is wrong.
    if ((context.platform ?? currentPlatform).isTransientError(error)) {
      return { outcome: "busy", message: (error as Error).message };
    }
    throw error;
  }
  if (size === 0) {
    return { outcome: "failed", facts: { stage: "read", reason: "Empty file (0 bytes)" } };
  }
  const maxBytes = config.limits.maxFileBytes;
  if (size > maxBytes) {
    const reason =
      `File is ${size} bytes, over the limit of ${maxBytes} bytes (limits.maxFileBytes)`;
    return { outcome: "failed", facts: { stage: "size", reason } };
  }
  if (bytes && startsLikeJson(bytes) && isNestedDeeperThan(bytes, MAX_JSON_DEPTH)) {
    const reason = `JSON nested too deeply: more than ${MAX_JSON_DEPTH} levels of arrays and ` +
      "objects (the limit)";
    return { outcome: "failed", facts: { stage: "parse", reason } };
  }
  const sha256 = bytes ? hashHex(bytes) : await hashStreamHex((await Deno.open(path)).readable);
  const known = await ledger.getSource(sha256);
  const missing = known ? await missingIds(context, known) : null;
  if (known && missing?.size === 0) {
    return await finishKnown(context, options.origin ?? path, sha256, known);
  }

  const started = performance.now();
  const result = await context.conversion.convert({
    path,
    bytes,
    size,
    converter: converter.id,
    args: converter.args,
    strictEncoding: converter.strictEncoding,
    station: config.station,
    signal: context.signal,
    now: () => context.clock.now(),
  });
  // Cancelled by the stop, not refused by the converter: nothing is wrong with the file.
  if (!result.ok && context.signal.aborted) return { outcome: "stopped" };
  const converterId = result.ok ? result.converter.id : result.converter ?? "none";
  context.stats?.converted(converterId, result.ok, (performance.now() - started) / 1000);
  if (!result.ok) {
    return {
      outcome: "failed",
      facts: { stage: result.stage, reason: result.reason, converter: result.converter },
    };
  }
  const guids = await guidsIn(bytes ?? (await Deno.open(path)).readable);
  return { result, sha256, size, known, missing, guids };
}

/** A file whose content is known and whose reports are all queued or accepted. */
async function finishKnown(
  context: TakeContext,
  path: string,
  sha256: string,
  known: SourceRecord,
): Promise<Taken> {
  if (known.path === path) return { outcome: "resumed", reportIds: known.reportIds };
  // Counts the duplicate; the first record stays.
  await context.ledger.recordSource(sha256, { ...known, path, at: isoNow(context) });
  return { outcome: "duplicate", reportIds: known.reportIds, firstPath: known.path };
}

async function missingIds(context: TakeContext, record: SourceRecord): Promise<Set<string>> {
  const missing = new Set<string>();
  for (const id of record.reportIds) {
    if (await context.queue.stateOf(id) !== null) continue;
    if (await context.ledger.getAccepted(id) !== null) continue;
    missing.add(id);
  }
  return missing;
}

/** Gives reports the ids recorded for their file, by position. */
function withIds(reports: QueueReport[], ids: readonly string[]): QueueReport[] {
  return reports.map((report, index) =>
    index < ids.length && report.id !== ids[index] ? { ...report, id: ids[index] } : report
  );
}

function isoNow(context: TakeContext): string {
  return new Date(context.clock.now()).toISOString();
}
