/**
 * The status server of the station service: a hono app on `Deno.serve`, bound to loopback unless
 * configured otherwise.
 *
 * | route | answer |
 * | --- | --- |
 * | `GET /health` | `{status: ok|degraded|failing, reasons[]}`; 200, or 503 when failing |
 * | `GET /health/live` | `{status: "alive"}` while the process serves |
 * | `GET /health/ready` | 200 `{status: "ready"}` while running, else 503 with the reason |
 * | `GET /status` | the {@linkcode ServiceStatus} JSON |
 * | `GET /metrics` | Prometheus text format |
 * | `GET /` | the status page; `/?fragment=live` its live part, which the page fetches |
 * | `POST /control/reload`, `POST /control/stop`, `POST /queue/{id}/retry`, `GET /converters` | the control channel (`_control.ts`), with the instance's control token |
 *
 * With a status token configured, `/status`, `/metrics` and `/` want
 * `Authorization: Bearer <token>`; the health routes stay open for probes (they say nothing
 * secret). Answers are never cached.
 *
 * Only requests whose `Host` names a loopback address (`localhost`, `127.0.0.1`, `[::1]`, any
 * port) or the configured `status.hostname` are answered; any other gets 421 with the reason, so a
 * web page that rebinds its own DNS name to 127.0.0.1 cannot read `/status` from a browser.
 *
 * @module
 */

import { Hono } from "hono";
import { type ControlTarget, isSameToken, mountControl } from "./_control.ts";
import { renderMetrics } from "./_metrics.ts";
import { renderStatusFragment, renderStatusPage } from "./_page.ts";
import type { ServiceStats } from "./_stats.ts";
import type { ServiceStatus } from "./model.ts";

/** What the status app reads from the service. */
export interface StatusSource {
  /** A fresh status snapshot. */
  status(): Promise<ServiceStatus>;
  /** The live counters, for the metrics. */
  readonly stats: ServiceStats;
}

/** Options of {@linkcode createStatusApp}. */
export interface StatusAppOptions {
  /** A bearer token that `/status`, `/metrics` and `/` require. */
  token?: string;
  /** The control routes' target and token (`_control.ts`); none without it. */
  control?: ControlTarget;
  /**
   * The configured `status.hostname`: a `Host` naming it is answered, as are the loopback names.
   * A wildcard (`0.0.0.0`, `::`) adds nothing.
   */
  hostname?: string;
}

const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

/**
 * The host part of a `Host` header, lower case, without the port (IPv6 keeps its brackets).
 *
 * @param header The `Host` header.
 * @returns The host name.
 */
function hostOf(header: string): string {
  const host = header.trim().toLowerCase();
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.indexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

function allowedHosts(hostname: string | undefined): Set<string> {
  const hosts = new Set(LOOPBACK_HOSTS);
  const configured = hostname?.trim().toLowerCase();
  if (configured && configured !== "0.0.0.0" && configured !== "::" && configured !== "[::]") {
    hosts.add(
      configured.includes(":") && !configured.startsWith("[") ? `[${configured}]` : configured,
    );
  }
  return hosts;
}

/** The status app: a fetch handler for `Deno.serve` (a hono app underneath). */
export interface StatusApp {
  /**
   * Answers one request.
   *
   * @param request The request.
   * @returns The response.
   */
  fetch(request: Request): Response | Promise<Response>;
}

/**
 * Creates the status app of a service.
 *
 * @param source The service (status snapshots and counters).
 * @param options The bearer token, if any, and the configured host name.
 * @returns The app; give its `fetch` to `Deno.serve`.
 *
 * @example Serve the status of a running service
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { createStatusApp, loadConfig, StationService } from "@wats/toolkit/client";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const folder = await Deno.makeTempDir();
 * await Deno.mkdir(join(folder, "drop"));
 * const config = await loadConfig({
 *   env: { WATS_TOKEN: emulator.token },
 *   flags: {
 *     server: { url: emulator.url },
 *     dataDir: join(folder, "data"),
 *     watch: [{ path: join(folder, "drop"), pattern: "*.json" }],
 *     status: { port: 0 },
 *   },
 * });
 * const service = await StationService.start({ config });
 * try {
 *   const app = createStatusApp(service, { token: "t0ken" });
 *   const refused = await app.fetch(new Request("http://127.0.0.1/status"));
 *   assert.equal(refused.status, 401);
 *   await refused.body?.cancel();
 *   const res = await app.fetch(
 *     new Request("http://127.0.0.1/status", { headers: { Authorization: "Bearer t0ken" } }),
 *   );
 *   assert.equal(res.status, 200);
 *   await res.body?.cancel();
 * } finally {
 *   await service.stop();
 *   await Deno.remove(folder, { recursive: true });
 * }
 * ```
 */
export function createStatusApp(source: StatusSource, options: StatusAppOptions = {}): StatusApp {
  const app = new Hono();
  app.use("*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-cache, no-store, must-revalidate");
  });
  const hosts = allowedHosts(options.hostname);
  app.use("*", async (c, next) => {
    // Deno.serve builds the URL from the Host header; a Request made in-process may lack one.
    const host = hostOf(c.req.header("host") ?? new URL(c.req.url).host);
    if (hosts.has(host)) return await next();
    const names = [...hosts].join(", ");
    return c.json({ error: `Host '${host}' is not served here; use ${names}` }, 421);
  });
  const guarded = (c: { req: { header(name: string): string | undefined } }): boolean => {
    if (options.token === undefined) return true;
    const header = c.req.header("authorization") ?? "";
    return header.startsWith("Bearer ") && isSameToken(header.slice(7), options.token);
  };
  const unauthorized = () =>
    Response.json({ error: "A bearer token is required" }, {
      status: 401,
      headers: { "WWW-Authenticate": 'Bearer realm="wats"' },
    });

  app.get("/health", async (c) => {
    const { health } = await source.status();
    return c.json(health, health.status === "failing" ? 503 : 200);
  });
  app.get("/health/live", (c) => c.json({ status: "alive" }));
  app.get("/health/ready", async (c) => {
    const { status } = await source.status();
    return status === "running"
      ? c.json({ status: "ready" })
      : c.json({ status: "not ready", reason: `service is ${status}` }, 503);
  });
  app.get("/status", async (c) => {
    if (!guarded(c)) return unauthorized();
    return c.json(await source.status());
  });
  app.get("/metrics", async (c) => {
    if (!guarded(c)) return unauthorized();
    const text = renderMetrics(await source.status(), source.stats);
    return c.body(text, 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
  });
  app.get("/", async (c) => {
    if (!guarded(c)) return unauthorized();
    const status = await source.status();
    if (c.req.query("fragment") === "live") return c.html(renderStatusFragment(status));
    return c.html(renderStatusPage(status));
  });
  if (options.control) mountControl(app, options.control);
  app.notFound((c) => c.json({ error: "Not found" }, 404));
  return { fetch: (request) => app.fetch(request) };
}
