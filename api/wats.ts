/**
 * The facade: one object with a service per WATS domain, sharing one transport.
 *
 * @module
 */

import {
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

/** Options of {@linkcode Wats}: the server, the token, and the HTTP core's policies. */
export type WatsOptions = TransportOptions;

/**
 * The WATS API client.
 *
 * @example Connect and print the server version
 * ```ts ignore
 * import { Wats } from "@wats/toolkit";
 * const wats = new Wats({ baseUrl: "https://acme.wats.com", token: Deno.env.get("WATS_TOKEN")! });
 * console.log(await wats.app.version());
 * ```
 */
export class Wats {
  /** The HTTP core every service uses. */
  readonly transport: Transport;
  /** Server metadata: version, processes, levels, product groups. */
  readonly app: AppService;
  /** Reports: submit, read back, query headers, attachments. */
  readonly report: ReportService;
  // domain-fields: product, production, asset, process (begin)
  /** Products: revisions, groups, vendors, categories, tags, BOMs, box-build templates. */
  readonly product: ProductService;
  /** Production: units, grades, phases, child units, serial numbers, unit changes, batches. */
  readonly production: ProductionService;
  /** Assets: OData lists, counts, states, calibration and maintenance, log, sub-assets, types. */
  readonly asset: AssetService;
  /** Processes (test, repair, WIP operations), cached, with look-ups by code and name. */
  readonly process: ProcessService;
  // domain-fields: product, production, asset, process (end)
  // domain-fields: software, analytics, rootcause, scim, manual inspection (begin)
  /** Software packages: lifecycle, files, virtual folders. */
  readonly software: SoftwareService;
  /** Analytics: yield, top failed, step and measurement statistics, repair, OEE, unit flow. */
  readonly analytics: AnalyticsService;
  /** Root-cause tickets: create, comment, status, assign, attachments. */
  readonly rootCause: RootCauseService;
  /** SCIM provisioning: users and groups. */
  readonly scim: ScimService;
  /** Manual inspection definitions, relations and sequences (internal routes). */
  readonly manualInspection: ManualInspectionService;
  // domain-fields: software, analytics, rootcause, scim, manual inspection (end)

  /**
   * Creates a client.
   *
   * @param options Server, token, and the limiter, retry and breaker settings.
   */
  constructor(options: WatsOptions) {
    this.transport = new Transport(options);
    this.app = new AppService(this.transport);
    this.report = new ReportService(this.transport);
    // domain-init: product, production, asset, process (begin)
    this.product = new ProductService(this.transport);
    this.production = new ProductionService(this.transport, { clock: options.clock });
    this.asset = new AssetService(this.transport, { clock: options.clock });
    this.process = new ProcessService(this.transport, { clock: options.clock });
    // domain-init: product, production, asset, process (end)
    // domain-init: software, analytics, rootcause, scim, manual inspection (begin)
    this.software = new SoftwareService(this.transport);
    this.analytics = new AnalyticsService(this.transport);
    this.rootCause = new RootCauseService(this.transport);
    this.scim = new ScimService(this.transport);
    this.manualInspection = new ManualInspectionService(this.transport);
    // domain-init: software, analytics, rootcause, scim, manual inspection (end)
  }

  /**
   * Creates a client from `WATS_BASE_URL`, `WATS_TOKEN` and `WATS_TIMEOUT` (seconds).
   *
   * @param overrides Options that win over the environment.
   * @returns The client.
   * @throws {TypeError} When the URL or the token is missing or the timeout is not a number.
   *
   * @example
   * ```ts ignore
   * import { Wats } from "@wats/toolkit";
   * const wats = Wats.fromEnv({ mode: "lenient" });
   * ```
   */
  static fromEnv(overrides: Partial<WatsOptions> = {}): Wats {
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
    return new Wats({ ...overrides, baseUrl, token, timeoutMs });
  }

  /**
   * Sends a request to any route, through the same limiter, retry and breaker as the services.
   *
   * @param spec The request; `path` may hold `{name}` placeholders filled from `params`.
   * @returns The 2xx response.
   * @throws {WatsError} For every non-2xx status and every failure to get a response.
   *
   * @example Read a route no service covers
   * ```ts ignore
   * import { Wats } from "@wats/toolkit";
   * const wats = Wats.fromEnv();
   * const res = await wats.request({ method: "GET", path: "/api/Product/{pn}", params: { pn: "PCB-1" }, operation: "product.get" });
   * ```
   */
  request<T = unknown>(spec: RequestSpec): Promise<WatsResponse<T>> {
    return this.transport.request<T>(spec);
  }
}
