/**
 * The facade: one object with a service per WATS domain, sharing one transport.
 *
 * @module
 */

import {
  type ErrorMode,
  type RequestSpec,
  Transport,
  type TransportOptions,
  type WatsResponse,
} from "./http/transport.ts";
import { AppService } from "./services/app.ts";
import { ReportService } from "./services/report.ts";
// domain-imports: product, production, asset, process (begin)
import { AssetService } from "./services/asset.ts";
import { ProcessService } from "./services/process.ts";
import { ProductService } from "./services/product.ts";
import { ProductionService } from "./services/production.ts";
// domain-imports: product, production, asset, process (end)
// domain-imports: software, analytics, rootcause, scim, manual inspection (begin)
import { AnalyticsService } from "./services/analytics.ts";
import { ManualInspectionService } from "./services/manual_inspection.ts";
import { RootCauseService } from "./services/rootcause.ts";
import { ScimService } from "./services/scim.ts";
import { SoftwareService } from "./services/software.ts";
// domain-imports: software, analytics, rootcause, scim, manual inspection (end)

/**
 * Options of {@linkcode Wats}: the server, the token, the HTTP core's policies, and the error mode.
 *
 * @typeParam M The error mode, inferred from `mode`: it sets the services' return types.
 *
 * @category Client
 */
export interface WatsOptions<M extends ErrorMode = ErrorMode> extends TransportOptions {
  /**
   * `strict` (default) throws `NotFoundError` on a 404 and an error on an empty body, so
   * look-ups return `T`; `lenient` returns `null` there, so they return `T | null`.
   */
  mode?: M;
}

/**
 * The WATS API client.
 *
 * @typeParam M The error mode, inferred from the options: `strict` unless `mode: "lenient"` is
 * given. A function that takes a client of either mode takes `Wats<ErrorMode>`.
 *
 * @example Connect and print the server version
 * ```ts
 * import assert from "node:assert/strict";
 * import { Wats } from "@wats/toolkit";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * assert.equal(typeof await wats.app.version(), "string");
 * ```
 *
 * @category Client
 */
export class Wats<M extends ErrorMode = "strict"> {
  /** The HTTP core every service uses. */
  readonly transport: Transport;
  /** Server metadata: version, processes, levels, product groups. */
  readonly app: AppService;
  /** Reports: submit, read back, query headers, attachments. */
  readonly report: ReportService<M>;
  // domain-fields: product, production, asset, process (begin)
  /** Products: revisions, groups, vendors, categories, tags, BOMs, box-build templates. */
  readonly product: ProductService<M>;
  /** Production: units, grades, phases, child units, serial numbers, unit changes, batches. */
  readonly production: ProductionService;
  /** Assets: OData lists, counts, states, calibration and maintenance, log, sub-assets, types. */
  readonly asset: AssetService<M>;
  /** Processes (test, repair, WIP operations), cached, with look-ups by code and name. */
  readonly process: ProcessService;
  // domain-fields: product, production, asset, process (end)
  // domain-fields: software, analytics, rootcause, scim, manual inspection (begin)
  /** Software packages: lifecycle, files, virtual folders. */
  readonly software: SoftwareService<M>;
  /** Analytics: yield, top failed, step and measurement statistics, repair, OEE, unit flow. */
  readonly analytics: AnalyticsService;
  /** Root-cause tickets: create, comment, status, assign, attachments. */
  readonly rootCause: RootCauseService<M>;
  /** SCIM provisioning: users and groups. */
  readonly scim: ScimService<M>;
  /** Manual inspection definitions, relations and sequences (internal routes). */
  readonly manualInspection: ManualInspectionService<M>;
  // domain-fields: software, analytics, rootcause, scim, manual inspection (end)

  /**
   * Creates a client.
   *
   * @param options Server, token, and the limiter, retry and breaker settings.
   */
  constructor(options: WatsOptions<M>) {
    this.transport = new Transport(options);
    this.app = new AppService(this.transport);
    this.report = new ReportService<M>(this.transport);
    // domain-init: product, production, asset, process (begin)
    this.product = new ProductService<M>(this.transport);
    this.production = new ProductionService(this.transport, { clock: options.clock });
    this.asset = new AssetService<M>(this.transport, { clock: options.clock });
    this.process = new ProcessService(this.transport, { clock: options.clock });
    // domain-init: product, production, asset, process (end)
    // domain-init: software, analytics, rootcause, scim, manual inspection (begin)
    this.software = new SoftwareService<M>(this.transport);
    this.analytics = new AnalyticsService(this.transport);
    this.rootCause = new RootCauseService<M>(this.transport);
    this.scim = new ScimService<M>(this.transport);
    this.manualInspection = new ManualInspectionService<M>(this.transport);
    // domain-init: software, analytics, rootcause, scim, manual inspection (end)
  }

