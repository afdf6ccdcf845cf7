/**
 * `/api/Production` routes with real state: units (save, read, phase, process, parent/child),
 * unit changes (OData `$filter`, `$orderby`, `$top`, `$skip`), unit verification computed from the
 * stored reports, and the unit-phase list. Serial numbers live in `serial_numbers.ts`,
 * batches in `batches.ts`.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import { assignRuns } from "../_headers.ts";
import {
  EmulatorHttpError,
  isRecord,
  jsonResponse,
  queryInt,
  queryParam,
  readJson,
  requireParam,
} from "../_http.ts";
import { odataList } from "../odata/_list.ts";
import type { FilterSchema } from "../odata/_query.ts";
import { mergeTags } from "./product.ts";
import { unitVerification } from "../_verification.ts";
import type { Rec } from "../_records.ts";

type C = Context<EmulatorEnv>;

/** Unit phases: flag id and name, as WATS ships them. */
export const UNIT_PHASES: readonly [number, string][] = [
  [1, "Unknown"],
  [2, "Under production"],
  [4, "Production repair"],
  [8, "Service repair"],
  [16, "Finalized"],
  [32, "Scrapped"],
  [64, "Extended test"],
  [128, "Customization"],
  [256, "Repaired"],
  [512, "Missing"],
  [1024, "In storage"],
  [2048, "Shipped"],
];

/** Fields a unit-change `$filter` may name. */
const CHANGE_SCHEMA: FilterSchema = {
  fields: {
    id: "number",
    unitSerialNumber: "string",
    unitPartNumber: "string",
    newParentSerialNumber: "string",
    newPartNumber: "string",
    newRevision: "string",
    newUnitPhaseId: "number",
    changeDate: "date",
  },
};

/** The store key of a unit. */
export function unitKey(serialNumber: string, partNumber: string): string {
  return `${serialNumber}\u0000${partNumber}`;
}

/** The phase id of an id or a name; 400 when there is none. */
export function phaseId(raw: string): number {
  const number = Number(raw);
  const found = UNIT_PHASES.find(([id, name]) =>
    id === number || name.toLowerCase() === raw.toLowerCase() ||
    name.replace(/ /g, "").toLowerCase() === raw.toLowerCase()
  );
  if (!found) throw new EmulatorHttpError(400, `Unknown unit phase '${raw}'`);
  return found[0];
}

/** The name of a phase id, or null. */
export function phaseName(id: unknown): string | null {
  return UNIT_PHASES.find(([phase]) => phase === id)?.[1] ?? null;
}

/** A stored unit; 404 when there is none. */
export async function loadUnit(
  ctx: EmulatorContext,
  serialNumber: string,
  partNumber: string,
): Promise<Rec> {
  const unit = await ctx.entities.get<Rec>("unit", unitKey(serialNumber, partNumber));
  if (!unit) {
    throw new EmulatorHttpError(404, `Unit '${serialNumber}' of '${partNumber}' was not found`);
  }
  return unit;
}

/** Records a unit change (as `Units/Changes` lists them). */
export async function recordChange(ctx: EmulatorContext, unit: Rec, change: Rec): Promise<void> {
  const id = await ctx.entities.next("unitChange");
  await ctx.entities.put("unitChange", id, {
    id,
    unitSerialNumber: unit.serialNumber,
    unitPartNumber: unit.partNumber,
    newParentSerialNumber: null,
    newPartNumber: null,
    newRevision: null,
    newUnitPhaseId: null,
    changeDate: new Date(ctx.now()).toISOString(),
    ...change,
  });
}

/** Creates or updates a unit, recording what changed. */
export async function saveUnit(ctx: EmulatorContext, input: Rec): Promise<Rec> {
  for (const key of ["serialNumber", "partNumber"]) {
    if (typeof input[key] !== "string" || (input[key] as string).trim() === "") {
      throw new EmulatorHttpError(400, `Unit.${key} is required`);
    }
  }
  const key = unitKey(String(input.serialNumber), String(input.partNumber));
  const existing = await ctx.entities.get<Rec>("unit", key);
  const { subUnits: _children, tags, ...fields } = input;
  const unit: Rec = {
    revision: null,
    parentSerialNumber: null,
    batchNumber: null,
    serialDate: new Date(ctx.now()).toISOString(),
    unitPhaseId: 1,
    processCode: null,
    ...existing,
    ...fields,
    tags: mergeTags(existing?.tags, tags),
  };
  unit.unitPhase = phaseName(unit.unitPhaseId);
  await ctx.entities.put("unit", key, unit);
  const changed: Rec = {};
  if (!existing || existing.revision !== unit.revision) changed.newRevision = unit.revision;
  if (!existing || existing.unitPhaseId !== unit.unitPhaseId) {
    changed.newUnitPhaseId = unit.unitPhaseId;
  }
  if (existing && existing.parentSerialNumber !== unit.parentSerialNumber) {
    changed.newParentSerialNumber = unit.parentSerialNumber;
  }
  if (Object.keys(changed).length > 0) {
    await recordChange(ctx, unit, { newPartNumber: existing ? null : unit.partNumber, ...changed });
  }
  return unit;
}

/** The unit with its child units in `subUnits`. */
export async function withChildren(ctx: EmulatorContext, unit: Rec): Promise<Rec> {
  const units = await ctx.entities.list<Rec>("unit");
  const children = units.filter((u) =>
    String(u.parentSerialNumber ?? "").toLowerCase() === String(unit.serialNumber).toLowerCase() &&
    String(u.parentPartNumber ?? unit.partNumber).toLowerCase() ===
      String(unit.partNumber).toLowerCase()
  );
  return { ...unit, subUnits: children };
}

