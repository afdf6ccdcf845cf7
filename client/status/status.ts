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
 *
 * With a status token configured, `/status`, `/metrics` and `/` want
 * `Authorization: Bearer <token>`; the health routes stay open for probes (they say nothing
 * secret). Answers are never cached.
 *
 * @module
 */

import { Hono } from "hono";
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

function isSameToken(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let difference = a.length ^ b.length;
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  }
  return difference === 0;
}

/**
 * Creates the status app of a service.
 *
 * @param source The service (status snapshots and counters).
 * @param options The bearer token, if any.
 * @returns The app; give its `fetch` to `Deno.serve`.
 *
 * @example Serve the status of a running service
 * ```ts ignore
 * const app = createStatusApp(service, { token: config.secrets.statusToken });
 * Deno.serve({ hostname: "127.0.0.1", port: 8181 }, app.fetch);
 * ```
 */
export function createStatusApp(source: StatusSource, options: StatusAppOptions = {}): StatusApp {
  const app = new Hono();
  app.use("*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-cache, no-store, must-revalidate");
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
  app.notFound((c) => c.json({ error: "Not found" }, 404));
  return { fetch: (request) => app.fetch(request) };
}