  /**
   * Creates a client from `WATS_BASE_URL`, `WATS_TOKEN` and `WATS_TIMEOUT` (seconds).
   *
   * @typeParam M The error mode, inferred from `overrides.mode`; `strict` when it is not given.
   * @param overrides Optional. Options that win over the environment; by default none, so the
   * server, token and timeout come from the environment and the mode is `strict`.
   * @returns The client.
   * @throws {TypeError} When the URL or the token is missing or the timeout is not a number.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Wats } from "@wats/toolkit";
   *
   * Deno.env.set("WATS_BASE_URL", "https://acme.wats.com/api");
   * Deno.env.set("WATS_TOKEN", btoa("station-7:secret"));
   * try {
   *   const wats = Wats.fromEnv({ mode: "lenient" });
   *   assert.equal(wats.transport.baseUrl, "https://acme.wats.com");
   *   assert.equal(wats.transport.mode, "lenient");
   * } finally {
   *   Deno.env.delete("WATS_BASE_URL");
   *   Deno.env.delete("WATS_TOKEN");
   * }
   * ```
   */
  static fromEnv<M extends ErrorMode = "strict">(
    overrides: Partial<WatsOptions<M>> = {},
  ): Wats<M> {
    const baseUrl = overrides.baseUrl ?? Deno.env.get("WATS_BASE_URL");
    const token = overrides.token ?? Deno.env.get("WATS_TOKEN");
    if (!baseUrl) throw new TypeError("WATS_BASE_URL is not set");
    if (!token) throw new TypeError("WATS_TOKEN is not set");
    const timeout = Deno.env.get("WATS_TIMEOUT");
    let timeoutMs = overrides.timeoutMs;
    if (timeoutMs === undefined && timeout) {
      const seconds = Number(timeout);
      if (!(seconds > 0)) {
        throw new TypeError(`WATS_TIMEOUT must be a positive number of seconds, got "${timeout}"`);
      }
      timeoutMs = seconds * 1000;
    }
    return new Wats<M>({ ...overrides, baseUrl, token, timeoutMs });
  }

  /**
   * Sends a request to any route, through the same limiter, retry and breaker as the services.
   *
   * @param spec The request; `path` may hold `{name}` placeholders filled from `params`.
   * @returns The 2xx response.
   * @throws {WatsError} For every non-2xx status and every failure to get a response.
   *
   * @example Read a route no service covers
   * ```ts
   * import assert from "node:assert/strict";
   * import { Wats } from "@wats/toolkit";
   * import { serveEmulator } from "@wats/toolkit/emulator";
   *
   * await using emulator = await serveEmulator({ port: 0 });
   * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
   * const res = await wats.request<string>({
   *   method: "GET",
   *   path: "/api/App/{what}",
   *   params: { what: "Version" },
   *   operation: "app.version",
   * });
   * assert.equal(res.status, 200);
   * ```
   */
  request<T = unknown>(spec: RequestSpec): Promise<WatsResponse<T>> {
    return this.transport.request<T>(spec);
  }

  /**
   * Closes the HTTP clients made for the `proxy` and `caCerts` options.
   *
   * @example Close the proxy's connections when done
   * ```ts
   * import assert from "node:assert/strict";
   * import { Wats } from "@wats/toolkit";
   * import { serveEmulator } from "@wats/toolkit/emulator";
   *
   * await using emulator = await serveEmulator({ port: 0 });
   * {
   *   // Loopback is on the bypass list, so this client reaches the emulator directly.
   *   using wats = new Wats({
   *     baseUrl: emulator.url,
   *     token: emulator.token,
   *     proxy: { url: "http://proxy.acme.local:3128", bypass: ["127.0.0.1"] },
   *   });
   *   assert.equal(typeof await wats.app.version(), "string");
   * } // `using` closed the proxy's client here
   * ```
   */
  close(): void {
    this.transport.close();
  }

  /** Closes the HTTP clients, as {@linkcode Wats.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
