/**
 * Internal `/api/internal/Production` unit routes with real state, on the units the public
 * routes keep: look-ups by serial number alone, the unit's info, hierarchy, state history, phase,
 * process and contents (its children against its revision's box-build template), creating a unit,
 * fitting and removing child units with WATS's checks, and the sites units and reports name.
 *
 * Checks as WATS makes them: a unit is created only for a known product (and revision, when
 * given) and only once; a child fits only one parent, never its own ancestor; `checkPartNumber`
 * needs the child's part number (and with `checkRevision` its revision) in the parent revision's
 * box-build template; `checkPhase` refuses a child that is scrapped, missing or shipped.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import { EmulatorHttpError, jsonResponse, queryBool, queryParam, requireParam } from "../_http.ts";
import { type Rec, requireReferer } from "../_records.ts";
import { processName } from "./app.ts";
import { revisionById } from "./product_structure.ts";
import {
  loadUnit,
  phaseId,
  phaseName,
  recordChange,
  saveUnit,
  unitKey,
  withChildren,
} from "./production.ts";

type C = Context<EmulatorEnv>;

/** Phases a child in them cannot be fitted with `checkPhase` (scrapped, missing, shipped). */
const UNFIT_PHASES = new Set([32, 512, 2048]);

function lower(value: unknown): string {
  return String(value ?? "").toLowerCase();
}

async function unitBySerial(c: C, ctx: EmulatorContext, snName = "serialNumber"): Promise<Rec> {
  const serialNumber = requireParam(c, snName);
  const partNumber = queryParam(c, "partNumber");
  if (partNumber) return await loadUnit(ctx, serialNumber, partNumber);
  const found = (await ctx.entities.list<Rec>("unit"))
    .filter((u) => lower(u.serialNumber) === lower(serialNumber));
  if (found.length === 0) throw new EmulatorHttpError(404, `Unit '${serialNumber}' was not found`);
  if (found.length > 1) {
    throw new EmulatorHttpError(
      400,
      `Serial number '${serialNumber}' names units of several products; give 'partNumber'`,
    );
  }
  return found[0];
}

async function children(ctx: EmulatorContext, unit: Rec): Promise<Rec[]> {
  return (await withChildren(ctx, unit)).subUnits as Rec[];
}

async function hierarchy(ctx: EmulatorContext, unit: Rec, depth = 0): Promise<Rec> {
  const below = depth > 10 ? [] : await children(ctx, unit);
  const subUnits = [];
  for (const child of below) subUnits.push(await hierarchy(ctx, child, depth + 1));
  return { ...unit, subUnits };
}

/** The box-build template of a unit's revision: the child revisions and their quantities. */
async function template(ctx: EmulatorContext, unit: Rec): Promise<Rec[]> {
  const product = await ctx.entities.get<Rec>("product", String(unit.partNumber));
  const revision = (product?.revisions as Rec[] | undefined)?.find((r) =>
    lower(r.revision) === lower(unit.revision)
  );
  if (!revision) return [];
  const out: Rec[] = [];
  for (const relation of await ctx.entities.list<Rec>("productRelation")) {
    if (lower(relation.ParentProductRevisionId) !== lower(revision.productRevisionId)) continue;
    const child = await revisionById(ctx, relation.ProductRevisionId);
    out.push({
      partNumber: child?.partNumber ?? null,
      revision: child?.revision ?? null,
      revisionMask: relation.RevisionMask ?? null,
      quantity: relation.Quantity ?? 1,
    });
  }
  return out;
}

async function contents(ctx: EmulatorContext, unit: Rec): Promise<Rec> {
  const fitted = await children(ctx, unit);
  const required = (await template(ctx, unit)).map((row) => {
    const count = fitted.filter((u) => lower(u.partNumber) === lower(row.partNumber)).length;
    return { ...row, fitted: count, missing: Math.max(0, Number(row.quantity) - count) };
  });
  return {
    serialNumber: unit.serialNumber,
    partNumber: unit.partNumber,
    revision: unit.revision ?? null,
    children: fitted,
    required,
    isComplete: required.every((row) => row.missing === 0),
  };
}

async function isAncestor(ctx: EmulatorContext, candidate: Rec, unit: Rec): Promise<boolean> {
  let current: Rec | null = unit;
  for (let depth = 0; current && depth < 20; depth++) {
    if (
      lower(current.serialNumber) === lower(candidate.serialNumber) &&
      lower(current.partNumber) === lower(candidate.partNumber)
    ) return true;
    if (!current.parentSerialNumber) return false;
    current = await ctx.entities.get<Rec>(
      "unit",
      unitKey(String(current.parentSerialNumber), String(current.parentPartNumber ?? "")),
    );
  }
  return false;
}

