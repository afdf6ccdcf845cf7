/**
 * HTTP helpers shared by the emulator routes: one error type that becomes a JSON answer, body
 * reading with a size limit that never buffers more than the limit, and query-parameter parsing
 * with messages that name the parameter.
 *
 * @module
 */
import type { Context } from "hono";
import type { Rec } from "./_records.ts";

/** An error that the emulator answers as `{ message, ...details }` with the given status. */
export class EmulatorHttpError extends Error {
  /** HTTP status to answer with. */
  readonly status: number;
  /** Extra JSON fields of the answer (e.g. `errors`). */
  readonly details: Record<string, unknown>;
  /** Extra response headers (e.g. `Allow`, `Retry-After`). */
  readonly headers: Record<string, string>;

  /**
   * Create an HTTP error.
   *
   * @param status HTTP status code
   * @param message message for the `message` field
   * @param details extra JSON fields
   * @param headers extra response headers
   */
  constructor(
    status: number,
    message: string,
    details: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "EmulatorHttpError";
    this.status = status;
    this.details = details;
    this.headers = headers;
  }
}

/** Build the JSON error body the emulator answers with. */
export function errorBody(
  message: string,
  details: Record<string, unknown> = {},
): Record<string, unknown> {
  return { message, ...details };
}

/** Answer a JSON error from a handler. */
export function errorResponse(
  status: number,
  message: string,
  details: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(errorBody(message, details)), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** Answer any JSON value (including bare strings and booleans, as ASP.NET does). */
export function jsonResponse(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/**
 * The client went away before its request body was complete. Not a server error: the emulator
 * counts such a request as `disconnected`, and nobody is left to read the answer.
 */
export class ClientDisconnectedError extends Error {
  /**
   * Create the error.
   *
   * @param cause what reading the body failed with
   */
  constructor(cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`The client disconnected before the request body was complete: ${reason}`, { cause });
    this.name = "ClientDisconnectedError";
  }
}

const bodies = new WeakMap<Request, Uint8Array>();

/** Format a byte count for messages (e.g. `20 MB`). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

function tooLarge(limit: number): EmulatorHttpError {
  return new EmulatorHttpError(
    413,
    `Request body is larger than the limit of ${formatBytes(limit)}`,
    { limit },
  );
}

/** Throw 413 when the declared `Content-Length` is over the limit (the body is not read). */
export async function rejectDeclaredOversize(request: Request, limit: number): Promise<void> {
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge(limit);
  }
}

/**
 * Read the request body, at most `limit` bytes; the bytes are cached on the request so a
 * middleware and a handler can both read them.
 */
export async function readBody(c: Context, limit: number): Promise<Uint8Array> {
  const request = c.req.raw;
  const cached = bodies.get(request);
  if (cached) return cached;
  await rejectDeclaredOversize(request, limit);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    while (true) {
      let read: ReadableStreamReadResult<Uint8Array>;
      try {
        read = await reader.read();
      } catch (error) {
        // Only the connection can fail a request body: the client closed it mid-body.
        throw new ClientDisconnectedError(error);
      }
      const { done, value } = read;
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  bodies.set(request, body);
  return body;
}

/** Read the body as UTF-8 text (a leading byte-order mark is dropped). */
export async function readText(c: Context, limit: number): Promise<string> {
  const text = new TextDecoder().decode(await readBody(c, limit));
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Read and parse a JSON body; 400 naming the problem when it is empty or malformed. */
export async function readJson(c: Context, limit: number): Promise<unknown> {
  const text = await readText(c, limit);
  if (text.trim() === "") throw new EmulatorHttpError(400, "Request body is empty");
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EmulatorHttpError(400, `Request body is not valid JSON: ${reason}`);
  }
}

/** Read a JSON body that must be an object. */
export async function readJsonObject(
  c: Context,
  limit: number,
  what: string,
): Promise<Record<string, unknown>> {
  const value = await readJson(c, limit);
  if (!isRecord(value)) throw new EmulatorHttpError(400, `${what} must be a JSON object`);
  return value;
}

/** True for a plain JSON object. */
export function isRecord(value: unknown): value is Rec {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A query parameter looked up case-insensitively (ASP.NET binds them that way). */
export function queryParam(c: Context, name: string): string | undefined {
  const url = new URL(c.req.url);
  const exact = url.searchParams.get(name);
  if (exact !== null) return exact;
  const lower = name.toLowerCase();
  for (const [key, value] of url.searchParams) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
}

/** A required, non-blank query parameter. */
export function requireParam(c: Context, name: string): string {
  const value = queryParam(c, name);
  if (value === undefined || value.trim() === "") {
    throw new EmulatorHttpError(400, `Query parameter '${name}' is required`);
  }
  return value;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The text when it is a GUID; 400 naming `what` otherwise (`what` as in "Report id"). */
export function requireGuid(value: string, what: string): string {
  if (!GUID.test(value)) throw new EmulatorHttpError(400, `${what} '${value}' is not a GUID`);
  return value;
}

/** An integer query parameter (undefined when absent); 400 when it is not an integer. */
export function queryInt(
  c: Context,
  name: string,
  options: { min?: number; max?: number } = {},
): number | undefined {
  const raw = queryParam(c, name);
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) {
    throw new EmulatorHttpError(400, `Query parameter '${name}' must be an integer, got '${raw}'`);
  }
  if (options.min !== undefined && value < options.min) {
    throw new EmulatorHttpError(400, `Query parameter '${name}' must be at least ${options.min}`);
  }
  if (options.max !== undefined && value > options.max) {
    throw new EmulatorHttpError(400, `Query parameter '${name}' must be at most ${options.max}`);
  }
  return value;
}

/** A boolean query parameter (`true`/`false`, any case); `fallback` when absent. */
export function queryBool(c: Context, name: string, fallback: boolean): boolean {
  const raw = queryParam(c, name);
  if (raw === undefined || raw === "") return fallback;
  const lower = raw.toLowerCase();
  if (lower === "true" || lower === "1") return true;
  if (lower === "false" || lower === "0") return false;
  throw new EmulatorHttpError(400, `Query parameter '${name}' must be true or false, got '${raw}'`);
}
