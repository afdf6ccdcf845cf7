/**
 * Analytics routes under `/api/App`: dynamic yield, volume/high-volume/worst yield (also by
 * product group), top failed steps, the report lists (UUT, UUR, serial-number history), test-step
 * analysis, measurements and their statistics, repair statistics and history, OEE, and the
 * internal unit flow, all computed from the stored reports (see `_analytics.ts`,
 * `_step_analysis.ts`, `_repair_stats.ts`, `_oee.ts`, `_unit_flow.ts`). Header rows carry the
 * product's name and the first product group listing its part number, for the product dimensions.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { dynamicYield, grouping, headerPredicate, selectRuns } from "../_analytics.ts";
import { oee } from "../_oee.ts";
import { type Rec, requireReferer } from "../_records.ts";
import { dynamicRepair, relatedRepairHistory } from "../_repair_stats.ts";
import {
  aggregatedMeasurements,
  measurements,
  type ReportEntry,
  testStepAnalysis,
} from "../_step_analysis.ts";
import { unitFlow } from "../_unit_flow.ts";
import { topFailed } from "../_top_failed.ts";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import { assignRuns, presentHeader } from "../_headers.ts";
import {
  EmulatorHttpError,
  isRecord,
  jsonResponse,
  queryParam,
  readText,
  requireParam,
} from "../_http.ts";

type C = Context<EmulatorEnv>;

const QUERY_FILTER_KEYS = [
  "partNumber",
  "revision",
  "serialNumber",
  "status",
  "stationName",
  "productGroup",
  "level",
  "topCount",
  "testOperation",
  "dimensions",
];

/** The `WATSFilter` of a request: the JSON body of a POST, the query string of a GET. */
async function filterOf(c: C, ctx: EmulatorContext): Promise<Rec> {
  if (c.req.method === "GET") {
    const filter: Rec = {};
    for (const key of QUERY_FILTER_KEYS) {
      const value = queryParam(c, key);
      if (value !== undefined) filter[key] = key === "topCount" ? Number(value) : value;
    }
    return filter;
  }
  const text = await readText(c, ctx.bodyLimit);
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new EmulatorHttpError(400, `Request body is not valid JSON: ${(error as Error).message}`);
  }
  if (body === null) return {};
  if (!isRecord(body)) throw new EmulatorHttpError(400, "The filter must be a JSON object");
  return body;
}

async function headersWithRuns(ctx: EmulatorContext): Promise<Rec[]> {
  const headers = await ctx.reports.headers();
  assignRuns(headers);
  const groups = await ctx.entities.list<Rec>("productGroup");
  const products = new Map<string, Rec | null>();
  for (const h of headers) {
    const pn = String(h.partNumber ?? "").toLowerCase();
    if (!products.has(pn)) products.set(pn, await ctx.entities.get<Rec>("product", pn));
    h.productName = products.get(pn)?.name ?? null;
    h.productGroup = groups.find((g) =>
      Array.isArray(g.partNumbers) && g.partNumbers.some((p) =>
        String(p).toLowerCase() === pn
      )
    )?.productGroupName ?? null;
  }
  return headers;
}

/** UUT (`T`) or UUR (`R`) rows matching a filter, with the runs it asks for, newest first. */
async function matching(ctx: EmulatorContext, filter: Rec, type: "T" | "R"): Promise<Rec[]> {
  const headers = (await headersWithRuns(ctx)).filter((h) => h.reportType === type);
  return selectRuns(headers.filter(headerPredicate(filter, ctx.now())), filter.run)
    .sort((a, b) => String(b.startUtc).localeCompare(String(a.startUtc)));
}

async function withReports(ctx: EmulatorContext, headers: readonly Rec[]): Promise<ReportEntry[]> {
  const entries: ReportEntry[] = [];
  for (const header of headers) {
    const report = await ctx.reports.report(String(header.uuid));
    if (report) entries.push({ header, report });
  }
  return entries;
}

function limit(filter: Rec, fallback: number): number {
  const top = Number(filter.maxCount ?? filter.topCount ?? fallback);
  return Number.isInteger(top) && top > 0 ? top : fallback;
}

/** Register the routes of the step, measurement, repair, OEE and unit-flow analytics. */
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
  app.post("/api/internal/UnitFlow", async (c) => {
    requireReferer(c);
    const query = await filterOf(c, ctx);
    const flow = unitFlow(await headersWithRuns(ctx), query);
    // kept for the GET …/Nodes|Links|Units routes; a flow over the 64 KiB KV value limit is not
    await ctx.kv.set(["records", "unitFlow", "last"], flow).catch(() =>
      ctx.kv.delete(["records", "unitFlow", "last"])
    );
    return jsonResponse(flow);
  });
  for (const part of ["Nodes", "Links", "Units"]) {
    app.get(`/api/internal/UnitFlow/${part}`, async (c) => {
      requireReferer(c);
      const last = (await ctx.kv.get<Rec>(["records", "unitFlow", "last"])).value;
      return jsonResponse(last?.[part.toLowerCase()] ?? []);
    });
  }
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
