/**
 * Manual-inspection definitions for the emulator: storage, the lifecycle Draft (0) → Pending (1)
 * → Released (2) → Revoked (3) with Pending → Draft, edits on drafts only, the revocation of the
 * earlier release of a name, copies as new drafts with the next version, and the instance count
 * (stored UUT reports whose sequence file name and version are the definition's name and version).
 *
 * @module
 */
import type { Context } from "hono";
import type { EmulatorContext, EmulatorEnv } from "./_context.ts";
import { EmulatorHttpError, jsonResponse, readJsonObject } from "./_http.ts";
import { callerName, isoNow, type Rec, RecordStore } from "./_records.ts";

type C = Context<EmulatorEnv>;

const STATUS = ["Draft", "Pending", "Released", "Revoked"];
const MOVES: Record<number, number[]> = { 0: [1], 1: [2, 0], 2: [3], 3: [] };
const EDITABLE = [
  "Name",
  "Description",
  "VirtualFolderId",
  "RepairProcessId",
  "IsGlobal",
  "OnFailGotoCleanup",
  "OnFailRequireSubmit",
  "OnFailRequireRepair",
  "LogOperator",
  "LogDescription",
  "CreateUnsubmittedReportOnFailedStep",
  "AddChildUnits",
  "IncludeUURMiscInfoInUUT",
  "LoadPreviousMiscInfo",
  "XAML",
];
/** The fields that name the entity of a relation. */
export const ENTITY = ["EntitySchema", "EntityName", "EntityKey", "EntityValue"];

/** Equal as WATS compares keys: as text, without case. */
export function same(a: unknown, b: unknown): boolean {
  return String(a ?? "").toLowerCase() === String(b ?? "").toLowerCase();
}

/** Definitions, their relations and instance counts. */
export class Definitions {
  readonly store: RecordStore;
  #ctx: EmulatorContext;

  constructor(ctx: EmulatorContext) {
    this.#ctx = ctx;
    this.store = new RecordStore(ctx.kv);
  }

  async find(id: string): Promise<Rec> {
    const def = await this.store.get<Rec>("miDefinition", id);
    if (!def) throw new EmulatorHttpError(404, `Test sequence definition '${id}' was not found`);
    return def;
  }

  async relations(id: unknown): Promise<Rec[]> {
    return (await this.store.list<Rec>("miRelation"))
      .filter((r) => same(r.TestSequenceDefinitionId, id))
      .sort((a, b) =>
        ENTITY.map((k) => String(a[k] ?? "").localeCompare(String(b[k] ?? "")))
          .find((c) => c !== 0) ?? 0
      );
  }

  async instances(def: Rec): Promise<number> {
    const headers = await this.#ctx.reports.headers();
    return headers.filter((h) =>
      h.reportType === "T" && same(h.swFilename, def.Name) && same(h.swVersion, def.Version)
    ).length;
  }

  async present(def: Rec): Promise<Rec> {
    return {
      ...def,
      Relations: await this.relations(def.TestSequenceDefinitionId),
      InstancesCount: await this.instances(def),
    };
  }

  async nextVersion(name: unknown): Promise<number> {
    return (await this.store.list<Rec>("miDefinition")).filter((d) => same(d.Name, name))
      .reduce((max, d) => Math.max(max, Number(d.Version)), 0) + 1;
  }

  save(def: Rec): Promise<void> {
    const { Relations: _r, InstancesCount: _i, ...stored } = def;
    return this.store.put("miDefinition", String(def.TestSequenceDefinitionId), stored);
  }
}

function checkFields(input: Rec): void {
  if ("Name" in input && (typeof input.Name !== "string" || input.Name.trim() === "")) {
    throw new EmulatorHttpError(400, "Name is required");
  }
  const repair = input.OnFailRequireRepair;
  if (repair !== undefined && repair !== null && repair !== 0 && repair !== 1 && repair !== 2) {
    throw new EmulatorHttpError(400, "OnFailRequireRepair must be 0, 1 or 2");
  }
}

/** 409 unless the definition is a draft. */
export function requireDraft(def: Rec, what: string): void {
  if (def.Status !== 0) {
    throw new EmulatorHttpError(
      409,
      `Cannot ${what}: '${def.Name}' version ${def.Version} is ${
        STATUS[Number(def.Status)]
      }; only a Draft changes`,
    );
  }
}

