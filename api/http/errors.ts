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

/** The facts every {@linkcode WatsError} carries. */
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
 * @example Shorten a long message
 * ```ts
 * import { excerpt } from "./errors.ts";
 * excerpt("a  b\n c"); // "a b c"
 * ```
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
 * import { NotFoundError, WatsError } from "./errors.ts";
 * const error: unknown = new NotFoundError("Report not found", { status: 404 });
 * if (error instanceof WatsError) console.log(error.status, error.operation);
 * ```
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
 * import { NotFoundError } from "./errors.ts";
 * new NotFoundError("Product not found", { status: 404 }) instanceof NotFoundError; // true
 * ```
 */
export class NotFoundError extends WatsError {}

/**
 * 400 or 422: the server refused the request's content.
 *
 * @example Catch it
 * ```ts
 * import { ValidationError } from "./errors.ts";
 * new ValidationError("Bad report", { status: 400 }).status; // 400
 * ```
 */
export class ValidationError extends WatsError {}

/**
 * 401: the token is missing, wrong or expired.
 *
 * @example Catch it
 * ```ts
 * import { AuthenticationError } from "./errors.ts";
 * new AuthenticationError("Token refused", { status: 401 }).status; // 401
 * ```
 */
export class AuthenticationError extends WatsError {}

/**
 * 403: the token is valid but lacks the permission.
 *
 * @example Catch it
 * ```ts
 * import { AuthorizationError } from "./errors.ts";
 * new AuthorizationError("Not allowed", { status: 403 }).status; // 403
 * ```
 */
export class AuthorizationError extends WatsError {}

/**
 * 409: the request conflicts with the server's state.
 *
 * @example Catch it
 * ```ts
 * import { ConflictError } from "./errors.ts";
 * new ConflictError("Already exists", { status: 409 }).status; // 409
 * ```
 */
export class ConflictError extends WatsError {}

/**
 * A response outside the other classes: 405, 408, 413 and the like, or a 2xx with an empty body
 * where the operation needs one (strict mode).
 *
 * @example Catch it
 * ```ts
 * import { UnexpectedResponseError } from "./errors.ts";
 * new UnexpectedResponseError("Empty response", { status: 200 }).status; // 200
 * ```
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

/** Facts of a {@linkcode RateLimitError}. */
export interface RateLimitErrorDetails extends WatsErrorDetails {
  /** How long the server asked the client to wait, in milliseconds. */
  retryAfterMs?: number | null;
}

/**
 * 429: the server asked the client to slow down.
 *
 * @example Wait as asked
 * ```ts
 * import { RateLimitError } from "./errors.ts";
 * const error = new RateLimitError("Too many requests", { status: 429, retryAfterMs: 2000 });
 * error.retryAfterMs; // 2000
 * ```
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
 * import { ServerError } from "./errors.ts";
 * new ServerError("Server failed", { status: 503, retryAfterMs: 1000 }).isRetryable; // true
 * ```
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
 * import { NetworkError } from "./errors.ts";
 * new NetworkError("Connection refused").isRetryable; // true
 * ```
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
 * import { TimeoutError } from "./errors.ts";
 * new TimeoutError("Timed out after 30000 ms").isRetryable; // true
 * ```
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

/** Facts of a {@linkcode CircuitOpenError}. */
export interface CircuitOpenErrorDetails extends WatsErrorDetails {
  /** When the breaker lets the next probe through, in epoch milliseconds. */
  retryAtMs: number;
}

/**
 * The circuit breaker is open: no request left the client.
 *
 * @example Wait until the breaker probes again
 * ```ts
 * import { CircuitOpenError } from "./errors.ts";
 * const error = new CircuitOpenError("Circuit open", { retryAtMs: Date.now() + 60_000 });
 * new Date(error.retryAtMs).toISOString();
 * ```
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
