/**
 * The transport: the only place in the toolkit that calls `fetch`.
 *
 * One request goes through, in order: the circuit breaker (an open circuit means nothing leaves),
 * the rate limiter (once per attempt, so retries are counted), `fetch` with a per-attempt timeout,
 * then the status mapping into the {@linkcode WatsError} hierarchy. Retryable failures (network,
 * timeout, 408, 429, 500, 502, 503, 504) are tried again with full-jitter backoff, but only for
 * requests that are safe to repeat: GET, PUT and DELETE, or a POST/PATCH the caller marks
 * idempotent (a report submission with its stable id is). `Retry-After` is honoured; when the
 * server asks for a longer wait than the policy's cap the transport does not block the caller but
 * throws at once with `retryAfterMs`, so a queue can schedule the next attempt instead.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { VERSION } from "../version.ts";
import { CircuitBreaker, type CircuitBreakerOptions } from "./breaker.ts";
import { type Clock, systemClock } from "../../util/clock.ts";
import {
  AuthenticationError,
  AuthorizationError,
  CircuitOpenError,
  ConflictError,
  excerpt,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  UnexpectedResponseError,
  ValidationError,
  type WatsError,
  type WatsErrorDetails,
} from "./errors.ts";
import { type Limiter, RateLimiter, type RateLimiterOptions } from "./limiter.ts";
import { parseRetryAfter, type RetryOptions, RetryPolicy } from "./retry.ts";
import { HttpClients, type ProxySetting } from "./proxy.ts";

const log = getLogger(["wats", "http"]);

/**
 * HTTP methods the WATS API uses.
 *
 * @category HTTP
 */
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

/**
 * A query-string value; `null` and `undefined` are dropped, arrays are comma-joined.
 *
 * @category HTTP
 */
export type QueryValue =
  | string
  | number
  | boolean
  | Date
  | readonly (string | number)[]
  | null
  | undefined;

/**
 * One request, as services describe it.
 *
 * @category HTTP
 */
export interface RequestSpec {
  /** HTTP method. */
  method: HttpMethod;
  /** Path from the server root, with `{name}` placeholders, e.g. `/api/Report/Wsjf/{id}`. */
  path: string;
  /** Values for the placeholders; each is URL-encoded as one segment. */
  params?: Record<string, string | number>;
  /** Query parameters; `null`/`undefined` entries are left out. */
  query?: Record<string, QueryValue>;
  /** A JSON body. */
  json?: unknown;
  /** A raw body (XML, CSV, bytes); give `contentType` with it. */
  body?: string | Uint8Array;
  /** Content type of a raw body. */
  contentType?: string;
  /** Extra headers. */
  headers?: Record<string, string>;
  /**
   * Whether the request may be repeated safely. Unset: GET, PUT and DELETE are, POST and PATCH
   * are not. `true` lets a POST be retried; `false` keeps a PUT that adds (a counter increment)
   * to a single attempt.
   */
  idempotent?: boolean;
  /** Sent as `Idempotency-Key` when set. */
  idempotencyKey?: string;
  /** An internal (`/api/internal`) route: sends the `Referer` header WATS requires. */
  internal?: boolean;
  /** Read the body as bytes instead of JSON/text. */
  responseType?: "auto" | "bytes";
  /** The client operation, for errors and logs, e.g. `report.submit`. */
  operation: string;
  /** Cancels the request, including limiter waits and retry sleeps. */
  signal?: AbortSignal;
  /**
   * Cancels only the waits before an attempt (for a limiter slot, between retries), never an
   * attempt under way: a service that stops drops the uploads that have not started and lets
   * the others finish.
   */
  waitSignal?: AbortSignal;
  /** Per-attempt timeout in milliseconds; the transport's default when absent. */
  timeoutMs?: number;
}

/**
 * A successful (2xx) response.
 *
 * @category HTTP
 */
export interface WatsResponse<T = unknown> {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** `null` for an empty body, the parsed JSON when it parses, else the text (or bytes). */
  data: T;
  /** The server's correlation or request id, when it sent one. */
  correlationId: string | null;
}

/**
 * How a 404 or an empty body is answered.
 *
 * @category Client
 */
export type ErrorMode = "strict" | "lenient";

