/**
 * Analytics routes under `/api/App`: dynamic yield, volume/high-volume/worst yield (also by
 * product group), top failed steps, the report lists (UUT, UUR, serial-number history), test-step
 * analysis, measurements and their statistics, repair statistics and history, and OEE, all
 * computed from the stored reports (see `_analytics.ts`, `_step_analysis.ts`, `_repair_stats.ts`,
 * `_oee.ts`); the internal ones are in `analytics_internal.ts`. Header rows carry the
 * product's name and the first product group listing its part number, for the product dimensions.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { dynamicYield, grouping, headerPredicate, selectRuns } from "../_analytics.ts";
import { filterOf, headersWithRuns, matching, withReports } from "../_report_scope.ts";
import { oee } from "../_oee.ts";
import type { Rec } from "../_records.ts";
import { dynamicRepair, relatedRepairHistory } from "../_repair_stats.ts";
import { aggregatedMeasurements, measurements, testStepAnalysis } from "../_step_analysis.ts";
import { topFailed } from "../_top_failed.ts";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import { presentHeader } from "../_headers.ts";
import { jsonResponse, queryParam, requireParam } from "../_http.ts";

type C = Context<EmulatorEnv>;

function limit(filter: Rec, fallback: number): number {
  const top = Number(filter.maxCount ?? filter.topCount ?? fallback);
  return Number.isInteger(top) && top > 0 ? top : fallback;
}

/** Register the routes of the step, measurement, repair and OEE analytics. */
function detailRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.post("/api/App/TestStepAnalysis", async (c) => {
    const filter = await filterOf(c, ctx);
    const headers = (await matching(ctx, filter, "T")).slice(0, limit(filter, 10_000));
    return jsonResponse(testStepAnalysis(await withReports(ctx, headers)));
  });
  app.post("/api/App/Measurements", async (c) => {
    const filter = await filterOf(c, ctx);
    const headers = (await matching(ctx, filter, "T")).slice(0, limit(filter, 10_000));
    const paths = queryParam(c, "measurementPaths") ?? filter.measurementPaths as string;
    return jsonResponse(measurements(await withReports(ctx, headers), paths));
  });
  app.post("/api/App/AggregatedMeasurements", async (c) => {
    const filter = await filterOf(c, ctx);
    const headers = (await matching(ctx, filter, "T")).slice(0, limit(filter, 10_000));
    const paths = queryParam(c, "measurementPaths") ?? filter.measurementPaths as string;
    return jsonResponse(aggregatedMeasurements(await withReports(ctx, headers), paths));
  });
  app.post("/api/App/DynamicRepair", async (c) => {
    const filter = await filterOf(c, ctx);
    const dims = queryParam(c, "dimensions") ?? filter.dimensions as string | undefined;
    const repairs = await withReports(ctx, await matching(ctx, filter, "R"));
    const { run: _run, ...scope } = filter;
    const tested = await matching(ctx, scope, "T");
    return jsonResponse(dynamicRepair(repairs, tested, dims, grouping(filter)));
  });
  app.get("/api/App/RelatedRepairHistory", async (c) => {
    const filter = {
      partNumber: requireParam(c, "partNumber"),
      revision: requireParam(c, "revision"),
    };
    const repairs = await withReports(ctx, await matching(ctx, filter, "R"));
    const tested = (await headersWithRuns(ctx)).filter((h) => h.reportType === "T");
    return jsonResponse(relatedRepairHistory(repairs, tested));
  });
  app.post("/api/App/OeeAnalysis", async (c) => {
    const filter = await filterOf(c, ctx);
    return jsonResponse(oee(await matching(ctx, filter, "T"), filter));
  });
}

async function yieldRoute(c: C, ctx: EmulatorContext, dimensions?: string, sortBy?: string) {
  const filter = await filterOf(c, ctx);
  const dims = dimensions ?? queryParam(c, "dimensions") ??
    (filter.dimensions as string | undefined);
  const rows = dynamicYield(await headersWithRuns(ctx), filter, dims, ctx.now());
  if (sortBy === "volume") rows.sort((a, b) => Number(b.unitCount) - Number(a.unitCount));
  if (sortBy === "worst") rows.sort((a, b) => Number(a.fpy) - Number(b.fpy));
  return jsonResponse(rows);
}

async function reportList(c: C, ctx: EmulatorContext, type: "T" | "R" | null): Promise<Response> {
  const filter = await filterOf(c, ctx);
  const headers = (await headersWithRuns(ctx)).filter((h) =>
    type === null || h.reportType === type
  );
  const matching = selectRuns(headers.filter(headerPredicate(filter, ctx.now())), filter.run)
    .sort((a, b) => String(b.startUtc).localeCompare(String(a.startUtc)));
  const top = Number(filter.topCount ?? filter.maxCount ?? 1000);
  return jsonResponse(
    matching.slice(0, top > 0 ? top : 1000).map((h) => presentHeader(h, new Set())),
  );
}

async function topFailedRoute(c: C, ctx: EmulatorContext): Promise<Response> {
  const filter = await filterOf(c, ctx);
  const headers = (await headersWithRuns(ctx)).filter((h) => h.reportType === "T");
  const matching = selectRuns(headers.filter(headerPredicate(filter, ctx.now())), filter.run);
  const entries = [];
  for (const header of matching) {
    const report = await ctx.reports.report(String(header.uuid));
    if (report) entries.push({ header, report });
  }
  const top = Number(queryParam(c, "topCount") ?? filter.topCount ?? 10);
  return jsonResponse(topFailed(entries, Number.isInteger(top) && top > 0 ? top : 10));
}

/** Register the analytics routes. */
export function analyticsRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.post("/api/App/DynamicYield", (c) => yieldRoute(c, ctx));
  for (
    const [name, sort] of [["VolumeYield", "volume"], ["HighVolume", "volume"], [
      "WorstYield",
      "worst",
    ]]
  ) {
    app.post(`/api/App/${name}`, (c) => yieldRoute(c, ctx, "partNumber", sort));
    app.get(`/api/App/${name}`, (c) => yieldRoute(c, ctx, "partNumber", sort));
  }
  app.post(
    "/api/App/HighVolumeByProductGroup",
    (c) => yieldRoute(c, ctx, "productGroup", "volume"),
  );
  app.post("/api/App/WorstYieldByProductGroup", (c) => yieldRoute(c, ctx, "productGroup", "worst"));
  app.post("/api/App/TopFailed", (c) => topFailedRoute(c, ctx));
  app.get("/api/App/TopFailed", (c) => topFailedRoute(c, ctx));
  app.post("/api/App/UutReport", (c) => reportList(c, ctx, "T"));
  app.get("/api/App/UutReport", (c) => reportList(c, ctx, "T"));
  app.post("/api/App/UurReport", (c) => reportList(c, ctx, "R"));
  app.post("/api/App/SerialNumberHistory", (c) => reportList(c, ctx, null));
  detailRoutes(app, ctx);
}
