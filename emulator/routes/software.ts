/**
 * `/api/Software` routes with real state: packages with versions per name and the lifecycle
 * Draft → Pending → Released → Revoked (Pending → Draft), enforced with 409 answers; files
 * uploaded as a zip (stored, readable through the internal file route), file attributes, tags,
 * virtual folders. Only a draft's content changes; a released package must be revoked before it
 * is deleted.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { ConversionError } from "../../converters/contract.ts";
import { hashHex } from "../../util/hash.ts";
import { readZip } from "../../util/zip.ts";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import {
  EmulatorHttpError,
  isRecord,
  jsonResponse,
  queryBool,
  queryInt,
  queryParam,
  readBody,
  readJsonObject,
  requireParam,
} from "../_http.ts";
import { callerName, isoNow, type Rec, RecordStore, requireReferer } from "../_records.ts";

type C = Context<EmulatorEnv>;

const STATUSES = ["Draft", "Pending", "Released", "Revoked"];
const TRANSITIONS: Record<string, string[]> = {
  Draft: ["Pending"],
  Pending: ["Released", "Draft"],
  Released: ["Revoked"],
  Revoked: [],
};
const DEFAULT_FOLDERS: Rec[] = [
  { folderId: "00000000-0000-0000-0000-000000000001", name: "Root", path: "/", description: null },
];

/** The package of an id; 404 when there is none. */
export async function findPackage(store: RecordStore, id: string): Promise<Rec> {
  const pkg = await store.get<Rec>("package", id);
  if (!pkg) throw new EmulatorHttpError(404, `Package '${id}' was not found`);
  return pkg;
}

/** 409 unless the package is a Draft (`what` names the refused change). */
export function requireDraft(pkg: Rec, what: string): void {
  if (pkg.status !== "Draft") {
    throw new EmulatorHttpError(
      409,
      `Cannot ${what}: package '${pkg.name}' version ${pkg.version} is ${pkg.status}, ` +
        "only a Draft package can be changed",
    );
  }
}

/** Every package, by name and then version. */
export async function allPackages(store: RecordStore): Promise<Rec[]> {
  return (await store.list<Rec>("package")).sort((a, b) =>
    String(a.name).localeCompare(String(b.name)) || Number(a.version) - Number(b.version)
  );
}

/** Sorts versions of a name newest first. */
export function byNewest(a: Rec, b: Rec): number {
  return Number(b.version) - Number(a.version);
}

/** Package names compare without case. */
export function sameName(a: unknown, b: string): boolean {
  return String(a).toLowerCase() === b.toLowerCase();
}

function cleanTags(tags: unknown): Rec[] {
  if (!Array.isArray(tags)) return [];
  return tags.filter(isRecord).filter((t) => typeof t.key === "string" && t.key.trim() !== "")
    .map((t) => ({ key: String(t.key), value: t.value === undefined ? null : t.value }));
}

const EDITABLE = ["name", "description", "installOnRoot", "rootDirectory", "priority"];

async function create(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const input = await readJsonObject(c, ctx.bodyLimit, "Package");
  if (typeof input.name !== "string" || input.name.trim() === "") {
    throw new EmulatorHttpError(400, "Package.name is required");
  }
  const name = input.name.trim();
  const versions = (await allPackages(store)).filter((p) => sameName(p.name, name));
  const next = versions.reduce((max, p) => Math.max(max, Number(p.version)), 0) + 1;
  const when = isoNow(ctx.now());
  const who = callerName(c);
  const pkg: Rec = {
    description: null,
    installOnRoot: false,
    rootDirectory: null,
    priority: 0,
    ...Object.fromEntries(EDITABLE.map((key) => [key, input[key]]).filter(([, v]) => v != null)),
    packageId: crypto.randomUUID(),
    name,
    version: next,
    status: "Draft",
    tags: cleanTags(input.tags),
    createdUtc: when,
    modifiedUtc: when,
    createdBy: who,
    modifiedBy: who,
    files: [],
  };
  await store.put("package", String(pkg.packageId), pkg);
  return jsonResponse(pkg);
}