async function putParent(ctx: EmulatorContext, child: Rec, parent: Rec | null): Promise<void> {
  child.parentSerialNumber = parent?.serialNumber ?? null;
  child.parentPartNumber = parent?.partNumber ?? null;
  await ctx.entities.put(
    "unit",
    unitKey(String(child.serialNumber), String(child.partNumber)),
    child,
  );
  await recordChange(ctx, child, { newParentSerialNumber: child.parentSerialNumber });
}

/** The parent unit and the child unit a box-build route names. */
async function parentAndChild(c: C, ctx: EmulatorContext) {
  const parent = await loadUnit(
    ctx,
    requireParam(c, "serialNumber"),
    requireParam(c, "partNumber"),
  );
  const child = await loadUnit(
    ctx,
    requireParam(c, "childSerialNumber"),
    requireParam(c, "childPartNumber"),
  );
  return { parent, child };
}

async function addChild(c: C, ctx: EmulatorContext): Promise<Response> {
  const { parent, child } = await parentAndChild(c, ctx);
  if (await isAncestor(ctx, child, parent)) {
    throw new EmulatorHttpError(
      400,
      `Unit '${child.serialNumber}' is '${parent.serialNumber}' or one of its parents`,
    );
  }
  if (child.parentSerialNumber) {
    throw new EmulatorHttpError(
      409,
      `Unit '${child.serialNumber}' is already fitted in '${child.parentSerialNumber}'`,
    );
  }
  if (queryBool(c, "checkPartNumber", false)) {
    const checkRevision = queryBool(c, "checkRevision", false);
    const allowed = (await template(ctx, parent)).some((row) =>
      lower(row.partNumber) === lower(child.partNumber) &&
      (!checkRevision || lower(row.revision) === lower(child.revision))
    );
    if (!allowed) {
      throw new EmulatorHttpError(
        400,
        `'${child.partNumber}'${
          checkRevision ? ` revision '${child.revision}'` : ""
        } is not in the box-build template of '${parent.partNumber}' revision '${parent.revision}'`,
      );
    }
  }
  if (queryBool(c, "checkPhase", false) && UNFIT_PHASES.has(Number(child.unitPhaseId))) {
    throw new EmulatorHttpError(
      400,
      `Unit '${child.serialNumber}' is ${phaseName(child.unitPhaseId)} and cannot be fitted`,
    );
  }
  await putParent(ctx, child, parent);
  return jsonResponse(await contents(ctx, parent));
}

async function removeChild(c: C, ctx: EmulatorContext): Promise<Response> {
  const { parent, child } = await parentAndChild(c, ctx);
  if (
    lower(child.parentSerialNumber) !== lower(parent.serialNumber) ||
    lower(child.parentPartNumber ?? parent.partNumber) !== lower(parent.partNumber)
  ) {
    throw new EmulatorHttpError(
      400,
      `Unit '${child.serialNumber}' is not a child of '${parent.serialNumber}'`,
    );
  }
  await putParent(ctx, child, null);
  return jsonResponse(await contents(ctx, parent));
}

async function createUnit(c: C, ctx: EmulatorContext): Promise<Response> {
  const serialNumber = requireParam(c, "serialNumber");
  const partNumber = requireParam(c, "partNumber");
  const revision = queryParam(c, "revision") || null;
  const product = await ctx.entities.get<Rec>("product", partNumber);
  if (!product) throw new EmulatorHttpError(404, `Product '${partNumber}' was not found`);
  if (
    revision &&
    !(product.revisions as Rec[] | undefined)?.some((r) => lower(r.revision) === lower(revision))
  ) {
    throw new EmulatorHttpError(404, `Revision '${revision}' of '${partNumber}' was not found`);
  }
  if (await ctx.entities.get("unit", unitKey(serialNumber, partNumber))) {
    throw new EmulatorHttpError(409, `Unit '${serialNumber}' of '${partNumber}' already exists`);
  }
  const phase = queryParam(c, "unitPhase");
  return jsonResponse(
    await saveUnit(ctx, {
      serialNumber,
      partNumber: product.partNumber,
      revision,
      batchNumber: queryParam(c, "batchNumber") || null,
      unitPhaseId: phase ? phaseId(phase) : 1,
    }),
  );
}