/**
 * What a look-up returns under an error mode: `T` in strict mode, where a miss throws, and
 * `T | null` in lenient mode, or when the mode is not known (`ErrorMode`).
 *
 * A lookup table rather than a conditional type: a client typed with either mode is then not
 * taken for a strict one, as TypeScript relates conditional types by their check type both ways.
 *
 * @typeParam T The value found.
 * @typeParam M The client's error mode.
 *
 * @category Client
 */
export type Found<T, M extends ErrorMode> = { strict: T; lenient: T | null }[M];

/**
 * Options of a {@linkcode Transport}.
 *
 * @category HTTP
 */
export interface TransportOptions {
  /** The WATS server, e.g. `https://acme.wats.com`; a trailing `/` or `/api` is stripped. */
  baseUrl: string;
  /** The token, already base64 as WATS issues it; sent verbatim as `Basic <token>`. */
  token: string;
  /** Per-attempt timeout in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** A shared limiter, options for a new one, or `false` for none. Default 500 per 60 s. */
  limiter?: Limiter | RateLimiterOptions | false;
  /** A retry policy, options for one, or `false` for a single attempt. */
  retry?: RetryPolicy | RetryOptions | false;
  /** A shared breaker, options for a new one, or `false` for none. */
  breaker?: CircuitBreaker | CircuitBreakerOptions | false;
  /** `strict` (default) throws on 404 and empty bodies; `lenient` answers `null`. */
  mode?: ErrorMode;
  /** The clock for retry sleeps. */
  clock?: Clock;
  /** Extra text for the `User-Agent`, e.g. `station-7`. */
  userAgent?: string;
  /** The `fetch` to call; for the transport's own tests. */
  fetch?: typeof fetch;
  /**
   * The proxy: `"system"` (the `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` variables), `"none"`, or a
   * `ManualProxy` with its credentials and bypass hosts. Unset, Deno's `fetch` applies
   * the proxy variables itself. See `@wats/toolkit/http`'s proxy notes.
   */
  proxy?: ProxySetting;
  /**
   * Extra certificate authorities (PEM) trusted besides Deno's store, e.g. an on-prem server's
   * internal CA (`readCaCertFile` reads a file). The store itself is chosen with
   * `DENO_TLS_CA_STORE` (`system,mozilla` adds the OS store).
   */
  caCerts?: readonly string[];
}

const CORRELATION_HEADERS = [
  "x-correlation-id",
  "x-request-id",
  "request-id",
  "x-ms-request-id",
  "correlation-id",
];

const SAFE_METHODS: ReadonlySet<HttpMethod> = new Set(["GET", "PUT", "DELETE"]);

/**
 * Normalises a WATS base URL: trailing `/` and a trailing `/api` are removed.
 *
 * @param baseUrl The URL as configured.
 * @returns The server root, without a trailing slash.
 * @throws {TypeError} When the URL is not an absolute http(s) URL.
 *
 * @example Strip `/api`
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeBaseUrl } from "@wats/toolkit/http";
 *
 * assert.equal(normalizeBaseUrl("https://acme.wats.com/api/"), "https://acme.wats.com");
 * ```
 *
 * @category HTTP
 */
export function normalizeBaseUrl(baseUrl: string): string {
  let url = baseUrl.trim().replace(/\/+$/, "");
  if (/\/api$/i.test(url)) url = url.slice(0, -4).replace(/\/+$/, "");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`Invalid WATS base URL: ${JSON.stringify(baseUrl)}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`WATS base URL must use http or https, got ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password) {
    throw new TypeError("WATS base URL must not carry credentials; pass the token instead");
  }
  return url;
}

/**
 * Builds the path and query string of a request.
 *
 * @param path The path template with `{name}` placeholders.
 * @param params Values for the placeholders, each URL-encoded as one segment.
 * @param query Query parameters; `null`/`undefined` dropped, dates as ISO strings.
 * @returns The path with query string.
 * @throws {TypeError} When a placeholder has no value.
 *
 * @example Encode a serial number with a slash
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildPath } from "@wats/toolkit/http";
 *
 * assert.equal(
 *   buildPath("/api/Asset/{id}", { id: "A/1" }, { top: 5, skip: null }),
 *   "/api/Asset/A%2F1?top=5",
 * );
 * ```
 *
 * @category HTTP
 */
