/**
 * `/api/SCIM/v2` routes with real state (RFC 7643/7644 subset): users and groups in creation
 * order, paged with `startIndex` (1-based) and `count`, `eq` filters, create with unique
 * `userName`/`displayName` (409 otherwise), `PatchOp` add/replace/remove, delete (a deleted user
 * leaves every group), look-up by `userName=…`, and provisioning tokens. Errors carry the SCIM error
 * schema with `status`, `detail` and `scimType`.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import {
  EmulatorHttpError,
  isRecord,
  jsonResponse,
  queryInt,
  queryParam,
  readJsonObject,
} from "../_http.ts";
import { isoNow, type Rec, RecordStore } from "../_records.ts";

type C = Context<EmulatorEnv>;
type Kind = "scimUser" | "scimGroup";

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

function scimError(status: number, detail: string, scimType?: string): EmulatorHttpError {
  return new EmulatorHttpError(status, detail, {
    schemas: [ERROR_SCHEMA],
    status: String(status),
    detail,
    ...(scimType ? { scimType } : {}),
  });
}

function what(kind: Kind): string {
  return kind === "scimUser" ? "User" : "Group";
}

async function find(store: RecordStore, kind: Kind, id: string): Promise<Rec> {
  const record = await store.get<Rec>(kind, id);
  if (!record) throw scimError(404, `${what(kind)} '${id}' was not found`);
  return record;
}

async function ordered(store: RecordStore, kind: Kind): Promise<Rec[]> {
  return (await store.list<Rec>(kind)).sort((a, b) => Number(a._seq) - Number(b._seq));
}

function present(record: Rec): Rec {
  const { _seq: _hidden, ...out } = record;
  return out;
}

/** `attr eq "value"` (or `true`/`false`), the filter identity providers send. */
function compileFilter(text: string | undefined): (record: Rec) => boolean {
  if (!text || text.trim() === "") return () => true;
  const match = /^\s*([\w.]+)\s+eq\s+(?:"((?:[^"\\]|\\.)*)"|(true|false))\s*$/i.exec(text);
  if (!match) {
    throw scimError(
      400,
      `Unsupported filter '${text}'; use: attribute eq "value"`,
      "invalidFilter",
    );
  }
  const path = match[1].split(".");
  const wanted = match[3] !== undefined
    ? match[3].toLowerCase() === "true"
    : match[2].replace(/\\(.)/g, "$1");
  return (record) => {
    let value: unknown = record;
    for (const part of path) {
      if (!isRecord(value)) return false;
      const key = Object.keys(value).find((k) => k.toLowerCase() === part.toLowerCase());
      value = key === undefined ? undefined : value[key];
    }
    return typeof wanted === "boolean"
      ? value === wanted
      : String(value ?? "").toLowerCase() === wanted.toLowerCase();
  };
}

async function list(c: C, store: RecordStore, kind: Kind): Promise<Response> {
  const start = Math.max(1, queryInt(c, "startIndex") ?? 1);
  const count = Math.max(0, queryInt(c, "count") ?? 100);
  const all = (await ordered(store, kind)).filter(compileFilter(queryParam(c, "filter")));
  const page = all.slice(start - 1, start - 1 + count).map(present);
  return jsonResponse({
    schemas: [LIST_SCHEMA],
    totalResults: all.length,
    itemsPerPage: page.length,
    startIndex: start,
    Resources: page,
  });
}

function meta(c: C, ctx: EmulatorContext, kind: Kind, id: string, created?: unknown): Rec {
  const when = isoNow(ctx.now());
  const base = kind === "scimUser" ? "Users" : "Groups";
  return {
    resourceType: what(kind),
    created: typeof created === "string" ? created : when,
    lastModified: when,
    location: `${new URL(c.req.url).origin}/api/SCIM/v2/${base}/${id}`,
  };
}

function text(value: unknown, field: string, required = false): string | null {
  if (value === undefined || value === null) {
    if (required) throw scimError(400, `${field} is required`, "invalidValue");
    return null;
  }
  if (typeof value !== "string" || (required && value.trim() === "")) {
    throw scimError(
      400,
      `${field} must be a${required ? " non-blank" : ""} string`,
      "invalidValue",
    );
  }
  return required ? value.trim() : value;
}

function bool(value: unknown, field: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value)) {
    return value.toLowerCase() === "true";
  }
  throw scimError(400, `${field} must be true or false`, "invalidValue");
}

async function unique(
  store: RecordStore,
  kind: Kind,
  field: string,
  value: string,
  self?: unknown,
) {
  const clash = (await store.list<Rec>(kind)).find((r) =>
    r.id !== self && String(r[field]).toLowerCase() === value.toLowerCase()
  );
  if (clash) {
    throw scimError(409, `${what(kind)} with ${field} '${value}' already exists`, "uniqueness");
  }
}

