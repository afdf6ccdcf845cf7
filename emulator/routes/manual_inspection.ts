/**
 * Internal `/api/internal/ManualInspection` routes with real state, PascalCase JSON and the
 * `Referer` check of internal routes: definitions and their lifecycle (see `_mi_definitions.ts`),
 * relations (with conflicts between live definitions of different names), sequences of drafts and
 * the XAML workflow.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import {
  EmulatorHttpError,
  jsonResponse,
  queryParam,
  readJsonObject,
  requireParam,
} from "../_http.ts";
import {
  copy,
  create,
  Definitions,
  ENTITY,
  requireDraft,
  same,
  update,
} from "../_mi_definitions.ts";
import { callerName, isoNow, type Rec, requireReferer } from "../_records.ts";

type C = Context<EmulatorEnv>;

const BASE = "/api/internal/ManualInspection";

function relationFields(input: Rec): Rec {
  for (const key of ["EntitySchema", "EntityName"]) {
    if (typeof input[key] !== "string" || (input[key] as string).trim() === "") {
      throw new EmulatorHttpError(400, `${key} is required`);
    }
  }
  return Object.fromEntries(ENTITY.map((k) => [k, input[k] ?? null]));
}

function sameEntity(a: Rec, b: Rec): boolean {
  return ENTITY.every((k) => same(a[k], b[k]));
}

async function saveRelation(c: C, ctx: EmulatorContext, defs: Definitions, isNew: boolean) {
  const input = await readJsonObject(c, ctx.bodyLimit, "Relation");
  const fields = relationFields(input);
  let relation: Rec;
  if (isNew) {
    relation = {
      RelationId: crypto.randomUUID(),
      TestSequenceDefinitionId: String(input.TestSequenceDefinitionId ?? ""),
    };
  } else {
    const found = await defs.store.get<Rec>("miRelation", String(input.RelationId ?? ""));
    if (!found) throw new EmulatorHttpError(404, `Relation '${input.RelationId}' was not found`);
    relation = found;
  }
  const def = await defs.find(String(relation.TestSequenceDefinitionId));
  if (def.Status === 3) {
    throw new EmulatorHttpError(409, `'${def.Name}' version ${def.Version} is Revoked`);
  }
  const siblings = (await defs.relations(def.TestSequenceDefinitionId)).filter((r) =>
    r.RelationId !== relation.RelationId
  );
  if (siblings.some((r) => sameEntity(r, fields))) {
    throw new EmulatorHttpError(409, `'${def.Name}' already has this relation`);
  }
  Object.assign(relation, fields);
  await defs.store.put("miRelation", String(relation.RelationId), relation);
  return jsonResponse(relation);
}

async function deleteRelation(c: C, ctx: EmulatorContext, defs: Definitions): Promise<Response> {
  const input = await readJsonObject(c, ctx.bodyLimit, "Relation");
  const relation = typeof input.RelationId === "string"
    ? await defs.store.get<Rec>("miRelation", input.RelationId)
    : (await defs.relations(input.TestSequenceDefinitionId)).find((r) => sameEntity(r, input)) ??
      null;
  if (!relation) throw new EmulatorHttpError(404, "Relation was not found");
  await defs.store.delete("miRelation", String(relation.RelationId));
  return jsonResponse(true);
}

async function conflicts(c: C, defs: Definitions): Promise<Response> {
  const def = await defs.find(c.req.param("id")!);
  const all = await defs.store.list<Rec>("miDefinition");
  const relations = await defs.store.list<Rec>("miRelation");
  const out: Rec[] = [];
  for (
    const mine of relations.filter((r) =>
      same(r.TestSequenceDefinitionId, def.TestSequenceDefinitionId)
    )
  ) {
    for (const other of relations) {
      const owner = all.find((d) =>
        same(d.TestSequenceDefinitionId, other.TestSequenceDefinitionId)
      );
      if (!owner || owner.Status === 3 || same(owner.Name, def.Name) || !sameEntity(mine, other)) {
        continue;
      }
      out.push({
        Relation: mine,
        ConflictingDefinitionId: owner.TestSequenceDefinitionId,
        ConflictingDefinitionName: owner.Name,
        ConflictingDefinitionVersion: owner.Version,
      });
    }
  }
  return jsonResponse(out);
}

async function saveSequence(c: C, ctx: EmulatorContext, defs: Definitions): Promise<Response> {
  const input = await readJsonObject(c, ctx.bodyLimit, "Sequence");
  if (typeof input.Name !== "string" || input.Name.trim() === "") {
    throw new EmulatorHttpError(400, "Name is required");
  }
  const existing = typeof input.SequenceId === "string"
    ? await defs.store.get<Rec>("miSequence", input.SequenceId)
    : null;
  if (typeof input.SequenceId === "string" && !existing) {
    throw new EmulatorHttpError(404, `Sequence '${input.SequenceId}' was not found`);
  }
  const def = await defs.find(
    String(existing?.TestSequenceDefinitionId ?? input.TestSequenceDefinitionId ?? ""),
  );
  requireDraft(def, "change its sequences");
  const siblings = (await defs.store.list<Rec>("miSequence")).filter((s) =>
    same(s.TestSequenceDefinitionId, def.TestSequenceDefinitionId)
  );
  const sequence: Rec = {
    Description: null,
    SortOrder: siblings.length + 1,
    ...existing,
    ...input,
    SequenceId: existing?.SequenceId ?? crypto.randomUUID(),
    TestSequenceDefinitionId: def.TestSequenceDefinitionId,
    Name: input.Name.trim(),
  };
  await defs.store.put("miSequence", String(sequence.SequenceId), sequence);
  return jsonResponse(sequence);
}

/** Register the internal manual-inspection routes. */
export function manualInspectionRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  const defs = new Definitions(ctx);
  app.use(`${BASE}/*`, async (c, next) => {
    requireReferer(c);
    await next();
  });
  app.get(`${BASE}/GetTestSequenceDefinitions`, async (c) => {
    const global = queryParam(c, "isGlobalDefinitions")?.toLowerCase();
    const all = (await defs.store.list<Rec>("miDefinition")).filter((d) =>
      global === undefined || global === "" || String(d.IsGlobal === true) === global
    ).sort((a, b) =>
      String(a.Name).localeCompare(String(b.Name)) || Number(a.Version) - Number(b.Version)
    );
    return jsonResponse(await Promise.all(all.map((d) => defs.present(d))));
  });
  app.get(
    `${BASE}/GetTestSequenceDefinition`,
    async (c) => jsonResponse(await defs.present(await defs.find(requireParam(c, "definitionId")))),
  );
  app.get(`${BASE}/GetDefinitionCopy/:id`, (c) => copy(c, ctx, defs));
  app.get(
    `${BASE}/GetInstancesCount/:id`,
    async (c) => jsonResponse(await defs.instances(await defs.find(c.req.param("id")))),
  );
  app.post(`${BASE}/PostDefinition`, (c) => create(c, ctx, defs));
  app.put(`${BASE}/PutDefinitionNew`, (c) => update(c, ctx, defs));
  app.get(
    `${BASE}/GetRelations/:id`,
    async (c) =>
      jsonResponse(
        await defs.relations((await defs.find(c.req.param("id"))).TestSequenceDefinitionId),
      ),
  );
  app.get(`${BASE}/GetRelationConflictsNew/:id`, (c) => conflicts(c, defs));
  app.get(`${BASE}/GetRelationConflicts/:id`, (c) => conflicts(c, defs));
  app.post(`${BASE}/PostRelation`, (c) => saveRelation(c, ctx, defs, true));
  app.put(`${BASE}/PutRelation`, (c) => saveRelation(c, ctx, defs, false));
  app.put(`${BASE}/DeleteRelationNew`, (c) => deleteRelation(c, ctx, defs));
  app.get(`${BASE}/GetSequences`, async (c) => {
    const id = queryParam(c, "definitionId");
    const found = (await defs.store.list<Rec>("miSequence")).filter((s) =>
      !id || same(s.TestSequenceDefinitionId, id)
    )
      .sort((a, b) => Number(a.SortOrder) - Number(b.SortOrder));
    return jsonResponse(found);
  });
  app.put(`${BASE}/PutSequence`, (c) => saveSequence(c, ctx, defs));
  app.delete(`${BASE}/DeleteSequence/:id`, async (c) => {
    const sequence = await defs.store.get<Rec>("miSequence", c.req.param("id"));
    if (!sequence) {
      throw new EmulatorHttpError(404, `Sequence '${c.req.param("id")}' was not found`);
    }
    requireDraft(
      await defs.find(String(sequence.TestSequenceDefinitionId)),
      "change its sequences",
    );
    await defs.store.delete("miSequence", String(sequence.SequenceId));
    return jsonResponse(true);
  });
  app.get(
    `${BASE}/GetTestSequenceDefinitionXaml`,
    async (c) => jsonResponse((await defs.find(requireParam(c, "definitionId"))).XAML ?? ""),
  );
  app.put(`${BASE}/PutTestSequenceDefinitionXaml`, async (c) => {
    const input = await readJsonObject(c, ctx.bodyLimit, "Xaml");
    const def = await defs.find(String(input.TestSequenceDefinitionId ?? ""));
    requireDraft(def, "change its XAML");
    def.XAML = typeof input.XAML === "string" ? input.XAML : null;
    Object.assign(def, { Modified: isoNow(ctx.now()), ModifiedBy: callerName(c) });
    await defs.save(def);
    return jsonResponse(true);
  });
}
