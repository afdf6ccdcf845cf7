/**
 * What the analytics routes compute over: the filter of a request (a POST's JSON body, a GET's
 * query string), the stored header rows with their run numbers, product names and product
 * groups, and the UUT or UUR rows a filter selects together with their reports.
 *
 * @module
 */
import type { Rec } from "./_records.ts";
import type { Context } from "hono";
import { headerPredicate, selectRuns } from "./_analytics.ts";
import type { EmulatorContext, EmulatorEnv } from "./_context.ts";
import { assignRuns } from "./_headers.ts";
import { EmulatorHttpError, isRecord, queryParam, readText } from "./_http.ts";
import type { ReportEntry } from "./_step_analysis.ts";

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
export async function filterOf(c: C, ctx: EmulatorContext): Promise<Rec> {
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

/** Stored header rows with run numbers, product names and product groups. */
export async function headersWithRuns(ctx: EmulatorContext): Promise<Rec[]> {
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
export async function matching(ctx: EmulatorContext, filter: Rec, type: "T" | "R"): Promise<Rec[]> {
  const headers = (await headersWithRuns(ctx)).filter((h) => h.reportType === type);
  return selectRuns(headers.filter(headerPredicate(filter, ctx.now())), filter.run)
    .sort((a, b) => String(b.startUtc).localeCompare(String(a.startUtc)));
}

/** The stored reports of header rows (rows whose report is gone are left out). */
export async function withReports(
  ctx: EmulatorContext,
  headers: readonly Rec[],
): Promise<ReportEntry[]> {
  const entries: ReportEntry[] = [];
  for (const header of headers) {
    const report = await ctx.reports.report(String(header.uuid));
    if (report) entries.push({ header, report });
  }
  return entries;
}