/** Register the internal unit routes. */
export function productionUnitRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  const base = "/api/internal/Production";
  app.use(`${base}/*`, async (c, next) => {
    requireReferer(c);
    await next();
  });
  app.get(`${base}/GetSites`, async () => {
    const sites = new Map<string, Rec>();
    const site = (name: unknown) => {
      const text = String(name ?? "").trim();
      if (!text) return null;
      const key = text.toLowerCase();
      if (!sites.has(key)) sites.set(key, { name: text, unitCount: 0, reportCount: 0 });
      return sites.get(key)!;
    };
    for (const header of await ctx.reports.headers()) {
      const row = site(header.location);
      if (row) row.reportCount = Number(row.reportCount) + 1;
    }
    for (const unit of await ctx.entities.list<Rec>("unit")) {
      const row = site(unit.currentLocation);
      if (row) row.unitCount = Number(row.unitCount) + 1;
    }
    return jsonResponse(
      [...sites.values()].sort((a, b) => String(a.name).localeCompare(String(b.name))),
    );
  });
  app.get(`${base}/GetUnit`, async (c) => jsonResponse(await unitBySerial(c, ctx)));
  app.get(`${base}/GetUnitInfo`, async (c) => {
    const unit = await withChildren(ctx, await unitBySerial(c, ctx));
    const product = await ctx.entities.get<Rec>("product", String(unit.partNumber));
    return jsonResponse({
      ...unit,
      productName: product?.name ?? null,
      processName: typeof unit.processCode === "number" ? processName(ctx, unit.processCode) : null,
      childCount: (unit.subUnits as Rec[]).length,
    });
  });
  app.get(
    `${base}/GetUnitHierarchy`,
    async (c) => jsonResponse(await hierarchy(ctx, await unitBySerial(c, ctx))),
  );
  app.get(`${base}/GetUnitStateHistory`, async (c) => {
    const unit = await unitBySerial(c, ctx);
    const changes = (await ctx.entities.list<Rec>("unitChange")).filter((change) =>
      lower(change.unitSerialNumber) === lower(unit.serialNumber) &&
      lower(change.unitPartNumber) === lower(unit.partNumber)
    ).sort((a, b) => Number(a.id) - Number(b.id));
    return jsonResponse(changes.map((change) => ({
      ...change,
      newUnitPhase: change.newUnitPhaseId === null ? null : phaseName(change.newUnitPhaseId),
    })));
  });
  app.get(`${base}/GetUnitPhase`, async (c) => {
    const unit = await unitBySerial(c, ctx);
    return jsonResponse({ unitPhaseId: unit.unitPhaseId, unitPhase: phaseName(unit.unitPhaseId) });
  });
  app.get(`${base}/GetUnitProcess`, async (c) => {
    const unit = await unitBySerial(c, ctx);
    const code = typeof unit.processCode === "number" ? unit.processCode : null;
    return jsonResponse({
      processCode: code,
      processName: code === null ? null : processName(ctx, code),
    });
  });
  app.get(`${base}/GetUnitContents`, async (c) => {
    const unit = await loadUnit(
      ctx,
      requireParam(c, "serialNumber"),
      requireParam(c, "partNumber"),
    );
    const revision = queryParam(c, "revision");
    if (revision && lower(revision) !== lower(unit.revision)) {
      throw new EmulatorHttpError(
        400,
        `Unit '${unit.serialNumber}' is revision '${unit.revision}', not '${revision}'`,
      );
    }
    return jsonResponse(await contents(ctx, unit));
  });
  app.post(`${base}/CreateUnit`, (c) => createUnit(c, ctx));
  app.post(`${base}/AddChildUnit`, (c) => addChild(c, ctx));
  app.post(`${base}/RemoveChildUnit`, (c) => removeChild(c, ctx));
  app.post(`${base}/RemoveAllChildUnits`, async (c) => {
    const parent = await loadUnit(
      ctx,
      requireParam(c, "serialNumber"),
      requireParam(c, "partNumber"),
    );
    const fitted = await children(ctx, parent);
    for (const child of fitted) await putParent(ctx, child, null);
    return jsonResponse(fitted.length);
  });
  app.get(`${base}/CheckChildUnits`, async (c) => {
    const parent = await loadUnit(
      ctx,
      requireParam(c, "ParentSerialNumber"),
      requireParam(c, "ParentPartNumber"),
    );
    return jsonResponse(await contents(ctx, parent));
  });
}
