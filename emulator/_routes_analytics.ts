/**
 * Analytics routes under `/api/App`: dynamic yield, volume/high-volume/worst yield, top failed
 * steps, and the report lists (UUT, UUR, serial-number history), all computed from the stored
 * reports (see `_analytics.ts`).
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { dynamicYield, headerPredicate, selectRuns } from "./_analytics.ts";
import { topFailed } from "./_top_failed.ts";
import type { EmulatorContext, EmulatorEnv } from "./_context.ts";
import { assignRuns, presentHeader } from "./_headers.ts";
import { EmulatorHttpError, isRecord, jsonResponse, queryParam, readText } from "./_http.ts";

type Rec = Record<string, unknown>;
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
  return headers;
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
  app.post("/api/App/TopFailed", (c) => topFailedRoute(c, ctx));
  app.get("/api/App/TopFailed", (c) => topFailedRoute(c, ctx));
  app.post("/api/App/UutReport", (c) => reportList(c, ctx, "T"));
  app.get("/api/App/UutReport", (c) => reportList(c, ctx, "T"));
  app.post("/api/App/UurReport", (c) => reportList(c, ctx, "R"));
  app.post("/api/App/SerialNumberHistory", (c) => reportList(c, ctx, null));
}