async function setChild(c: C, ctx: EmulatorContext, attach: boolean): Promise<Response> {
  const parent = await loadUnit(
    ctx,
    requireParam(c, "parentSerialNumber"),
    requireParam(c, "parentPartNumber"),
  );
  const child = await loadUnit(
    ctx,
    requireParam(c, "childSerialNumber"),
    requireParam(c, "childPartNumber"),
  );
  if (
    !attach &&
    String(child.parentSerialNumber ?? "").toLowerCase() !==
      String(parent.serialNumber).toLowerCase()
  ) {
    throw new EmulatorHttpError(
      400,
      `Unit '${child.serialNumber}' is not a child of '${parent.serialNumber}'`,
    );
  }
  child.parentSerialNumber = attach ? parent.serialNumber : null;
  child.parentPartNumber = attach ? parent.partNumber : null;
  await ctx.entities.put(
    "unit",
    unitKey(String(child.serialNumber), String(child.partNumber)),
    child,
  );
  await recordChange(ctx, child, { newParentSerialNumber: child.parentSerialNumber });
  return jsonResponse(true);
}

async function updateUnit(
  c: C,
  ctx: EmulatorContext,
  change: (unit: Rec) => Rec,
): Promise<Response> {
  const unit = await loadUnit(ctx, requireParam(c, "serialNumber"), requireParam(c, "partNumber"));
  const changed = change(unit);
  Object.assign(unit, changed);
  await ctx.entities.put("unit", unitKey(String(unit.serialNumber), String(unit.partNumber)), unit);
  if ("unitPhaseId" in changed) await recordChange(ctx, unit, { newUnitPhaseId: unit.unitPhaseId });
  return jsonResponse(true);
}

/** Register the `/api/Production` routes and the internal unit-phase routes. */
export function productionRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.get("/api/Production/Unit/:serialNumber/:partNumber", async (c) => {
    const unit = await loadUnit(ctx, c.req.param("serialNumber"), c.req.param("partNumber"));
    return jsonResponse(await withChildren(ctx, unit));
  });
  app.put("/api/Production/Units", async (c) => {
    const body = await readJson(c, ctx.bodyLimit);
    if (!Array.isArray(body) || !body.every(isRecord)) {
      throw new EmulatorHttpError(400, "Request body must be an array of Unit objects");
    }
    const saved = [];
    for (const unit of body) saved.push(await saveUnit(ctx, unit));
    return jsonResponse(saved);
  });
  app.get("/api/Production/UnitVerification", async (c) => {
    const headers = await ctx.reports.headers();
    assignRuns(headers);
    return jsonResponse(unitVerification(ctx, headers, {
      serialNumber: requireParam(c, "serialNumber"),
      partNumber: requireParam(c, "partNumber"),
      revision: queryParam(c, "revision"),
    }));
  });
  app.get("/api/Production/Units/Changes", async (c) => {
    const sn = queryParam(c, "serialNumber")?.toLowerCase();
    const pn = queryParam(c, "partNumber")?.toLowerCase();
    const changes = (await ctx.entities.list<Rec>("unitChange")).filter((change) =>
      (!sn || String(change.unitSerialNumber).toLowerCase() === sn) &&
      (!pn || String(change.unitPartNumber).toLowerCase() === pn)
    ).sort((a, b) => Number(a.id) - Number(b.id));
    return jsonResponse(odataList(c, changes, CHANGE_SCHEMA));
  });
  app.delete("/api/Production/Units/Changes/:id", async (c) => {
    const id = Number(c.req.param("id"));
    if (!Number.isInteger(id) || !await ctx.entities.delete("unitChange", id)) {
      throw new EmulatorHttpError(404, `Unit change '${c.req.param("id")}' was not found`);
    }
    return jsonResponse(true);
  });
  app.put("/api/Production/SetUnitPhase", (c) =>
    updateUnit(c, ctx, (unit) => {
      const id = phaseId(requireParam(c, "phase"));
      return {
        unitPhaseId: id,
        unitPhase: phaseName(id),
        comment: queryParam(c, "comment") ?? unit.comment ?? null,
      };
    }));
  app.put(
    "/api/Production/SetUnitProcess",
    (c) => updateUnit(c, ctx, () => ({ processCode: queryInt(c, "processCode") ?? null })),
  );
  app.post("/api/Production/AddChildUnit", (c) => setChild(c, ctx, true));
  app.post("/api/Production/RemoveChildUnit", (c) => setChild(c, ctx, false));
  app.get("/api/Production/CheckChildUnits", async (c) => {
    const unit = await withChildren(
      ctx,
      await loadUnit(ctx, requireParam(c, "serialNumber"), requireParam(c, "partNumber")),
    );
    return jsonResponse({
      serialNumber: unit.serialNumber,
      partNumber: unit.partNumber,
      children: unit.subUnits,
    });
  });
  app.get("/api/internal/Mes/GetUnitPhases", () =>
    jsonResponse(UNIT_PHASES.map(([id, name]) => ({
      UnitPhaseId: id,
      Code: name.replace(/ /g, ""),
      Name: name,
      Description: name,
    }))));
  app.get("/api/internal/Production/isConnected", () => jsonResponse(true));
}
