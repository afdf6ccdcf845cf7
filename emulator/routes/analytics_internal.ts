/**
 * The internal analytics routes: the unit flow (`/api/internal/UnitFlow`, its `SN`, `SplitBy`
 * and `UnitOrder` variants, and the `Nodes`/`Links`/`Units` of the last flow), the step lists and
 * top failed steps under `/api/internal/App`, and the alarm logs under `/api/internal/Trigger`.
 * All need the `Referer` header and compute from the stored state (see `_unit_flow.ts`,
 * `_step_lists.ts`, `_top_failed.ts`, `_alarm_logs.ts`).
 *
 * The GET forms of the `App` routes take `productGroupId`, `levelId` and `days` instead of a filter
 * body: `days` (required, at least 1) reaches back from now; a product group or level must exist
 * (404 otherwise). Stored reports carry no level, so a level narrows nothing.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { alarmLogs } from "../_alarm_logs.ts";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import { EmulatorHttpError, jsonResponse, queryInt, queryParam } from "../_http.ts";
import { type Rec, requireReferer } from "../_records.ts";
import { filterOf, headersWithRuns, matching, withReports } from "../_report_scope.ts";
import {
  measurementList,
  parseFilterXml,
  type StepFilters,
  stepStatusList,
} from "../_step_lists.ts";
import { topFailed } from "../_top_failed.ts";
import {
  SPLIT_BY_FIELDS,
  splitByField,
  UNIT_ORDER_FIELDS,
  unitFlow,
  unitOrderOf,
} from "../_unit_flow.ts";
import { LEVELS } from "./app.ts";

type C = Context<EmulatorEnv>;

const DAY_MS = 86_400_000;

async function flowRoute(c: C, ctx: EmulatorContext, check: (query: Rec) => void) {
  requireReferer(c);
  const query = await filterOf(c, ctx);
  check(query);
  const flow = unitFlow(await headersWithRuns(ctx), query);
  // kept for the GET …/Nodes|Links|Units routes; a flow over the 64 KiB KV value limit is not
  await ctx.kv.set(["records", "unitFlow", "last"], flow).catch(() =>
    ctx.kv.delete(["records", "unitFlow", "last"])
  );
  return jsonResponse(flow);
}

function requireText(query: Rec, field: string): string {
  const value = query[field];
  if (typeof value !== "string" || value.trim() === "") {
    throw new EmulatorHttpError(400, `The field '${field}' is required`);
  }
  return value;
}

function unitFlowRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.post("/api/internal/UnitFlow", (c) => flowRoute(c, ctx, () => {}));
  app.post("/api/internal/UnitFlow/SN", (c) =>
    flowRoute(c, ctx, (query) => {
      const serials = query.serialNumbers;
      if (
        !Array.isArray(serials) || serials.length === 0 ||
        serials.some((s) => typeof s !== "string" || s.trim() === "")
      ) {
        throw new EmulatorHttpError(400, "The field 'serialNumbers' must list serial numbers");
      }
    }));
  app.post("/api/internal/UnitFlow/SplitBy", (c) =>
    flowRoute(c, ctx, (query) => {
      if (splitByField(requireText(query, "splitBy")) === null) {
        throw new EmulatorHttpError(
          400,
          `Cannot split by '${query.splitBy}'; use one of ${SPLIT_BY_FIELDS.join(", ")}`,
        );
      }
    }));
  app.post("/api/internal/UnitFlow/UnitOrder", (c) =>
    flowRoute(c, ctx, (query) => {
      if (unitOrderOf(requireText(query, "unitOrder")) === null) {
        throw new EmulatorHttpError(
          400,
          `Cannot order units by '${query.unitOrder}'; use one of ${
            UNIT_ORDER_FIELDS.join(", ")
          }, optionally followed by asc or desc`,
        );
      }
    }));
  for (const part of ["Nodes", "Links", "Units"]) {
    app.get(`/api/internal/UnitFlow/${part}`, async (c) => {
      requireReferer(c);
      const last = (await ctx.kv.get<Rec>(["records", "unitFlow", "last"])).value;
      return jsonResponse(last?.[part.toLowerCase()] ?? []);
    });
  }
}

/** The filter of an internal `App` request: the body of a POST, the GET parameters otherwise. */
async function appFilter(c: C, ctx: EmulatorContext): Promise<Rec> {
  if (c.req.method !== "GET") return await filterOf(c, ctx);
  const days = queryInt(c, "days", { min: 1 });
  if (days === undefined) throw new EmulatorHttpError(400, "Query parameter 'days' is required");
  const filter: Rec = { dateFrom: new Date(ctx.now() - days * DAY_MS).toISOString() };
  const groupId = queryInt(c, "productGroupId");
  if (groupId !== undefined) {
    const group = await ctx.entities.get<Rec>("productGroup", groupId);
    if (!group) throw new EmulatorHttpError(404, `No product group has the id ${groupId}`);
    filter.productGroup = group.productGroupName;
  }
  const levelId = queryInt(c, "levelId");
  if (levelId !== undefined && !LEVELS.some((l) => l.levelId === levelId)) {
    throw new EmulatorHttpError(404, `No level has the id ${levelId}`);
  }
  const partNumber = queryParam(c, "partNumber");
  if (partNumber) filter.partNumber = partNumber;
  const processCode = queryInt(c, "processCode");
  if (processCode !== undefined) filter.testOperation = String(processCode);
  return filter;
}