async function update(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const pkg = await findPackage(store, c.req.param("id")!);
  const input = await readJsonObject(c, ctx.bodyLimit, "Package");
  requireDraft(pkg, "update the package");
  for (const key of EDITABLE) if (key in input) pkg[key] = input[key];
  if ("tags" in input) pkg.tags = cleanTags(input.tags);
  if (typeof pkg.name !== "string" || pkg.name.trim() === "") {
    throw new EmulatorHttpError(400, "Package.name is required");
  }
  pkg.modifiedUtc = isoNow(ctx.now());
  pkg.modifiedBy = callerName(c);
  await store.put("package", String(pkg.packageId), pkg);
  return jsonResponse(pkg);
}

async function remove(store: RecordStore, pkg: Rec): Promise<Response> {
  if (pkg.status === "Released" || pkg.status === "Pending") {
    throw new EmulatorHttpError(
      409,
      `Package '${pkg.name}' version ${pkg.version} is ${pkg.status}; revoke it or return it ` +
        "to Draft before deleting it",
    );
  }
  for (const file of (pkg.files as Rec[]) ?? []) {
    await store.delete("packageFile", String(file.fileId));
    await store.deleteBytes(String(file.fileId));
  }
  await store.delete("package", String(pkg.packageId));
  return jsonResponse(true);
}

async function setStatus(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const pkg = await findPackage(store, c.req.param("id")!);
  const wanted = STATUSES.find((s) => s.toLowerCase() === requireParam(c, "status").toLowerCase());
  if (!wanted) {
    throw new EmulatorHttpError(400, `Unknown status; use ${STATUSES.join(", ")}`);
  }
  const from = String(pkg.status);
  if (!TRANSITIONS[from]?.includes(wanted)) {
    throw new EmulatorHttpError(
      409,
      `Package '${pkg.name}' version ${pkg.version} cannot move from ${from} to ${wanted}`,
      { allowed: TRANSITIONS[from] ?? [] },
    );
  }
  pkg.status = wanted;
  pkg.modifiedUtc = isoNow(ctx.now());
  pkg.modifiedBy = callerName(c);
  await store.put("package", String(pkg.packageId), pkg);
  return jsonResponse(true);
}

/** Every file of an uploaded zip (folders skipped), read within the converters' zip limits. */
async function unzip(bytes: Uint8Array): Promise<{ name: string; data: Uint8Array }[]> {
  try {
    const archive = readZip(bytes, "upload.zip");
    const files = [];
    for (const entry of archive.entries) {
      if (!entry.name.endsWith("/")) {
        files.push({ name: entry.name, data: await archive.read(entry) });
      }
    }
    return files;
  } catch (error) {
    if (!(error instanceof ConversionError)) throw error;
    const where = error.element ? ` (${error.element})` : "";
    throw new EmulatorHttpError(
      400,
      `The body is not a readable zip archive: ${error.problem}${where}`,
    );
  }
}

async function uploadZip(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const pkg = await findPackage(store, c.req.param("id")!);
  requireDraft(pkg, "upload files");
  const entries = await unzip(await readBody(c, ctx.bodyLimit));
  if (entries.length === 0) throw new EmulatorHttpError(400, "The zip archive holds no files");
  let files = (pkg.files as Rec[]) ?? [];
  const dropped = queryBool(c, "cleanInstall", false) ? files : [];
  const when = isoNow(ctx.now());
  const added: Rec[] = [];
  for (const entry of entries) {
    const cut = entry.name.lastIndexOf("/");
    const path = cut < 0 ? "" : entry.name.slice(0, cut);
    const filename = entry.name.slice(cut + 1);
    const replaced = files.find((f) => f.path === path && f.filename === filename);
    if (replaced) dropped.push(replaced);
    const file: Rec = {
      fileId: crypto.randomUUID(),
      filename,
      path,
      size: entry.data.length,
      checksum: hashHex(entry.data, "sha1"),
      createdUtc: String(replaced?.createdUtc ?? when),
      modifiedUtc: when,
      attributes: replaced?.attributes ?? null,
    };
    await store.putBytes(String(file.fileId), entry.data);
    await store.put("packageFile", String(file.fileId), { packageId: pkg.packageId });
    added.push(file);
  }
  for (const old of dropped) {
    await store.delete("packageFile", String(old.fileId));
    await store.deleteBytes(String(old.fileId));
  }
  files = files.filter((f) => !dropped.includes(f));
  pkg.files = [...files, ...added];
  pkg.modifiedUtc = when;
  await store.put("package", String(pkg.packageId), pkg);
  return jsonResponse(true);
}