export function buildPath(
  path: string,
  params: Record<string, string | number> = {},
  query: Record<string, QueryValue> = {},
): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === null || value === "") {
      throw new TypeError(`Missing value for path parameter "${name}" in ${path}`);
    }
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined) continue;
    if (value instanceof Date) search.append(key, value.toISOString());
    else if (Array.isArray(value)) {
      if (value.length > 0) search.append(key, value.join(","));
    } else search.append(key, String(value));
  }
  const qs = search.toString();
  return qs ? `${filled}?${qs}` : filled;
}

/**
 * Reads the message a server put in an error body.
 *
 * @param data The parsed body: JSON, text or `null`.
 * @returns The message, or `null` when there is none.
 *
 * @category HTTP
 */
export function serverMessageOf(data: unknown): string | null {
  if (typeof data === "string") return data.trim() ? excerpt(data) : null;
  if (data && typeof data === "object" && !Array.isArray(data)) {
    const record = data as Record<string, unknown>;
    for (const key of ["message", "Message", "error", "title", "detail"]) {
      const value = record[key];
      if (typeof value === "string" && value.trim()) return excerpt(value);
    }
  }
  return null;
}

/**
 * Maps a non-2xx status to the matching {@linkcode WatsError} subclass.
 *
 * @param status The HTTP status.
 * @param details The request facts; `serverMessage` becomes part of the message.
 * @param retryAfterMs The server's `Retry-After`, in milliseconds.
 * @returns The error to throw.
 *
 * @category HTTP
 */
export function errorForStatus(
  status: number,
  details: WatsErrorDetails,
  retryAfterMs: number | null = null,
): WatsError {
  const what = details.operation ? `${details.operation} failed` : "Request failed";
  const said = details.serverMessage ? `: ${details.serverMessage}` : "";
  const where = details.method && details.path ? ` (${details.method} ${details.path})` : "";
  const message = `${what} with HTTP ${status}${said}${where}`;
  const all = { ...details, status };
  if (status === 400 || status === 422) return new ValidationError(message, all);
  if (status === 401) return new AuthenticationError(message, all);
  if (status === 403) return new AuthorizationError(message, all);
  if (status === 404) return new NotFoundError(message, all);
  if (status === 409) return new ConflictError(message, all);
  if (status === 429) return new RateLimitError(message, { ...all, retryAfterMs });
  if (status >= 500) return new ServerError(message, { ...all, retryAfterMs });
  return new UnexpectedResponseError(message, all);
}

/**
 * The HTTP core of the WATS client: auth, URL building, limiter, retry, breaker, error mapping.
 *
 * @example Call a route no service covers yet
 * ```ts
 * import assert from "node:assert/strict";
 * import { Transport } from "@wats/toolkit/http";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const transport = new Transport({ baseUrl: emulator.url, token: emulator.token });
 * const res = await transport.request<string>({
 *   method: "GET",
 *   path: "/api/App/Version",
 *   operation: "app.version",
 * });
 * assert.equal(res.status, 200);
 * assert.equal(typeof res.data, "string");
 * ```
 *
 * @category HTTP
 */
export class Transport {
  /** The normalised server root. */
  readonly baseUrl: string;
  /** The limiter every attempt passes, or `null` when throttling is off. */
  readonly limiter: Limiter | null;
  /** The circuit breaker, or `null` when it is off. */
  readonly breaker: CircuitBreaker | null;
  /** The retry policy, or `null` for single attempts. */
  readonly retry: RetryPolicy | null;
  /** How 404 and empty bodies are answered by {@linkcode Transport.send}. */
  readonly mode: ErrorMode;
  #authorization: string;
  #timeoutMs: number;
  #userAgent: string;
  #clock: Clock;
  #fetch: typeof fetch;
  #clients: HttpClients | null;