function stepFilters(c: C): StepFilters {
  return {
    steps: parseFilterXml(queryParam(c, "stepFilters"), "stepFilters"),
    sequences: parseFilterXml(queryParam(c, "sequenceFilters"), "sequenceFilters"),
  };
}

async function listRoute(c: C, ctx: EmulatorContext, list: typeof measurementList) {
  requireReferer(c);
  const filters = stepFilters(c);
  const filter = await appFilter(c, ctx);
  const headers = (await matching(ctx, filter, "T")).slice(0, 10_000);
  return jsonResponse(list(await withReports(ctx, headers), filters));
}

async function topFailedRoute(c: C, ctx: EmulatorContext) {
  requireReferer(c);
  const filter = await appFilter(c, ctx);
  const count = c.req.method === "GET" ? queryInt(c, "count", { min: 1 }) ?? 10 : Number(
    filter.topCount ?? 10,
  );
  if (!Number.isInteger(count) || count < 1) {
    throw new EmulatorHttpError(400, "The field 'topCount' must be a positive integer");
  }
  const entries = await withReports(ctx, await matching(ctx, filter, "T"));
  return jsonResponse(topFailed(entries, count));
}

function date(body: Rec, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === "") return undefined;
  const ms = typeof value === "string" ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new EmulatorHttpError(400, `The field '${field}' must be a date`);
  return ms;
}

async function alarmLogRoute(c: C, ctx: EmulatorContext) {
  requireReferer(c);
  const body = await filterOf(c, ctx);
  const top = body.topCount;
  if (top !== undefined && top !== null && (!Number.isInteger(top) || Number(top) < 1)) {
    throw new EmulatorHttpError(400, "The field 'topCount' must be a positive integer");
  }
  const assets = [];
  for (const asset of await ctx.entities.list<Rec>("asset")) {
    const type = await ctx.entities.get<Rec>("assetType", String(asset.typeId));
    assets.push({ asset, type });
  }
  return jsonResponse(alarmLogs({ headers: await headersWithRuns(ctx), assets, now: ctx.now() }, {
    dateFrom: date(body, "dateFrom"),
    dateTo: date(body, "dateTo"),
    productGroup: typeof body.productGroup === "string" ? body.productGroup : undefined,
    topCount: typeof top === "number" ? top : undefined,
  }));
}

/** Register the internal analytics routes. */
export function analyticsInternalRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  unitFlowRoutes(app, ctx);
  for (const method of ["get", "post"] as const) {
    app[method]("/api/internal/App/MeasurementList", (c) => listRoute(c, ctx, measurementList));
    app[method]("/api/internal/App/StepStatusList", (c) => listRoute(c, ctx, stepStatusList));
    app[method]("/api/internal/App/TopFailed", (c) => topFailedRoute(c, ctx));
  }
  app.post(
    "/api/internal/Trigger/GetAlarmAndNotificationLogs",
    (c) => alarmLogRoute(c, ctx),
  );
}