async function fileAttribute(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const fileId = c.req.param("fileId")!;
  const ref = await store.get<Rec>("packageFile", fileId);
  if (!ref) throw new EmulatorHttpError(404, `Package file '${fileId}' was not found`);
  const input = await readJsonObject(c, ctx.bodyLimit, "FileAttribute");
  const pkg = await findPackage(store, String(ref.packageId));
  requireDraft(pkg, "change file attributes");
  const file = (pkg.files as Rec[]).find((f) =>
    String(f.fileId).toLowerCase() === fileId.toLowerCase()
  );
  if (!file) throw new EmulatorHttpError(404, `Package file '${fileId}' was not found`);
  file.attributes = input.attributes === undefined ? null : input.attributes;
  file.modifiedUtc = isoNow(ctx.now());
  await store.put("package", String(pkg.packageId), pkg);
  return jsonResponse(true);
}

/** Register the `/api/Software` routes and the internal file routes. */
export function softwareRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  const store = new RecordStore(ctx.kv);
  app.get("/api/Software/Packages", async () => jsonResponse(await allPackages(store)));
  app.get(
    "/api/Software/Package/:id",
    async (c) => jsonResponse(await findPackage(store, c.req.param("id"))),
  );
  app.get("/api/Software/PackageByName", async (c) => {
    const name = requireParam(c, "name");
    const status = queryParam(c, "status");
    const version = queryInt(c, "version", { min: 1 });
    const match = (await allPackages(store))
      .filter((p) => sameName(p.name, name))
      .filter((p) => !status || String(p.status).toLowerCase() === status.toLowerCase())
      .filter((p) => version === undefined || p.version === version)
      .sort(byNewest)[0];
    // ASP.NET answers a null result with 204, which is what a by-name miss looks like
    return match ? jsonResponse(match) : new Response(null, { status: 204 });
  });
  app.get("/api/Software/PackagesByTag", async (c) => {
    const tag = requireParam(c, "tag").toLowerCase();
    const value = queryParam(c, "value");
    const status = queryParam(c, "status");
    const found = (await allPackages(store)).filter((p) =>
      (p.tags as Rec[]).some((t) =>
        String(t.key).toLowerCase() === tag &&
        (value === undefined || String(t.value ?? "").toLowerCase() === value.toLowerCase())
      ) && (!status || String(p.status).toLowerCase() === status.toLowerCase())
    );
    return jsonResponse(found);
  });
  app.post("/api/Software/Package", (c) => create(c, ctx, store));
  app.put("/api/Software/Package/:id", (c) => update(c, ctx, store));
  app.delete(
    "/api/Software/Package/:id",
    async (c) => remove(store, await findPackage(store, c.req.param("id"))),
  );
  app.delete("/api/Software/PackageByName", async (c) => {
    const name = requireParam(c, "name");
    const version = queryInt(c, "version", { min: 1 });
    const versions = (await allPackages(store)).filter((p) => sameName(p.name, name));
    const chosen = version === undefined ? versions : versions.filter((p) => p.version === version);
    if (chosen.length === 0) throw new EmulatorHttpError(404, `No package '${name}' matches`);
    if (chosen.length > 1) {
      throw new EmulatorHttpError(400, `Package '${name}' has ${chosen.length} versions; give one`);
    }
    return remove(store, chosen[0]);
  });
  app.post("/api/Software/PackageStatus/:id", (c) => setStatus(c, ctx, store));
  app.get(
    "/api/Software/PackageFiles/:id",
    async (c) => jsonResponse((await findPackage(store, c.req.param("id"))).files),
  );
  app.post("/api/Software/Package/UploadZip/:id", (c) => uploadZip(c, ctx, store));
  app.post("/api/Software/Package/FileAttribute/:fileId", (c) => fileAttribute(c, ctx, store));
  app.get("/api/Software/VirtualFolders", async () => {
    const stored = await store.list<Rec>("virtualFolder");
    return jsonResponse(stored.length > 0 ? stored : DEFAULT_FOLDERS);
  });
  app.get("/api/internal/Software/isConnected", (c) => {
    requireReferer(c);
    return jsonResponse(true);
  });
  app.get("/api/internal/Software/File/:id", async (c) => {
    requireReferer(c);
    const bytes = await store.getBytes(c.req.param("id"));
    if (!bytes) {
      throw new EmulatorHttpError(404, `Package file '${c.req.param("id")}' was not found`);
    }
    return new Response(bytes, { headers: { "content-type": "application/octet-stream" } });
  });
}
