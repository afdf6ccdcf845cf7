/**
 * The queue envelope: one JSON file a report, `<report id>.json`, in the folder of its state.
 *
 * The envelope carries the report (opaque here: any JSON object with a string `id`), where it came
 * from, and the upload bookkeeping: attempts, the next attempt time, the last error. The server's
 * answer to an accepted report is kept by the ledger.
 *
 * @module
 */

import { z } from "zod";

/** The queue states, one folder each. */
export const QUEUE_STATES: readonly ["pending", "processing", "done", "failed", "quarantine"] = [
  "pending",
  "processing",
  "done",
  "failed",
  "quarantine",
] as const;

/** A queue state: the folder an envelope sits in. */
export type QueueState = typeof QUEUE_STATES[number];

/** A report as the queue sees it: a JSON object with a string `id`. */
export interface QueueReport {
  /** The report id; also the envelope's file name and the upload's idempotency key. */
  id: string;
  /** Every other report field, kept as it is. */
  [key: string]: unknown;
}

/** Where a queued report came from. */
export interface QueueSource {
  /** The source file as it was found in the drop folder. */
  path: string;
  /** SHA-256 of the source file, lowercase hex. */
  sha256: string;
  /** Size of the source file in bytes. */
  size: number;
  /** The converter id that produced the report. */
  converter: string;
  /** The converter's version. */
  converterVersion?: string;
  /** A hash of the converter arguments used. */
  argumentsHash?: string;
}

/** The last error an upload met. */
export interface QueueErrorRecord {
  /** What went wrong, fit for an operator. */
  message: string;
  /** HTTP status, when the server answered. */
  status?: number;
  /** When it happened, ISO 8601. */
  at: string;
}

/** One queued report with its upload bookkeeping. */
export interface QueueEnvelope {
  /** Envelope format version. */
  v: 1;
  /** The report id (equals `report.id` and the file name without `.json`). */
  id: string;
  /** The report itself. */
  report: QueueReport;
  /** The source file, or `null` for a report submitted directly. */
  source: QueueSource | null;
  /** When the report entered the queue, ISO 8601. */
  enqueuedAt: string;
  /** Upload attempts that ended in a retryable error. */
  attempts: number;
  /** The earliest time of the next upload attempt, ISO 8601. */
  nextAttemptAt: string;
  /** The last error, or the reason of a permanent failure. */
  lastError?: QueueErrorRecord;
}

/** One item as listed by the queue's `list` and `get`. */
export interface QueueItem {
  /** The report id (the file name without `.json`). */
  id: string;
  /** The file name in its state folder. */
  name: string;
  /** Where it is. */
  state: QueueState;
  /** The envelope, or `null` when the file is not a valid envelope. */
  envelope: QueueEnvelope | null;
  /** Why the file is not a valid envelope, or why it was quarantined. */
  problem?: string;
  /** The file's modification time, epoch ms (for `pending/`: the due time). */
  changedAt: number;
}

/** Report ids are file names on every station OS: no separators, no trailing dot, no devices. */
const REPORT_ID = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9_-])?$/;
const WINDOWS_DEVICE = /^(?:con|prn|aux|nul|com\d|lpt\d)(?:\..*)?$/i;

/**
 * Tells whether a string can be a report id in the queue (it becomes a file name).
 *
 * @param id The candidate id.
 * @returns `true` for 1–128 letters, digits, `.`, `_`, `-`, not starting with `.` nor ending
 *   with `.`, and not a Windows device name.
 *
 * @example Check an id
 * ```ts
 * import assert from "node:assert/strict";
 * import { isValidReportId } from "@wats/toolkit/client";
 *
 * assert.equal(isValidReportId("8c1f0d6e-3b1a-4f0e-9a2b-1d2c3e4f5a6b"), true);
 * assert.equal(isValidReportId("../etc/passwd"), false);
 * ```
 */
export function isValidReportId(id: string): boolean {
  return REPORT_ID.test(id) && !WINDOWS_DEVICE.test(id);
}

const ReportIdSchema = z.string().refine(isValidReportId, {
  message: "not a valid report id (letters, digits, '.', '_', '-'; at most 128)",
});
const IsoTime = z.iso.datetime({ offset: true });

/** Schema of {@linkcode QueueSource}. */
export const QueueSourceSchema: z.ZodType<QueueSource> = z.object({
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lowercase hex characters"),
  size: z.number().int().nonnegative(),
  converter: z.string().min(1),
  converterVersion: z.string().optional(),
  argumentsHash: z.string().optional(),
});

/** Schema of {@linkcode QueueErrorRecord}. */
export const QueueErrorRecordSchema: z.ZodType<QueueErrorRecord> = z.object({
  message: z.string(),
  status: z.number().int().optional(),
  at: IsoTime,
});

/** Schema of {@linkcode QueueEnvelope}; also checks that `report.id` equals `id`. */
export const QueueEnvelopeSchema: z.ZodType<QueueEnvelope> = z.object({
  v: z.literal(1),
  id: ReportIdSchema,
  report: z.looseObject({ id: z.string() }),
  source: QueueSourceSchema.nullable(),
  enqueuedAt: IsoTime,
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: IsoTime,
  lastError: QueueErrorRecordSchema.optional(),
}).refine((envelope) => envelope.report.id === envelope.id, {
  message: "report.id differs from the envelope id",
  path: ["report", "id"],
});

/**
 * Parses an envelope file's text; names the first problem when it is not a valid envelope.
 *
 * @param text The file content.
 * @returns The envelope, or the reason it is not one.
 *
 * @example Parse an envelope file
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseEnvelope } from "@wats/toolkit/client";
 *
 * const parsed = parseEnvelope("{}");
 * assert.equal(parsed.ok, false);
 * ```
 */
export function parseEnvelope(
  text: string,
): { ok: true; envelope: QueueEnvelope } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const parsed = QueueEnvelopeSchema.safeParse(json);
  if (parsed.success) return { ok: true, envelope: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return { ok: false, reason: `not a queue envelope: ${where}${issue.message}` };
}
