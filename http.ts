/**
 * The HTTP core under every service: the transport (the only place that calls `fetch`), the
 * sliding-window rate limiter, the retry policy with full-jitter backoff and `Retry-After`, the
 * circuit breaker, the clock they share, the OData filter builder, and the error hierarchy.
 *
 * Most programs never import this: `Wats` (from `@wats/toolkit`) builds a transport from its options. Import
 * it to share one limiter or breaker between several clients, to tune or test the policies with
 * a {@linkcode ManualClock}, or to call a route no service covers with {@linkcode Transport}.
 *
 * ## Order of a request
 *
 * Breaker (an open circuit means nothing leaves), limiter (once per attempt, so retries count),
 * `fetch` with a per-attempt timeout, then the status mapped into a {@linkcode WatsError}
 * subclass. Retryable failures of requests that are safe to repeat are tried again.
 *
 * ## Proxies and certificates
 *
 * `proxy` in the options: `"system"` (the `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and
 * `NO_PROXY` variables, upper or lower case), `"none"`, or `{ url, username, password, bypass }`.
 * `caCerts` adds trusted certificate authorities (PEM); `DENO_TLS_CA_STORE=system,mozilla` makes
 * Deno trust the OS store too. Call `close()` (or `using`) on the client to close its
 * connections. Credentials never appear in errors: a proxy is shown by
 * {@linkcode withoutCredentials}.
 *
 * ## Time
 *
 * Every policy takes a {@linkcode Clock}; {@linkcode systemClock} is the default and
 * {@linkcode ManualClock} moves only when told, so tests never sleep for real.
 *
 * @example Share one limiter between two clients
 * ```ts
 * import assert from "node:assert/strict";
 * import { Wats } from "@wats/toolkit";
 * import { RateLimiter } from "@wats/toolkit/http";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const limiter = new RateLimiter({ maxRequests: 500, windowMs: 60_000 });
 * const a = new Wats({ baseUrl: emulator.url, token: emulator.token, limiter });
 * const b = new Wats({ baseUrl: emulator.url, token: emulator.token, limiter });
 * await a.app.version();
 * await b.app.version();
 * assert.equal(limiter.stats.requests, 2);
 * ```
 *
 * @module
 */

export {
  buildPath,
  type ErrorMode,
  type Found,
  type HttpMethod,
  normalizeBaseUrl,
  type QueryValue,
  type RequestSpec,
  Transport,
  type TransportOptions,
  type WatsResponse,
} from "./api/http/transport.ts";
export {
  type Limiter,
  RateLimiter,
  type RateLimiterOptions,
  type RateLimiterStats,
} from "./api/http/limiter.ts";
export {
  parseRetryAfter,
  retry,
  type RetryLoopOptions,
  type RetryOptions,
  RetryPolicy,
} from "./api/http/retry.ts";
export {
  type BreakerDecision,
  type BreakerState,
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitBreakerStats,
} from "./api/http/breaker.ts";
export { type Clock, ManualClock, systemClock } from "./util/clock.ts";
export {
  type ChosenProxy,
  type EnvReader,
  HttpClients,
  type HttpClientsOptions,
  isBypassed,
  type ManualProxy,
  parseCaCerts,
  proxyFor,
  type ProxySetting,
  readCaCertFile,
  withoutCredentials,
} from "./api/http/proxy.ts";
export {
  type ODataBuilder,
  odataBuilder,
  type ODataComparison,
  type ODataExpr,
  odataLiteral,
  type ODataValue,
} from "./api/odata.ts";
export {
  AuthenticationError,
  AuthorizationError,
  CircuitOpenError,
  type CircuitOpenErrorDetails,
  ConflictError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  type RateLimitErrorDetails,
  ServerError,
  TimeoutError,
  UnexpectedResponseError,
  ValidationError,
  WatsError,
  type WatsErrorDetails,
} from "./api/http/errors.ts";
