/**
 * The one error hierarchy of the WATS API client.
 *
 * Every failure a caller can meet is a {@linkcode WatsError}; subclasses exist only for the cases a
 * caller catches separately. Each error carries what is needed to act on it (status, operation,
 * method, path, the server's correlation id and a short excerpt of the server's message) and never
 * the token: the transport builds messages from the path alone, not from headers.
 *
 * @module
 */

/**
 * The facts every {@linkcode WatsError} carries.
 *
 * @category Errors
 */
export interface WatsErrorDetails {
  /** HTTP status, or `null` when no response arrived. */
  status?: number | null;
  /** The client operation, e.g. `report.submit`. */
  operation?: string;
  /** HTTP method of the request. */
  method?: string;
  /** Request path (without query string), e.g. `/api/Report/WSJF`. */
  path?: string;
  /** The server's correlation or request id, when it sent one. */
  correlationId?: string | null;
  /** A short excerpt of what the server said. */
  serverMessage?: string | null;
  /** The underlying error. */
  cause?: unknown;
}

/** The most characters of a server message kept on an error. */
const EXCERPT_LIMIT = 300;

/**
 * Shortens a server message to an excerpt fit for an error message.
 *
 * @param text The full text.
 * @returns At most 300 characters, whitespace folded, `…` where it was cut.
 *
 * @category Errors
 */
export function excerpt(text: string): string {
  const folded = text.replace(/\s+/g, " ").trim();
  return folded.length > EXCERPT_LIMIT ? `${folded.slice(0, EXCERPT_LIMIT - 1)}…` : folded;
}

/**
 * The base of every error the WATS client throws.
 *
 * @example Tell errors apart
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotFoundError, Wats, WatsError } from "@wats/toolkit";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * const error = await wats.request({ method: "GET", path: "/api/Nowhere", operation: "nowhere" })
 *   .catch((error: unknown) => error);
 * assert.ok(error instanceof WatsError);
 * assert.ok(error instanceof NotFoundError);
 * assert.equal(error.status, 404);
 * assert.equal(error.operation, "nowhere");
 * ```
 *
 * @category Errors
 */
export class WatsError extends Error {
  /** HTTP status, or `null` when no response arrived. */
  readonly status: number | null;
  /** The client operation, e.g. `report.submit`. */
  readonly operation: string | null;
  /** HTTP method of the request. */
  readonly method: string | null;
  /** Request path (without query string). */
  readonly path: string | null;
  /** The server's correlation or request id. */
  readonly correlationId: string | null;
  /** A short excerpt of what the server said. */
  readonly serverMessage: string | null;

  /**
   * Creates an error.
   *
   * @param message What went wrong, in sentence case.
   * @param details The request and response facts.
   */
  constructor(message: string, details: WatsErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status ?? null;
    this.operation = details.operation ?? null;
    this.method = details.method ?? null;
    this.path = details.path ?? null;
    this.correlationId = details.correlationId ?? null;
    this.serverMessage = details.serverMessage ?? null;
  }

  /**
   * Whether retrying the same request later may succeed.
   *
   * @returns `true` for network problems, timeouts, 408, 429, 5xx and an open circuit.
   */
  get isRetryable(): boolean {
    return false;
  }
}

/**
 * 404: the thing asked for does not exist (strict mode only; lenient mode returns `null`).
 *
 * @example Catch it
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotFoundError } from "@wats/toolkit";
 *
 * const error: unknown = new NotFoundError("Product not found", { status: 404 });
 * assert.ok(error instanceof NotFoundError);
 * ```
 *
 * @category Errors
 */
export class NotFoundError extends WatsError {}

/**
 * 400 or 422: the server refused the request's content.
 *
 * @example Catch it
 * ```ts
 * import assert from "node:assert/strict";
 * import { ValidationError } from "@wats/toolkit";
 *
 * assert.equal(new ValidationError("Bad report", { status: 400 }).status, 400);
 * ```
 *
 * @category Errors
 */
export class ValidationError extends WatsError {}

/**
 * 401: the token is missing, wrong or expired.
 *
 * @example Catch it
 * ```ts
 * import assert from "node:assert/strict";
 * import { AuthenticationError, Wats } from "@wats/toolkit";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: btoa("someone:wrong") });
 * await assert.rejects(wats.app.version(), AuthenticationError);
 * ```
 *
 * @category Errors
 */
export class AuthenticationError extends WatsError {}

/**
 * 403: the token is valid but lacks the permission.
 *
 * @example Catch it
 * ```ts
 * import assert from "node:assert/strict";
 * import { AuthorizationError } from "@wats/toolkit";
 *
 * assert.equal(new AuthorizationError("Not allowed", { status: 403 }).status, 403);
 * ```
 *
 * @category Errors
 */
export class AuthorizationError extends WatsError {}

/**
 * 409: the request conflicts with the server's state.
 *
 * @example Catch it
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConflictError } from "@wats/toolkit";
 *
 * assert.equal(new ConflictError("Already exists", { status: 409 }).status, 409);
 * ```
 *
 * @category Errors
 */
export class ConflictError extends WatsError {}

