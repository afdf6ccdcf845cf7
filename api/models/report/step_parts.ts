/**
 * The smaller payloads a step carries: loop info, sequence-call info, the call-executable and
 * message-popup results, and an attachment.
 *
 * Loop info is read as `{idx, num}` or pyWATS' `{i, n}` and always written as `{idx, num}`.
 *
 * @module
 */
import { z } from "zod";
import { base64, int, isRecord, normalised, num, text } from "./_primitives.ts";

/**
 * Loop info: iteration entries carry `idx`; the summary entry carries the counts.
 *
 * @category Report model
 */
export interface LoopInfo {
  /** Iteration index (iteration entries; `null` in the summary). */
  idx?: number | null;
  /** Number of iterations (summary entry). */
  num?: number | null;
  /** Index the loop ended at (summary entry). */
  endingIndex?: number | null;
  /** Iterations that passed (summary entry). */
  passed?: number | null;
  /** Iterations that failed (summary entry). */
  failed?: number | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * The sequence a `SequenceCall` step called (`seqCall`).
 *
 * @category Report model
 */
export interface SequenceCallInfo {
  /** Sequence file path. */
  path?: string | null;
  /** Sequence name. */
  name?: string | null;
  /** Sequence file version. */
  version?: string | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * The result of a `CallExecutable` step (`callExe`).
 *
 * @category Report model
 */
export interface CallExecutableInfo {
  /** The program's exit code. */
  exitCode?: number | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * The answer to a `MessagePopup` step (`messagePopup`).
 *
 * @category Report model
 */
export interface MessagePopupInfo {
  /** Text the operator entered. */
  response?: string | null;
  /** The button pressed (0-based). */
  button?: number | null;
  /** Display format of the button number. */
  buttonFormat?: string | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * A file attached to a step (client cap 10 MB).
 *
 * @category Report model
 */
export interface StepAttachment {
  /** File name, 1–256 characters. */
  name: string;
  /** MIME type, e.g. `image/png`. */
  contentType: string;
  /** The file content, base64. */
  data: string;
  /** What the file shows, at most 500 characters. */
  description?: string | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/** Base64 length of 10 MiB of content, the client's attachment cap. */
const ATTACHMENT_BASE64_MAX = Math.ceil((10 * 1024 * 1024) / 3) * 4;

/**
 * @internal Folds pyWATS loop keys `i`/`n` into `idx`/`num`.
 *
 * @category Report model
 */
export function foldLoopAliases(value: unknown): unknown {
  if (!isRecord(value) || !("i" in value || "n" in value)) return value;
  const { i, n, ...rest } = value;
  if (rest.idx === undefined && i !== undefined) rest.idx = i;
  if (rest.num === undefined && n !== undefined) rest.num = n;
  return rest;
}

/**
 * @internal Loop info, aliases folded.
 *
 * @category Report model
 */
export const loopInfo: z.ZodType<LoopInfo> = normalised(
  foldLoopAliases,
  z.looseObject({
    idx: int.nullish(),
    num: int.nullish(),
    endingIndex: int.nullish(),
    passed: int.nullish(),
    failed: int.nullish(),
  }),
);

/**
 * @internal Sequence-call info.
 *
 * @category Report model
 */
export const sequenceCallInfo: z.ZodType<SequenceCallInfo> = z.looseObject({
  path: text(500).nullish(),
  name: text(200).nullish(),
  version: text(30).nullish(),
});

/**
 * @internal Call-executable result.
 *
 * @category Report model
 */
export const callExecutableInfo: z.ZodType<CallExecutableInfo> = z.looseObject({
  exitCode: num.nullish(),
});

/**
 * @internal Message-popup answer.
 *
 * @category Report model
 */
export const messagePopupInfo: z.ZodType<MessagePopupInfo> = z.looseObject({
  response: z.string().nullish(),
  button: int.nullish(),
  buttonFormat: z.string().nullish(),
});

/**
 * @internal A step attachment.
 *
 * @category Report model
 */
export const attachment: z.ZodType<StepAttachment> = z.looseObject({
  name: text(256, 1),
  contentType: text(100, 1),
  data: base64(ATTACHMENT_BASE64_MAX, "Attachments are limited to 10 MB"),
  description: text(500).nullish(),
});