/** Set one user attribute; `undefined` removes it. */
async function setUserAttribute(store: RecordStore, user: Rec, path: string, value: unknown) {
  const [head, sub] = path.split(".");
  switch (head.toLowerCase()) {
    case "username": {
      if (value === undefined) throw scimError(400, "userName cannot be removed", "mutability");
      const name = text(value, "userName", true)!;
      await unique(store, "scimUser", "userName", name, user.id);
      user.userName = name;
      return;
    }
    case "displayname":
      user.displayName = value === undefined ? null : text(value, "displayName");
      return;
    case "externalid":
      user.externalId = value === undefined ? null : text(value, "externalId");
      return;
    case "active":
      user.active = value === undefined ? false : bool(value, "active");
      return;
    case "emails":
      if (value !== undefined && !Array.isArray(value)) {
        throw scimError(400, "emails must be a list", "invalidValue");
      }
      user.emails = value === undefined ? [] : (value as unknown[]).filter(isRecord);
      return;
    case "name": {
      const name: Rec = isRecord(user.name) ? { ...user.name } : {};
      if (sub) name[sub] = value === undefined ? null : text(value, `name.${sub}`);
      else if (value === undefined) user.name = null;
      else if (isRecord(value)) Object.assign(name, value);
      else throw scimError(400, "name must be an object", "invalidValue");
      if (sub || value !== undefined) user.name = name;
      return;
    }
    default:
      throw scimError(400, `Attribute '${path}' cannot be patched`, "invalidPath");
  }
}

function memberRefs(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((m) => isRecord(m) ? String(m.value ?? "") : "").map((v) => {
    if (v === "") throw scimError(400, "A member needs a value (the user id)", "invalidValue");
    return v;
  });
}

async function members(store: RecordStore, ids: string[]): Promise<Rec[]> {
  const out: Rec[] = [];
  for (const id of ids) {
    const user = await store.get<Rec>("scimUser", id);
    if (!user) throw scimError(400, `Member '${id}' is not a user`, "invalidValue");
    out.push({ value: user.id, display: user.displayName ?? user.userName });
  }
  return out;
}

async function setGroupAttribute(
  store: RecordStore,
  group: Rec,
  op: string,
  path: string,
  value: unknown,
) {
  const current = (group.members as Rec[]) ?? [];
  const filtered = /^members\[value eq "([^"]+)"\]$/i.exec(path);
  if (filtered) {
    if (op !== "remove") throw scimError(400, "Only remove takes a member filter", "invalidPath");
    group.members = current.filter((m) =>
      String(m.value).toLowerCase() !== filtered[1].toLowerCase()
    );
    return;
  }
  switch (path.toLowerCase()) {
    case "members": {
      if (op === "remove") {
        const drop = value === undefined
          ? null
          : new Set(memberRefs(value).map((v) => v.toLowerCase()));
        group.members = drop ? current.filter((m) => !drop.has(String(m.value).toLowerCase())) : [];
        return;
      }
      const added = await members(store, memberRefs(value));
      const keep = op === "add" ? current : [];
      const seen = new Set(keep.map((m) => String(m.value).toLowerCase()));
      group.members = [...keep, ...added.filter((m) => !seen.has(String(m.value).toLowerCase()))];
      return;
    }
    case "displayname": {
      if (op === "remove") throw scimError(400, "displayName cannot be removed", "mutability");
      const name = text(value, "displayName", true)!;
      await unique(store, "scimGroup", "displayName", name, group.id);
      group.displayName = name;
      return;
    }
    case "externalid":
      group.externalId = op === "remove" ? null : text(value, "externalId");
      return;
    default:
      throw scimError(400, `Attribute '${path}' cannot be patched`, "invalidPath");
  }
}

async function patch(
  c: C,
  ctx: EmulatorContext,
  store: RecordStore,
  kind: Kind,
): Promise<Response> {
  const record = await find(store, kind, c.req.param("id")!);
  const body = await readJsonObject(c, ctx.bodyLimit, "PatchOp");
  if (!Array.isArray(body.schemas) || !body.schemas.includes(PATCH_SCHEMA)) {
    throw scimError(400, `A patch must name the schema ${PATCH_SCHEMA}`, "invalidSyntax");
  }
  if (!Array.isArray(body.Operations) || body.Operations.length === 0) {
    throw scimError(400, "A patch needs Operations", "invalidSyntax");
  }
  const changed: Rec = structuredClone(record);
  for (const operation of body.Operations) {
    if (!isRecord(operation)) {
      throw scimError(400, "Each operation must be an object", "invalidSyntax");
    }
    const op = String(operation.op ?? "").toLowerCase();
    if (op !== "add" && op !== "replace" && op !== "remove") {
      throw scimError(400, `Unknown op '${operation.op}'`, "invalidSyntax");
    }
    const path = typeof operation.path === "string" ? operation.path : "";
    const entries: [string, unknown][] = path
      ? [[path, operation.value]]
      : isRecord(operation.value)
      ? Object.entries(operation.value)
      : [];
    if (entries.length === 0) {
      throw scimError(400, "An operation needs a path or an object value", "noTarget");
    }
    for (const [key, value] of entries) {
      if (kind === "scimUser") {
        await setUserAttribute(store, changed, key, op === "remove" ? undefined : value);
      } else await setGroupAttribute(store, changed, op, key, value);
    }
  }
  changed.meta = meta(c, ctx, kind, String(changed.id), (record.meta as Rec)?.created);
  await store.put(kind, String(changed.id), changed);
  return jsonResponse(present(changed));
}

