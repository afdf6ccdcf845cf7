/**
 * `/api/Asset` routes with real state: assets and asset types (OData lists), counts, states,
 * calibration and maintenance, the alarm status computed from the type's limits, and the log
 * every change writes.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import {
  EmulatorHttpError,
  jsonResponse,
  queryBool,
  queryInt,
  queryParam,
  readJsonObject,
} from "../_http.ts";
import type { FilterSchema } from "../odata/_query.ts";
import { odataList } from "../odata/_list.ts";
import { assetStatus } from "../_asset_status.ts";
import { mergeTags } from "./product.ts";
import type { Rec } from "../_records.ts";

type C = Context<EmulatorEnv>;

const DATE_FIELDS = [
  "firstSeenDate",
  "lastSeenDate",
  "lastMaintenanceDate",
  "nextMaintenanceDate",
  "lastCalibrationDate",
  "nextCalibrationDate",
];

const ASSET_SCHEMA: FilterSchema = {
  fields: {
    assetId: "string",
    serialNumber: "string",
    typeId: "string",
    parentAssetId: "string",
    parentSerialNumber: "string",
    assetName: "string",
    partNumber: "string",
    revision: "string",
    state: "number",
    description: "string",
    location: "string",
    totalCount: "number",
    runningCount: "number",
    ...Object.fromEntries(DATE_FIELDS.map((field) => [field, "date" as const])),
  },
};
const TYPE_SCHEMA: FilterSchema = {
  fields: {
    typeId: "string",
    typeName: "string",
    runningCountLimit: "number",
    totalCountLimit: "number",
    maintenanceInterval: "number",
    calibrationInterval: "number",
    warningThreshold: "number",
    alarmThreshold: "number",
    isReadonly: "boolean",
  },
};
const LOG_SCHEMA: FilterSchema = {
  fields: {
    logId: "number",
    assetId: "string",
    serialNumber: "string",
    date: "date",
    user: "string",
    type: "number",
    comment: "string",
  },
};

async function findAsset(ctx: EmulatorContext, idOrSerial: string): Promise<Rec | null> {
  const byId = await ctx.entities.get<Rec>("asset", idOrSerial);
  if (byId) return byId;
  const all = await ctx.entities.list<Rec>("asset");
  return all.find((a) => String(a.serialNumber).toLowerCase() === idOrSerial.toLowerCase()) ?? null;
}

async function assetFromQuery(c: C, ctx: EmulatorContext): Promise<Rec> {
  const ref = queryParam(c, "id") || queryParam(c, "serialNumber");
  if (!ref) throw new EmulatorHttpError(400, "Give 'id' or 'serialNumber'");
  const asset = await findAsset(ctx, ref);
  if (!asset) throw new EmulatorHttpError(404, `Asset '${ref}' was not found`);
  return asset;
}

async function log(
  ctx: EmulatorContext,
  asset: Rec,
  type: number,
  comment: string | null,
  user?: unknown,
) {
  const logId = await ctx.entities.next("assetLog");
  await ctx.entities.put("assetLog", logId, {
    logId,
    assetId: asset.assetId,
    serialNumber: asset.serialNumber,
    date: new Date(ctx.now()).toISOString(),
    user: typeof user === "string" ? user : "emulator",
    type,
    comment,
  });
}

async function save(ctx: EmulatorContext, asset: Rec): Promise<Rec> {
  await ctx.entities.put("asset", String(asset.assetId), asset);
  return asset;
}

async function putAsset(c: C, ctx: EmulatorContext): Promise<Response> {
  const input = await readJsonObject(c, ctx.bodyLimit, "Asset");
  if (typeof input.serialNumber !== "string" || input.serialNumber.trim() === "") {
    throw new EmulatorHttpError(400, "Asset.serialNumber is required");
  }
  const existing = await findAsset(ctx, String(input.assetId ?? input.serialNumber));
  if (!existing) {
    if (typeof input.typeId !== "string" || !await ctx.entities.get("assetType", input.typeId)) {
      throw new EmulatorHttpError(
        400,
        "Asset.typeId must name an existing asset type to create an asset",
      );
    }
  }
  const now = new Date(ctx.now()).toISOString();
  const asset: Rec = {
    state: 1,
    totalCount: 0,
    runningCount: 0,
    firstSeenDate: now,
    ...existing,
    ...input,
    assetId: existing?.assetId ?? input.assetId ?? crypto.randomUUID(),
    lastSeenDate: now,
    tags: mergeTags(existing?.tags, input.tags),
  };
  await save(ctx, asset);
  await log(ctx, asset, existing ? 2 : 1, existing ? "Asset updated" : "Asset registered");
  return jsonResponse(asset);
}

async function change(
  c: C,
  ctx: EmulatorContext,
  apply: (asset: Rec) => { type: number; comment: string | null },
): Promise<Response> {
  const asset = await assetFromQuery(c, ctx);
  const entry = apply(asset);
  await save(ctx, asset);
  await log(ctx, asset, entry.type, entry.comment);
  return jsonResponse(true);
}

function dateParam(c: C, name: string, fallback: number): string {
  const raw = queryParam(c, name);
  if (!raw) return new Date(fallback).toISOString();
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new EmulatorHttpError(400, `Query parameter '${name}' is not a date`);
  return new Date(ms).toISOString();
}

async function service(
  c: C,
  ctx: EmulatorContext,
  kind: "Calibration" | "Maintenance",
  external: boolean,
) {
  const asset = await assetFromQuery(c, ctx);
  const type = await ctx.entities.get<Rec>("assetType", String(asset.typeId));
  const interval = Number(
    type?.[kind === "Calibration" ? "calibrationInterval" : "maintenanceInterval"] ?? -1,
  );
  const last = dateParam(c, external ? "fromDate" : "dateTime", ctx.now());
  const next = external
    ? dateParam(c, "toDate", ctx.now())
    : interval > 0
    ? new Date(Date.parse(last) + interval * 86_400_000).toISOString()
    : null;
  asset[`last${kind}Date`] = last;
  asset[`next${kind}Date`] = next;
  await save(ctx, asset);
  await log(
    ctx,
    asset,
    kind === "Calibration" ? 4 : 5,
    queryParam(c, "comment") ?? `${kind} recorded`,
  );
  return jsonResponse(true);
}

async function incrementCount(ctx: EmulatorContext, asset: Rec, by: number, children: boolean) {
  asset.runningCount = Number(asset.runningCount ?? 0) + by;
  asset.totalCount = Number(asset.totalCount ?? 0) + by;
  await save(ctx, asset);
  if (!children) return;
  for (const child of await ctx.entities.list<Rec>("asset")) {
    if (child.parentAssetId === asset.assetId) await incrementCount(ctx, child, by, true);
  }
}

/** Register the `/api/Asset` routes (static paths before `/api/Asset/{idOrSerial}`). */
export function assetRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.get(
    "/api/Asset",
    async (c) => jsonResponse(odataList(c, await ctx.entities.list("asset"), ASSET_SCHEMA)),
  );
  app.put("/api/Asset", (c) => putAsset(c, ctx));
  app.delete("/api/Asset", async (c) => {
    const asset = await assetFromQuery(c, ctx);
    await ctx.entities.delete("asset", String(asset.assetId));
    return jsonResponse(true);
  });
  app.get(
    "/api/Asset/Types",
    async (c) => jsonResponse(odataList(c, await ctx.entities.list("assetType"), TYPE_SCHEMA)),
  );
  app.put("/api/Asset/Types", async (c) => {
    const input = await readJsonObject(c, ctx.bodyLimit, "Asset type");
    if (typeof input.typeName !== "string" || input.typeName.trim() === "") {
      throw new EmulatorHttpError(400, "AssetType.typeName is required");
    }
    const type = {
      runningCountLimit: null,
      totalCountLimit: null,
      maintenanceInterval: -1,
      calibrationInterval: -1,
      warningThreshold: 80,
      alarmThreshold: 100,
      isReadonly: false,
      ...input,
      typeId: input.typeId ?? crypto.randomUUID(),
    };
    await ctx.entities.put("assetType", String(type.typeId), type);
    return jsonResponse(type);
  });
  app.get(
    "/api/Asset/Log",
    async (c) => jsonResponse(odataList(c, await ctx.entities.list("assetLog"), LOG_SCHEMA)),
  );
  app.post("/api/Asset/Message", async (c) => {
    const input = await readJsonObject(c, ctx.bodyLimit, "Asset message");
    const asset = await findAsset(ctx, String(input.assetId ?? ""));
    if (!asset) throw new EmulatorHttpError(404, `Asset '${input.assetId}' was not found`);
    await log(ctx, asset, 0, typeof input.comment === "string" ? input.comment : null, input.user);
    return jsonResponse(true);
  });
  app.get("/api/Asset/Status", async (c) => {
    const asset = await assetFromQuery(c, ctx);
    const type = await ctx.entities.get<Rec>("assetType", String(asset.typeId));
    return jsonResponse(assetStatus(asset, type, ctx.now()));
  });
  app.put("/api/Asset/State", (c) =>
    change(c, ctx, (asset) => {
      const state = queryInt(c, "state", { min: 0, max: 6 });
      if (state === undefined) {
        throw new EmulatorHttpError(400, "Query parameter 'state' is required");
      }
      asset.state = state;
      return { type: 6, comment: `State set to ${state}` };
    }));
  app.put("/api/Asset/Count", async (c) => {
    const asset = await assetFromQuery(c, ctx);
    const by = queryInt(c, "incrementBy") ?? 1;
    await incrementCount(ctx, asset, by, queryBool(c, "incrementChildren", true));
    const total = queryInt(c, "totalCount", { min: 0 });
    if (total !== undefined) await save(ctx, { ...asset, totalCount: total });
    return jsonResponse(true);
  });
  app.post("/api/Asset/ResetRunningCount", (c) =>
    change(c, ctx, (asset) => {
      asset.runningCount = 0;
      return { type: 3, comment: queryParam(c, "comment") ?? "Running count reset" };
    }));
  for (
    const [route, field] of [["SetRunningCount", "runningCount"], ["SetTotalCount", "totalCount"]]
  ) {
    app.put(`/api/Asset/${route}`, (c) =>
      change(c, ctx, (asset) => {
        const value = queryInt(c, field, { min: 0 });
        if (value === undefined) {
          throw new EmulatorHttpError(400, `Query parameter '${field}' is required`);
        }
        asset[field] = value;
        return { type: 2, comment: `${field} set to ${value}` };
      }));
  }
  app.post("/api/Asset/Calibration", (c) => service(c, ctx, "Calibration", false));
  app.post("/api/Asset/Maintenance", (c) => service(c, ctx, "Maintenance", false));
  app.post("/api/Asset/Calibration/External", (c) => service(c, ctx, "Calibration", true));
  app.post("/api/Asset/Maintenance/External", (c) => service(c, ctx, "Maintenance", true));
  app.get("/api/Asset/SubAssets", async (c) => {
    const asset = await assetFromQuery(c, ctx);
    const depth = queryInt(c, "level", { min: 1 }) ?? 1;
    const all = await ctx.entities.list<Rec>("asset");
    const found: Rec[] = [];
    let parents = [asset.assetId];
    for (let level = 0; level < depth && parents.length > 0; level++) {
      const children = all.filter((a) => parents.includes(a.parentAssetId));
      found.push(...children);
      parents = children.map((a) => a.assetId);
    }
    return jsonResponse(found);
  });
  app.get("/api/Asset/:idOrSerial", async (c) => {
    const ref = c.req.param("idOrSerial");
    const asset = await findAsset(ctx, ref);
    if (!asset) throw new EmulatorHttpError(404, `Asset '${ref}' was not found`);
    return jsonResponse(asset);
  });
}