/**
 * A response outside the other classes: 405, 408, 413 and the like, or a 2xx with an empty body
 * where the operation needs one (strict mode).
 *
 * @example Catch it
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnexpectedResponseError } from "@wats/toolkit";
 *
 * assert.equal(new UnexpectedResponseError("Empty response", { status: 200 }).status, 200);
 * ```
 *
 * @category Errors
 */
export class UnexpectedResponseError extends WatsError {
  /**
   * Whether retrying may help: true for 408.
   *
   * @returns `true` when the status was 408 Request Timeout.
   */
  override get isRetryable(): boolean {
    return this.status === 408;
  }
}

/**
 * Facts of a {@linkcode RateLimitError}.
 *
 * @category Errors
 */
export interface RateLimitErrorDetails extends WatsErrorDetails {
  /** How long the server asked the client to wait, in milliseconds. */
  retryAfterMs?: number | null;
}

/**
 * 429: the server asked the client to slow down.
 *
 * @example Wait as asked
 * ```ts
 * import assert from "node:assert/strict";
 * import { RateLimitError } from "@wats/toolkit";
 *
 * const error = new RateLimitError("Too many requests", { status: 429, retryAfterMs: 2000 });
 * assert.equal(error.retryAfterMs, 2000);
 * ```
 *
 * @category Errors
 */
export class RateLimitError extends WatsError {
  /** How long the server asked the client to wait, in milliseconds, when it said. */
  readonly retryAfterMs: number | null;

  /**
   * Creates the error.
   *
   * @param message What went wrong.
   * @param details The request facts and the server's `Retry-After`.
   */
  constructor(message: string, details: RateLimitErrorDetails = {}) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs ?? null;
  }

  /**
   * Always retryable, after the wait the server asked for.
   *
   * @returns `true`.
   */
  override get isRetryable(): boolean {
    return true;
  }
}

/**
 * 5xx: the server failed. A 503 may carry `Retry-After`.
 *
 * @example Catch it
 * ```ts
 * import assert from "node:assert/strict";
 * import { ServerError } from "@wats/toolkit";
 *
 * assert.equal(new ServerError("Server failed", { status: 503, retryAfterMs: 1000 }).isRetryable, true);
 * ```
 *
 * @category Errors
 */
export class ServerError extends WatsError {
  /** How long the server asked the client to wait, in milliseconds, when it said. */
  readonly retryAfterMs: number | null;

  /**
   * Creates the error.
   *
   * @param message What went wrong.
   * @param details The request facts and the server's `Retry-After`.
   */
  constructor(message: string, details: RateLimitErrorDetails = {}) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs ?? null;
  }

  /**
   * 500, 502, 503 and 504 are worth retrying; other 5xx are not.
   *
   * @returns Whether the status is one of the transient server failures.
   */
  override get isRetryable(): boolean {
    return this.status === 500 || this.status === 502 || this.status === 503 ||
      this.status === 504;
  }
}

/**
 * No response arrived: DNS, connection refused or reset, TLS.
 *
 * @example Catch it
 * ```ts
 * import assert from "node:assert/strict";
 * import { NetworkError } from "@wats/toolkit";
 *
 * assert.equal(new NetworkError("Connection refused").isRetryable, true);
 * ```
 *
 * @category Errors
 */
export class NetworkError extends WatsError {
  /**
   * Always retryable.
   *
   * @returns `true`.
   */
  override get isRetryable(): boolean {
    return true;
  }
}

/**
 * The attempt took longer than the configured timeout.
 *
 * @example Catch it
 * ```ts
 * import assert from "node:assert/strict";
 * import { TimeoutError } from "@wats/toolkit";
 *
 * assert.equal(new TimeoutError("Timed out after 30000 ms").isRetryable, true);
 * ```
 *
 * @category Errors
 */
export class TimeoutError extends WatsError {
  /**
   * Always retryable.
   *
   * @returns `true`.
   */
  override get isRetryable(): boolean {
    return true;
  }
}

/**
 * Facts of a {@linkcode CircuitOpenError}.
 *
 * @category Errors
 */
export interface CircuitOpenErrorDetails extends WatsErrorDetails {
  /** When the breaker lets the next probe through, in epoch milliseconds. */
  retryAtMs: number;
}

/**
 * The circuit breaker is open: no request left the client.
 *
 * @example Wait until the breaker probes again
 * ```ts
 * import assert from "node:assert/strict";
 * import { CircuitOpenError } from "@wats/toolkit";
 *
 * const retryAtMs = Date.UTC(2026, 0, 1, 12, 1);
 * const error = new CircuitOpenError("Circuit open", { retryAtMs });
 * assert.equal(new Date(error.retryAtMs).toISOString(), "2026-01-01T12:01:00.000Z");
 * ```
 *
 * @category Errors
 */
export class CircuitOpenError extends WatsError {
  /** When the breaker lets the next probe through, in epoch milliseconds. */
  readonly retryAtMs: number;

  /**
   * Creates the error.
   *
   * @param message What went wrong.
   * @param details The request facts and when to try again.
   */
  constructor(message: string, details: CircuitOpenErrorDetails) {
    super(message, details);
    this.retryAtMs = details.retryAtMs;
  }

  /**
   * Retryable once {@linkcode CircuitOpenError.retryAtMs} has passed.
   *
   * @returns `true`.
   */
  override get isRetryable(): boolean {
    return true;
  }
}