  /**
   * Creates a transport.
   *
   * @param options Server, token, limits and policies.
   */
  constructor(options: TransportOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    if (!options.token) throw new TypeError("A WATS token is required");
    this.#authorization = `Basic ${options.token}`;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#clock = options.clock ?? systemClock;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    // Without either option Deno's own client does the same, with no client to close.
    this.#clients = options.proxy !== undefined || options.caCerts?.length
      ? new HttpClients({ proxy: options.proxy, caCerts: options.caCerts })
      : null;
    this.mode = options.mode ?? "strict";
    this.#userAgent = `wats-toolkit/${VERSION} Deno/${Deno.version.deno}` +
      (options.userAgent ? ` ${options.userAgent}` : "");
    const limiter = options.limiter ?? {};
    this.limiter = limiter === false
      ? null
      : "acquire" in limiter
      ? limiter
      : new RateLimiter({ clock: this.#clock, ...limiter });
    const retry = options.retry ?? {};
    this.retry = retry === false
      ? null
      : retry instanceof RetryPolicy
      ? retry
      : new RetryPolicy({ clock: this.#clock, ...retry });
    const breaker = options.breaker ?? {};
    this.breaker = breaker === false
      ? null
      : breaker instanceof CircuitBreaker
      ? breaker
      : new CircuitBreaker({ clock: this.#clock, ...breaker });
  }

  /**
   * Closes the HTTP clients made for `proxy` and `caCerts`; a later request makes new ones.
   */
  close(): void {
    this.#clients?.close();
  }

  /** Closes the HTTP clients, as {@linkcode Transport.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Sends a request; resolves with a 2xx response and throws a {@linkcode WatsError} otherwise.
   *
   * @param spec What to send.
   * @returns The response, its body parsed.
   * @throws {WatsError} For every non-2xx status and every failure to get a response.
   */
  async request<T = unknown>(spec: RequestSpec): Promise<WatsResponse<T>> {
    const pathAndQuery = buildPath(spec.path, spec.params, spec.query);
    const bare = pathAndQuery.split("?")[0];
    const details = { operation: spec.operation, method: spec.method, path: bare };
    const mayRepeat = spec.idempotent ?? SAFE_METHODS.has(spec.method);
    const maxAttempts = mayRepeat && this.retry ? this.retry.maxAttempts : 1;
    const waitSignal = spec.signal && spec.waitSignal
      ? AbortSignal.any([spec.signal, spec.waitSignal])
      : spec.signal ?? spec.waitSignal;
    for (let attempt = 0;; attempt++) {
      waitSignal?.throwIfAborted();
      const decision = this.breaker?.tryPass() ?? { allowed: true, probe: false };
      if (!decision.allowed) {
        const at = new Date(decision.retryAtMs).toISOString();
        throw new CircuitOpenError(
          `${spec.operation} not sent: the circuit breaker is open after repeated failures; ` +
            `next try at ${at}`,
          { ...details, retryAtMs: decision.retryAtMs },
        );
      }
      let error: WatsError;
      let retryAfterMs: number | null = null;
      try {
        if (this.limiter) await this.limiter.acquire(waitSignal);
        const started = performance.now();
        const res = await this.#attempt(spec, pathAndQuery, details);
        log.debug("{method} {path} {status} in {ms} ms (attempt {attempt})", {
          ...details,
          status: res.status,
          ms: Math.round(performance.now() - started),
          attempt: attempt + 1,
        });
        if (res.ok) {
          this.breaker?.recordSuccess();
          return {
            status: res.status,
            headers: res.headers,
            data: res.data as T,
            correlationId: res.correlationId,
          };
        }
        if (res.status >= 500) this.breaker?.recordFailure();
        else this.breaker?.release();
        retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), this.#clock.now());
        error = errorForStatus(res.status, {
          ...details,
          correlationId: res.correlationId,
          serverMessage: serverMessageOf(res.data),
        }, retryAfterMs);
      } catch (thrown) {
        if (!(thrown instanceof NetworkError || thrown instanceof TimeoutError)) {
          this.breaker?.release();
          throw thrown;
        }
        this.breaker?.recordFailure();
        error = thrown;
      }
      if (!error.isRetryable || attempt + 1 >= maxAttempts || !this.retry) throw error;
      const delay = this.retry.delayMs(attempt, retryAfterMs);
      if (retryAfterMs !== null && retryAfterMs > this.retry.maxDelayMs) throw error;
      log.info("{operation} will retry in {delay} ms after {error}", {
        ...details,
        delay,
        error: error.message,
      });
      await this.retry.sleep(delay, waitSignal);
    }
  }

  /**
   * Sends a request and answers its body, applying the strict/lenient mode: in lenient mode a 404
   * answers `null`; an empty 2xx body answers `null` when `allowEmpty` is set (or in lenient mode)
   * and throws {@linkcode UnexpectedResponseError} otherwise.
   *
   * @param spec What to send.
   * @param options `allowEmpty` for list and lookup routes whose empty answer is normal.
   * @returns The parsed body, or `null`.
   * @throws {WatsError} As {@linkcode Transport.request}, and for empty bodies in strict mode.
   */
  async send<T = unknown>(
    spec: RequestSpec,
    options: { allowEmpty?: boolean } = {},
  ): Promise<T | null> {
    let res: WatsResponse<unknown>;
    try {
      res = await this.request(spec);
    } catch (error) {
      if (error instanceof NotFoundError && this.mode === "lenient") return null;
      throw error;
    }
    if (!isEmptyBody(res.data)) return res.data as T;
    if (options.allowEmpty || this.mode === "lenient") return null;
    throw new UnexpectedResponseError(
      `${spec.operation} failed: the server answered HTTP ${res.status} with an empty body`,
      {
        operation: spec.operation,
        method: spec.method,
        path: spec.path,
        status: res.status,
        correlationId: res.correlationId,
      },
    );
  }

  async #attempt(
    spec: RequestSpec,
    pathAndQuery: string,
    details: WatsErrorDetails,
  ): Promise<
    { ok: boolean; status: number; headers: Headers; data: unknown; correlationId: string | null }
  > {
    const headers = new Headers(spec.headers);
    headers.set("Authorization", this.#authorization);
    headers.set("User-Agent", this.#userAgent);
    if (!headers.has("Accept")) {
      headers.set("Accept", spec.responseType === "bytes" ? "*/*" : "application/json");
    }
    if (spec.internal) headers.set("Referer", this.baseUrl);
    if (spec.idempotencyKey) headers.set("Idempotency-Key", spec.idempotencyKey);
    let body: BodyInit | undefined;
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers.set("Content-Type", "application/json");
    } else if (spec.body !== undefined) {
      body = typeof spec.body === "string" ? spec.body : spec.body.slice().buffer;
      headers.set("Content-Type", spec.contentType ?? "application/octet-stream");
    } else {
      // The WATS API spec (§1) has every request carry it, GET and DELETE included.
      headers.set("Content-Type", "application/json");
    }
    const timeoutMs = spec.timeoutMs ?? this.#timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
    try {
      const url = `${this.baseUrl}${pathAndQuery}`;
      const res = await this.#fetch(url, {
        client: this.#clients?.clientFor(new URL(url)),
        method: spec.method,
        headers,
        body,
        signal,
        redirect: "follow",
      });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const correlationId = CORRELATION_HEADERS.map((h) => res.headers.get(h)).find((v) => v) ??
        null;
      const data = spec.responseType === "bytes" && res.ok ? bytes : parseBody(bytes);
      return { ok: res.ok, status: res.status, headers: res.headers, data, correlationId };
    } catch (error) {
      if (spec.signal?.aborted) throw spec.signal.reason;
      if (timeout.aborted) {
        throw new TimeoutError(
          `${spec.operation} timed out after ${timeoutMs} ms (${details.method} ${details.path})`,
          { ...details, cause: error },
        );
      }
      // Deno's message is "fetch failed"; the cause says why (a certificate, the proxy's answer).
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : null;
      const reason = cause ? cause.message : error instanceof Error ? error.message : String(error);
      throw new NetworkError(
        `${spec.operation} could not reach the server: ${
          excerpt(reason)
        } (${details.method} ${details.path})`,
        { ...details, cause: error },
      );
    }
  }
}

/**
 * Parses a response body: empty → `null`, JSON when it parses, the text otherwise.
 *
 * @param bytes The raw body.
 * @returns The parsed value.
 *
 * @category HTTP
 */
export function parseBody(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return null;
  const text = new TextDecoder().decode(bytes);
  if (!text.trim()) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isEmptyBody(data: unknown): boolean {
  if (data === null || data === undefined) return true;
  if (typeof data === "string") return data.trim() === "";
  if (data instanceof Uint8Array) return data.length === 0;
  if (Array.isArray(data)) return data.length === 0;
  return typeof data === "object" && Object.keys(data).length === 0;
}
