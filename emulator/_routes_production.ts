/**
 * `/api/Production` routes with real state: units (save, read, phase, process, parent/child),
 * unit changes, unit verification computed from the stored reports, serial-number allocation and
 * the unit-phase list.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { EmulatorContext, EmulatorEnv } from "./_context.ts";
import { assignRuns } from "./_headers.ts";
import {
  EmulatorHttpError,
  isRecord,
  jsonResponse,
  queryInt,
  queryParam,
  readJson,
  requireParam,
} from "./_http.ts";
import { mergeTags } from "./_routes_product.ts";
import { unitVerification } from "./_verification.ts";

type Rec = Record<string, unknown>;
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

const SERIAL_TYPES = [
  {
    name: "SerialNumber",
    description: "Sequential serial numbers",
    format: "SN{0:000000}",
    regEx: "^SN\\d{6}$",
    identifier: 0,
    identifierName: "SerialNumber",
  },
  {
    name: "MAC",
    description: "MAC addresses",
    format: "00-1B-44-XX-XX-XX",
    regEx: "^([0-9A-F]{2}-){5}[0-9A-F]{2}$",
    identifier: 1,
    identifierName: "MACAddress",
  },
];

function unitKey(serialNumber: string, partNumber: string): string {
  return `${serialNumber}\u0000${partNumber}`;
}

function phaseId(raw: string): number {
  const number = Number(raw);
  const found = UNIT_PHASES.find(([id, name]) =>
    id === number || name.toLowerCase() === raw.toLowerCase() ||
    name.replace(/ /g, "").toLowerCase() === raw.toLowerCase()
  );
  if (!found) throw new EmulatorHttpError(400, `Unknown unit phase '${raw}'`);
  return found[0];
}

function phaseName(id: unknown): string | null {
  return UNIT_PHASES.find(([phase]) => phase === id)?.[1] ?? null;
}

async function loadUnit(
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

async function recordChange(ctx: EmulatorContext, unit: Rec, change: Rec): Promise<void> {
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

async function saveUnit(ctx: EmulatorContext, input: Rec): Promise<Rec> {
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

async function withChildren(ctx: EmulatorContext, unit: Rec): Promise<Rec> {
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

async function takeSerialNumbers(c: C, ctx: EmulatorContext): Promise<Response> {
  const typeName = requireParam(c, "serialNumberType");
  const type = SERIAL_TYPES.find((t) => t.name.toLowerCase() === typeName.toLowerCase());
  if (!type) throw new EmulatorHttpError(404, `Serial number type '${typeName}' was not found`);
  const quantity = queryInt(c, "quantity", { min: 1, max: 10_000 }) ?? 1;
  const taken: string[] = [];
  for (let i = 0; i < quantity; i++) {
    const n = await ctx.entities.next(`serial:${type.name}`);
    taken.push(
      type.identifier === 1
        ? `00-1B-44-${
          [16, 8, 0].map((shift) =>
            ((n >> shift) & 0xff).toString(16).padStart(2, "0").toUpperCase()
          ).join("-")
        }`
        : `SN${String(n).padStart(6, "0")}`,
    );
  }
  const xml = `<SerialNumbers>${taken.map((sn) => `<SN id="${sn}"/>`).join("")}</SerialNumbers>`;
  return new Response(xml, { headers: { "content-type": "application/xml; charset=utf-8" } });
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
    const top = queryInt(c, "$top", { min: 0 }) ?? 1000;
    const skip = queryInt(c, "$skip", { min: 0 }) ?? 0;
    const changes = (await ctx.entities.list<Rec>("unitChange")).filter((change) =>
      (!sn || String(change.unitSerialNumber).toLowerCase() === sn) &&
      (!pn || String(change.unitPartNumber).toLowerCase() === pn)
    ).sort((a, b) => Number(a.id) - Number(b.id));
    return jsonResponse(changes.slice(skip, skip + top));
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
  app.get("/api/Production/SerialNumbers/Types", () => jsonResponse(SERIAL_TYPES));
  app.post("/api/Production/SerialNumbers/Take", (c) => takeSerialNumbers(c, ctx));
  app.get("/api/internal/Mes/GetUnitPhases", () =>
    jsonResponse(UNIT_PHASES.map(([id, name]) => ({
      UnitPhaseId: id,
      Code: name.replace(/ /g, ""),
      Name: name,
      Description: name,
    }))));
  app.get("/api/internal/Production/isConnected", () => jsonResponse(true));
}
