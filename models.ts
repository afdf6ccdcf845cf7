/**
 * Every WATS domain beyond reports: the models (zod schemas exported with their inferred types)
 * and the service classes that `Wats` exposes as `wats.product`, `wats.production`,
 * `wats.asset`, … with their option and query types.
 *
 * Most programs reach the services through `Wats` (from `@wats/toolkit`) and need this entry
 * point only to name a model type, validate data with a schema, or build a filter.
 *
 * ## Domains
 *
 * | domain | service | models |
 * | --- | --- | --- |
 * | server metadata | {@linkcode AppService} | processes, levels, product groups |
 * | reports | {@linkcode ReportService} | header rows ({@linkcode ReportHeader}) |
 * | products | {@linkcode ProductService} | products, revisions, BOMs, settings |
 * | production | {@linkcode ProductionService} | units, phases, unit changes, serial numbers |
 * | assets | {@linkcode AssetService} | assets, types, log; alarm checks |
 * | processes | {@linkcode ProcessService} | test, repair and WIP operations |
 * | analytics | {@linkcode AnalyticsService} | yield, dimensions, measurements, unit flow |
 * | software | {@linkcode SoftwareService} | packages, files, virtual folders |
 * | root cause | {@linkcode RootCauseService} | tickets |
 * | SCIM | {@linkcode ScimService} | users, groups |
 * | manual inspection | {@linkcode ManualInspectionService} | definitions, relations |
 *
 * @example Create a product on the emulator and read it back
 * ```ts
 * import assert from "node:assert/strict";
 * import { Wats } from "@wats/toolkit";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 * import type { Product } from "@wats/toolkit/models";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * await wats.product.save({ partNumber: "PCB-1", name: "Controller board" });
 * const product: Product | null = await wats.product.get("PCB-1");
 * assert.equal(product?.name, "Controller board");
 * ```
 *
 * @module
 */

export * from "./api/models/app.ts";
export * from "./api/models/report_header.ts";
export * from "./api/models/setting.ts";
export * from "./api/models/product.ts";
export * from "./api/models/bom.ts";
export * from "./api/models/production.ts";
export * from "./api/models/asset.ts";
export * from "./api/models/process.ts";
export * from "./api/models/analytics.ts";
export * from "./api/models/dimensions.ts";
export * from "./api/models/analytics_results.ts";
export * from "./api/models/measurement_results.ts";
export * from "./api/models/unit_flow.ts";
export * from "./api/models/analytics_internal.ts";
export * from "./api/models/production_units.ts";
export * from "./api/models/software.ts";
export * from "./api/models/rootcause.ts";
export * from "./api/models/scim.ts";
export * from "./api/models/manual_inspection.ts";

export * from "./api/services/app.ts";
export * from "./api/services/report.ts";
export * from "./api/services/product.ts";
export * from "./api/services/production.ts";
export * from "./api/services/serial_admin.ts";
export * from "./api/services/production_units.ts";
export * from "./api/services/asset.ts";
export * from "./api/services/asset_alarm.ts";
export * from "./api/services/asset_files.ts";
export * from "./api/services/process.ts";
export * from "./api/services/analytics.ts";
export * from "./api/services/analytics_internal.ts";
export * from "./api/services/software.ts";
export * from "./api/services/software_internal.ts";
export * from "./api/services/rootcause.ts";
export * from "./api/services/scim.ts";
export * from "./api/services/manual_inspection.ts";
export * from "./api/services/manual_inspection_runtime.ts";
