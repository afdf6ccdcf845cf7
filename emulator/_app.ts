/**
 * Assembles the emulator's hono app: shared state, middleware, the route modules, and the
 * answers for errors, unknown routes (404) and wrong methods (405).
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { Hono } from "hono";
import { systemClock } from "../util/clock.ts";
import { analyticsRoutes } from "./routes/analytics.ts";
import { analyticsInternalRoutes } from "./routes/analytics_internal.ts";
import { appRoutes, DEFAULT_PROCESSES } from "./routes/app.ts";
import { assetRoutes } from "./routes/asset.ts";
import { assetFileRoutes } from "./routes/asset_files.ts";
import { controlRoutes } from "./routes/control.ts";
import { productRoutes } from "./routes/product.ts";
import { productionRoutes } from "./routes/production.ts";
import { productionUnitRoutes } from "./routes/production_units.ts";
import { batchRoutes } from "./routes/batches.ts";
import { processRoutes } from "./routes/process.ts";
import { productStructureRoutes } from "./routes/product_structure.ts";
import { serialNumberRoutes } from "./routes/serial_numbers.ts";
import { serialAdminRoutes } from "./routes/serial_admin.ts";
import { reportRoutes, submittedReportId } from "./routes/report.ts";
import { manualInspectionRoutes } from "./routes/manual_inspection.ts";
import { manualInspectionRuntimeRoutes } from "./routes/manual_inspection_runtime.ts";
import { rootCauseRoutes } from "./routes/rootcause.ts";
import { scimRoutes } from "./routes/scim.ts";
import { softwareRoutes } from "./routes/software.ts";
import { softwareInternalRoutes } from "./routes/software_internal.ts";
import type { EmulatorContext, EmulatorEnv } from "./_context.ts";
import { EntityStore } from "./_entities.ts";
import { FaultInjector } from "./_faults.ts";
import { ClientDisconnectedError, EmulatorHttpError, errorResponse } from "./_http.ts";
import { IdempotencyStore } from "./_idempotency.ts";
import {
  accounting,
  authentication,
  bodyLimit,
  DISCONNECTED_HEADER,
  faultInjection,
  idempotency,
} from "./_middleware.ts";
import { DEFAULT_BODY_LIMIT, DEFAULT_EMULATOR_TOKEN, type EmulatorOptions } from "./_options.ts";
import { RouteTable } from "./_routing.ts";
import { StatsRecorder } from "./_stats.ts";
import { ReportStore } from "./_store.ts";

const log = getLogger(["wats", "emulator"]);

/** Build the emulator app (see `createEmulator` in `mod.ts`). */
export function buildEmulatorApp(options: EmulatorOptions): Hono<EmulatorEnv> {
  const clock = options.clock ?? systemClock;
  const ctx: EmulatorContext = {
    kv: options.kv,
    reports: new ReportStore(options.kv),
    entities: new EntityStore(options.kv),
    idempotency: new IdempotencyStore(options.kv, () => clock.now()),
    stats: new StatsRecorder(),
    faults: new FaultInjector(),
    now: () => clock.now(),
    sleep: (ms) => clock.sleep(ms),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    version: options.version ?? "24.1.0",
    processes: [...(options.processes ?? DEFAULT_PROCESSES)],
  };
  const faults = options.faults ?? true;
  if (Array.isArray(faults)) ctx.faults.add(faults);
  const tokens = options.tokens && options.tokens.length > 0
    ? options.tokens
    : [DEFAULT_EMULATOR_TOKEN];

  const table = new RouteTable();
  const app = new Hono<EmulatorEnv>({
    getPath: (request) => table.canonical(new URL(request.url).pathname, request.method),
  });
  app.use("*", accounting(ctx));
  app.use("*", bodyLimit(ctx));
  app.use("*", authentication(tokens));
  app.use("*", faultInjection(ctx));
  app.use(
    "*",
    idempotency(ctx, (_c, body) => {
      const id = submittedReportId(body);
      if (id) ctx.stats.replayed(id);
    }),
  );

  appRoutes(app, ctx);
  analyticsRoutes(app, ctx);
  analyticsInternalRoutes(app, ctx);
  reportRoutes(app, ctx);
  productRoutes(app, ctx);
  productionRoutes(app, ctx);
  productionUnitRoutes(app, ctx);
  assetRoutes(app, ctx);
  assetFileRoutes(app, ctx);
  productStructureRoutes(app, ctx);
  serialNumberRoutes(app, ctx);
  serialAdminRoutes(app, ctx);
  batchRoutes(app, ctx);
  processRoutes(app, ctx);
  softwareRoutes(app, ctx);
  softwareInternalRoutes(app, ctx);
  rootCauseRoutes(app, ctx);
  scimRoutes(app, ctx);
  manualInspectionRoutes(app, ctx);
  manualInspectionRuntimeRoutes(app, ctx);
  controlRoutes(app, ctx, { faults: faults !== false, inspect: options.inspect ?? true });
  table.load(app.routes);

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const allowed = table.allowedMethods(path);
    if (allowed.length > 0) {
      return errorResponse(
        405,
        `The requested resource does not support http method '${c.req.method}'`,
        { allowed },
        { allow: allowed.join(", ") },
      );
    }
    return errorResponse(404, `No HTTP resource was found that matches the request URI '${path}'`);
  });
  app.onError((error, c) => {
    if (error instanceof EmulatorHttpError) {
      return errorResponse(error.status, error.message, error.details, error.headers);
    }
    if (error instanceof ClientDisconnectedError) {
      // Not a server error: nobody reads this answer, and the accounting counts it apart.
      log.debug("{method} {path}: {error}", {
        method: c.req.method,
        path: c.req.path,
        error: error.message,
      });
      return errorResponse(400, error.message, {}, { [DISCONNECTED_HEADER]: "true" });
    }
    log.error("Unhandled error in {method} {path}: {error}", {
      method: c.req.method,
      path: c.req.path,
      error: error instanceof Error ? error.message : String(error),
    });
    return errorResponse(500, "An error has occurred in the emulator", {
      exceptionMessage: error instanceof Error ? error.message : String(error),
    });
  });
  return app;
}
