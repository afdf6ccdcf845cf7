/**
 * A local WATS-compatible server, so the station service, the tests and your own converters and
 * scripts run without a WATS account — like stripe-mock or LocalStack, but stateful and with
 * deterministic faults.
 *
 * It answers the WATS REST API (`/api/Report`, `/api/App`, `/api/Product`, `/api/Production`,
 * `/api/Asset`, `/api/Software`, `/api/RootCause`, `/api/SCIM/v2`, and the internal
 * ManualInspection, Process, Mes and UnitFlow routes) the way a WATS server does: Basic-token
 * authentication, WSJF validation with the project's report model (WSXF through the project's
 * converter), overwrite-by-id with `receiveCount`, OData header queries, and analytics computed
 * from the reports it holds. State lives in Deno KV (in memory, or a file).
 *
 * Beyond a real server it honours `Idempotency-Key` (IETF draft: replay, 422 on reuse with a
 * different body) and offers control routes, same token, off by default in
 * {@linkcode serveEmulator}:
 *
 * - `POST /_emulator/faults`: rules that answer a status (with `Retry-After`), add latency,
 *   reset the connection, or apply the request and then drop the connection before the answer,
 *   firing a set number of times or with a seeded probability. `GET`/`DELETE` list and clear.
 * - `GET /_emulator/stats`: requests by route and status, reports accepted, per report id how
 *   often it was received and applied. `POST /_emulator/reset` clears all state.
 *
 * Limits and conventions: bodies over 20 MB get 413 (without being read), malformed JSON 400
 * naming the problem, unknown routes 404, wrong methods 405, all as `{ "message": … }`. Header
 * queries answer at most 1000 rows when `$top` is absent, newest first. A dropped connection
 * delivers the status line and headers, then closes before the body: `Deno.serve` has no way
 * to close earlier, and a client reading the body sees a network error either way.
 *
 * @example Serve an emulator and talk to it
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const res = await fetch(`${emulator.url}/api/App/Version`, {
 *   headers: { Authorization: `Basic ${emulator.token}` },
 * });
 * assert.equal(res.status, 200);
 * assert.equal(typeof await res.json(), "string");
 * ```
 *
 * @module
 */
import { toHex } from "../util/hex.ts";
import { buildEmulatorApp } from "./_app.ts";
import type { EmulatorOptions, EmulatorServer, ServeEmulatorOptions } from "./_options.ts";

export type { Clock } from "../util/clock.ts";
export type { EmulatorEnv, ProcessInfo } from "./_context.ts";
export type { FaultAction, FaultRule, FaultRuleState } from "./_faults.ts";
export {
  DEFAULT_BODY_LIMIT,
  DEFAULT_EMULATOR_TOKEN,
  type EmulatorOptions,
  type EmulatorServer,
  type ServeEmulatorOptions,
} from "./_options.ts";
export type { EmulatorStats, ReportCounters } from "./_stats.ts";
export { type EmulatorCommandOptions, runEmulatorCommand } from "./_cli.ts";

/**
 * The emulator app. It is a hono app (`Hono<EmulatorEnv>`); the type names what callers use so
 * the public API does not depend on hono's types.
 */
export interface EmulatorApp {
  /**
   * Answer a request; hand it to `Deno.serve` or any fetch-style server.
   *
   * @param request the request
   * @returns the response
   */
  fetch(request: Request): Response | Promise<Response>;
  /**
   * Answer an in-process request (hono's `app.request`): a path or URL and `fetch` options.
   *
   * @param input a path like `/api/App/Version`, a URL or a request
   * @param init method, headers, body
   * @returns the response
   */
  request(input: string | URL | Request, init?: RequestInit): Response | Promise<Response>;
}

/**
 * Create the emulator as a hono app, to serve yourself or call in-process with `app.request()`.
 * The `/_emulator` control routes are on unless `faults`/`inspect` are `false`.
 *
 * @param options The KV to keep state in, accepted tokens, faults, clock, limits.
 * @returns The app (a hono app); its `fetch` can be given to `Deno.serve`.
 *
 * @example In-process requests
 * ```ts
 * import assert from "node:assert/strict";
 * import { createEmulator, DEFAULT_EMULATOR_TOKEN } from "@wats/toolkit/emulator";
 *
 * const kv = await Deno.openKv(":memory:");
 * try {
 *   const app = createEmulator({ kv });
 *   const res = await app.request("/api/App/Processes", {
 *     headers: { Authorization: `Basic ${DEFAULT_EMULATOR_TOKEN}` },
 *   });
 *   assert.equal(res.status, 200);
 *   assert.ok(Array.isArray(await res.json()));
 * } finally {
 *   kv.close();
 * }
 * ```
 */
export function createEmulator(options: EmulatorOptions): EmulatorApp {
  return buildEmulatorApp(options);
}

function randomToken(): string {
  const secret = toHex(crypto.getRandomValues(new Uint8Array(12)));
  return btoa(`emulator:${secret}`);
}

/**
 * Run the emulator on `Deno.serve` (default `127.0.0.1`, a free port) with a memory KV, or a KV
 * file with `kvPath`. The control routes are off unless `faults`/`inspect` turn them on.
 *
 * @param options Where to listen, where to keep state, the token, faults and limits.
 * @returns The running server: its URL, token and `close()`.
 *
 * @example A served emulator with fault injection
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0, faults: true, inspect: true });
 * const auth = { Authorization: `Basic ${emulator.token}` };
 * const rule = await fetch(`${emulator.url}/_emulator/faults`, {
 *   method: "POST",
 *   headers: { ...auth, "Content-Type": "application/json" },
 *   body: JSON.stringify({ path: "/api/App/Version", action: "status", status: 503, times: 1 }),
 * });
 * await rule.body?.cancel();
 * const first = await fetch(`${emulator.url}/api/App/Version`, { headers: auth });
 * assert.equal(first.status, 503);
 * await first.body?.cancel();
 * const second = await fetch(`${emulator.url}/api/App/Version`, { headers: auth });
 * assert.equal(second.status, 200);
 * await second.body?.cancel();
 * ```
 */
export async function serveEmulator(options: ServeEmulatorOptions = {}): Promise<EmulatorServer> {
  const ownsKv = options.kv === undefined;
  const kv = options.kv ?? await Deno.openKv(options.kvPath ?? ":memory:");
  const token = options.token ?? randomToken();
  const app = buildEmulatorApp({
    ...options,
    kv,
    tokens: [token],
    faults: options.faults ?? false,
    inspect: options.inspect ?? false,
  });
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: options.hostname ?? "127.0.0.1",
      port: options.port ?? 0,
      signal: options.signal,
      onListen() {},
    }, app.fetch);
  } catch (error) {
    if (ownsKv) kv.close();
    throw error;
  }
  const addr = server.addr;
  const host = addr.hostname === "0.0.0.0"
    ? "127.0.0.1"
    : addr.hostname.includes(":")
    ? `[${addr.hostname}]`
    : addr.hostname;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await server.shutdown();
      if (ownsKv) kv.close();
    })();
    return closing;
  };
  options.signal?.addEventListener("abort", () => void close(), { once: true });
  return {
    url: `http://${host}:${addr.port}`,
    token,
    port: addr.port,
    close,
    [Symbol.asyncDispose]: close,
  };
}