async function createUser(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const input = await readJsonObject(c, ctx.bodyLimit, "User");
  const userName = text(input.userName, "userName", true)!;
  await unique(store, "scimUser", "userName", userName);
  const id = crypto.randomUUID();
  const user: Rec = {
    schemas: [USER_SCHEMA],
    id,
    userName,
    displayName: text(input.displayName, "displayName"),
    active: input.active === undefined || input.active === null
      ? true
      : bool(input.active, "active"),
    externalId: text(input.externalId, "externalId"),
    name: isRecord(input.name) ? input.name : null,
    emails: Array.isArray(input.emails) ? input.emails.filter(isRecord) : [],
    meta: meta(c, ctx, "scimUser", id),
    _seq: await ctx.entities.next("scimUser"),
  };
  await store.put("scimUser", id, user);
  return jsonResponse(present(user), 201);
}

async function createGroup(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const input = await readJsonObject(c, ctx.bodyLimit, "Group");
  const displayName = text(input.displayName, "displayName", true)!;
  await unique(store, "scimGroup", "displayName", displayName);
  const id = crypto.randomUUID();
  const group: Rec = {
    schemas: [GROUP_SCHEMA],
    id,
    displayName,
    externalId: text(input.externalId, "externalId"),
    members: input.members === undefined ? [] : await members(store, memberRefs(input.members)),
    meta: meta(c, ctx, "scimGroup", id),
    _seq: await ctx.entities.next("scimGroup"),
  };
  await store.put("scimGroup", id, group);
  return jsonResponse(present(group), 201);
}

async function getUser(c: C, store: RecordStore): Promise<Response> {
  const ref = c.req.param("id")!;
  const byName = /^userName=(.+)$/i.exec(ref);
  if (!byName) return jsonResponse(present(await find(store, "scimUser", ref)));
  const user = (await store.list<Rec>("scimUser")).find((u) =>
    String(u.userName).toLowerCase() === byName[1].toLowerCase()
  );
  if (!user) throw scimError(404, `User '${byName[1]}' was not found`);
  return jsonResponse(present(user));
}

async function deleteUser(c: C, store: RecordStore): Promise<Response> {
  const user = await find(store, "scimUser", c.req.param("id")!);
  await store.delete("scimUser", String(user.id));
  for (const group of await store.list<Rec>("scimGroup")) {
    const left = (group.members as Rec[]).filter((m) => m.value !== user.id);
    if (left.length !== (group.members as Rec[]).length) {
      await store.put("scimGroup", String(group.id), { ...group, members: left });
    }
  }
  return new Response(null, { status: 204 });
}

/** Register the `/api/SCIM/v2` routes. */
export function scimRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  const store = new RecordStore(ctx.kv);
  app.get("/api/SCIM/v2/Token", (c) => {
    const days = queryInt(c, "duration", { min: 1, max: 3650 }) ?? 90;
    return jsonResponse({
      token: btoa(crypto.randomUUID() + crypto.randomUUID()),
      expiresUtc: isoNow(ctx.now() + days * 86_400_000),
      durationDays: days,
    });
  });
  app.get("/api/SCIM/v2/Users", (c) => list(c, store, "scimUser"));
  app.post("/api/SCIM/v2/Users", (c) => createUser(c, ctx, store));
  app.get("/api/SCIM/v2/Users/:id", (c) => getUser(c, store));
  app.patch("/api/SCIM/v2/Users/:id", (c) => patch(c, ctx, store, "scimUser"));
  app.delete("/api/SCIM/v2/Users/:id", (c) => deleteUser(c, store));
  app.get("/api/SCIM/v2/Groups", (c) => list(c, store, "scimGroup"));
  app.post("/api/SCIM/v2/Groups", (c) => createGroup(c, ctx, store));
  app.get(
    "/api/SCIM/v2/Groups/:id",
    async (c) => jsonResponse(present(await find(store, "scimGroup", c.req.param("id")))),
  );
  app.patch("/api/SCIM/v2/Groups/:id", (c) => patch(c, ctx, store, "scimGroup"));
  app.delete("/api/SCIM/v2/Groups/:id", async (c) => {
    const group = await find(store, "scimGroup", c.req.param("id"));
    await store.delete("scimGroup", String(group.id));
    return new Response(null, { status: 204 });
  });
}