/** `POST .../PostDefinition`. */
export async function create(c: C, ctx: EmulatorContext, defs: Definitions): Promise<Response> {
  const input = await readJsonObject(c, ctx.bodyLimit, "Definition");
  if (!("Name" in input)) throw new EmulatorHttpError(400, "Name is required");
  checkFields(input);
  const name = String(input.Name).trim();
  if ((await defs.nextVersion(name)) > 1) {
    throw new EmulatorHttpError(
      409,
      `A definition named '${name}' exists; copy it to make a new version`,
    );
  }
  const when = isoNow(ctx.now());
  const who = callerName(c);
  const def: Rec = {
    Description: null,
    VirtualFolderId: null,
    RepairProcessId: null,
    IsGlobal: false,
    OnFailGotoCleanup: false,
    OnFailRequireSubmit: false,
    OnFailRequireRepair: 0,
    LogOperator: true,
    LogDescription: false,
    CreateUnsubmittedReportOnFailedStep: false,
    AddChildUnits: false,
    IncludeUURMiscInfoInUUT: false,
    LoadPreviousMiscInfo: false,
    XAML: null,
    ...Object.fromEntries(EDITABLE.filter((k) => input[k] !== undefined).map((k) => [k, input[k]])),
    TestSequenceDefinitionId: crypto.randomUUID(),
    Name: name,
    Version: 1,
    Status: 0,
    Created: when,
    CreatedBy: who,
    Modified: when,
    ModifiedBy: who,
    Released: null,
    ReleasedBy: null,
    Revoked: null,
    RevokedBy: null,
    CreatedBySite: "Emulator",
  };
  await defs.save(def);
  return jsonResponse(await defs.present(def));
}

/** `PUT .../PutDefinitionNew`: field edits (drafts only) and status moves. */
export async function update(c: C, ctx: EmulatorContext, defs: Definitions): Promise<Response> {
  const input = await readJsonObject(c, ctx.bodyLimit, "Definition");
  const def = await defs.find(String(input.TestSequenceDefinitionId ?? ""));
  checkFields(input);
  const edits = EDITABLE.filter((k) =>
    k in input && JSON.stringify(input[k] ?? null) !== JSON.stringify(def[k] ?? null)
  );
  if (edits.length > 0) requireDraft(def, `change ${edits.join(", ")}`);
  if (edits.includes("Name") && (await defs.nextVersion(input.Name)) > 1) {
    throw new EmulatorHttpError(409, `A definition named '${input.Name}' exists`);
  }
  for (const key of edits) def[key] = key === "Name" ? String(input.Name).trim() : input[key];
  const when = isoNow(ctx.now());
  const who = callerName(c);
  const status = input.Status;
  if (status !== undefined && status !== null && status !== def.Status) {
    if (typeof status !== "number" || !(status in MOVES)) {
      throw new EmulatorHttpError(400, "Status must be 0, 1, 2 or 3");
    }
    if (!MOVES[Number(def.Status)].includes(status)) {
      throw new EmulatorHttpError(
        409,
        `'${def.Name}' version ${def.Version} cannot move from ${STATUS[Number(def.Status)]} to ${
          STATUS[status]
        }`,
      );
    }
    if (status === 2) {
      for (const other of await defs.store.list<Rec>("miDefinition")) {
        if (
          other.Status === 2 && same(other.Name, def.Name) &&
          other.TestSequenceDefinitionId !== def.TestSequenceDefinitionId
        ) {
          await defs.save({ ...other, Status: 3, Revoked: when, RevokedBy: who });
        }
      }
      Object.assign(def, { Released: when, ReleasedBy: who });
    }
    if (status === 3) Object.assign(def, { Revoked: when, RevokedBy: who });
    def.Status = status;
  }
  Object.assign(def, { Modified: when, ModifiedBy: who });
  await defs.save(def);
  return jsonResponse(await defs.present(def));
}

/** `GET .../GetDefinitionCopy/{id}`: a new draft with the next version. */
export async function copy(c: C, ctx: EmulatorContext, defs: Definitions): Promise<Response> {
  const source = await defs.find(c.req.param("id")!);
  const when = isoNow(ctx.now());
  const who = callerName(c);
  const id = crypto.randomUUID();
  const def: Rec = {
    ...source,
    TestSequenceDefinitionId: id,
    Version: await defs.nextVersion(source.Name),
    Status: 0,
    Created: when,
    CreatedBy: who,
    Modified: when,
    ModifiedBy: who,
    Released: null,
    ReleasedBy: null,
    Revoked: null,
    RevokedBy: null,
  };
  await defs.save(def);
  for (const relation of await defs.relations(source.TestSequenceDefinitionId)) {
    const RelationId = crypto.randomUUID();
    await defs.store.put("miRelation", RelationId, {
      ...relation,
      RelationId,
      TestSequenceDefinitionId: id,
    });
  }
  for (const sequence of await defs.store.list<Rec>("miSequence")) {
    if (!same(sequence.TestSequenceDefinitionId, source.TestSequenceDefinitionId)) continue;
    const SequenceId = crypto.randomUUID();
    await defs.store.put("miSequence", SequenceId, {
      ...sequence,
      SequenceId,
      TestSequenceDefinitionId: id,
    });
  }
  return jsonResponse(await defs.present(def));
}
