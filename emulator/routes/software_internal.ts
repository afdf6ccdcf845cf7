/**
 * The internal `/api/internal/Software` routes stations and the package editor use, with real
 * state and the `Referer` check of internal routes.
 *
 * The WATS API spec gives only their paths and parameters; what they answer is chosen here:
 *
 * - Folders (`PostPackageFolder`, `UpdatePackageFolder`, `DeletePackageFolder`) are kept on the
 *   package as `folders: [{packageFolderId, packageId, parentFolderId, name, path}]`. A folder's
 *   `path` is its parent's path and its name joined by `/`, the form a package file's `path`
 *   takes, so the files whose path is at or below a folder's belong to it: renaming or moving a
 *   folder rewrites their paths, deleting it deletes them. Only a Draft's folders change (409).
 * - `DeletePackageFolderFiles` deletes package files by id (a comma list).
 * - `CheckFile` tells a station whether its copy of a file matches the package's:
 *   `{exists, fileId, checksumMatches, isNewer}` (`isNewer`: the station's file date, in epoch
 *   seconds, is later than the package file's modification).
 * - `Log` records a download by the caller (its Basic user is the `clientId`);
 *   `GetPackageDownloadHistory` lists them, newest first.
 * - `GetPackageHistory` lists packages by tags (`key` or `key=value`, comma-separated, all must
 *   match), status, and either every version or the newest of each name.
 * - `GetRevokedPackages` answers which installed packages a station should remove: the revoked
 *   ones and, unless `includeRevokedOnly`, those a newer released version replaces.
 *   `GetAvailablePackages` answers the newest released version of each name not installed.
 * - `GetSoftwareEntityDetails` answers the package with its folders and download count.
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
  requireGuid,
  requireParam,
} from "../_http.ts";
import { callerName, isoNow, type Rec, RecordStore, requireReferer } from "../_records.ts";
import { allPackages, byNewest, findPackage, requireDraft, sameName } from "./software.ts";

type C = Context<EmulatorEnv>;

const BASE = "/api/internal/Software";

function same(a: unknown, b: unknown): boolean {
  return String(a ?? "").toLowerCase() === String(b ?? "").toLowerCase();
}

/** A comma list of GUIDs from a query parameter; 400 naming the first that is not one. */
function guidList(c: C, name: string): string[] {
  return (queryParam(c, name) ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "")
    .map((id) => requireGuid(id, `An id in '${name}'`));
}

function foldersOf(pkg: Rec): Rec[] {
  return Array.isArray(pkg.folders) ? pkg.folders as Rec[] : [];
}

function filesOf(pkg: Rec): Rec[] {
  return Array.isArray(pkg.files) ? pkg.files as Rec[] : [];
}

function isBelow(path: unknown, folderPath: string): boolean {
  const p = String(path ?? "");
  return p === folderPath || p.startsWith(folderPath + "/");
}

async function packageOfFolder(store: RecordStore, folderId: string): Promise<[Rec, Rec]> {
  const ref = await store.get<Rec>("packageFolder", requireGuid(folderId, "Package folder id"));
  const pkg = ref ? await store.get<Rec>("package", String(ref.packageId)) : null;
  const folder = pkg && foldersOf(pkg).find((f) => same(f.packageFolderId, folderId));
  if (!pkg || !folder) {
    throw new EmulatorHttpError(404, `Package folder '${folderId}' was not found`);
  }
  return [pkg, folder];
}

function folderName(input: Rec): string {
  const name = typeof input.name === "string" ? input.name.trim() : "";
  if (name === "") throw new EmulatorHttpError(400, "PackageFolder.name is required");
  if (/[/\\]/.test(name)) {
    throw new EmulatorHttpError(400, "PackageFolder.name must not hold / or \\");
  }
  return name;
}

/** The parent folder's path ("" for the root); 404 when the parent is not in the package. */
function parentPath(pkg: Rec, parentFolderId: unknown): string {
  if (parentFolderId === null || parentFolderId === undefined || parentFolderId === "") return "";
  const parent = foldersOf(pkg).find((f) => same(f.packageFolderId, parentFolderId));
  if (!parent) {
    throw new EmulatorHttpError(404, `Parent folder '${parentFolderId}' is not in the package`);
  }
  return String(parent.path);
}

function refuseTwin(pkg: Rec, path: string, self?: unknown): void {
  if (foldersOf(pkg).some((f) => f.path === path && !same(f.packageFolderId, self))) {
    throw new EmulatorHttpError(409, `Package '${pkg.name}' already has a folder '${path}'`);
  }
}

async function saveTouched(c: C, ctx: EmulatorContext, store: RecordStore, pkg: Rec) {
  pkg.modifiedUtc = isoNow(ctx.now());
  pkg.modifiedBy = callerName(c);
  await store.put("package", String(pkg.packageId), pkg);
}

async function postFolder(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const pkg = await findPackage(store, requireGuid(requireParam(c, "packageId"), "Package id"));
  const input = await readJsonObject(c, ctx.bodyLimit, "PackageFolder");
  requireDraft(pkg, "add a folder");
  const name = folderName(input);
  const above = parentPath(pkg, input.parentFolderId);
  const path = above === "" ? name : `${above}/${name}`;
  refuseTwin(pkg, path);
  const folder: Rec = {
    packageFolderId: crypto.randomUUID(),
    packageId: pkg.packageId,
    parentFolderId: input.parentFolderId || null,
    name,
    path,
  };
  pkg.folders = [...foldersOf(pkg), folder];
  await store.put("packageFolder", String(folder.packageFolderId), { packageId: pkg.packageId });
  await saveTouched(c, ctx, store, pkg);
  return jsonResponse(folder);
}

async function updateFolder(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const input = await readJsonObject(c, ctx.bodyLimit, "PackageFolder");
  if (typeof input.packageFolderId !== "string") {
    throw new EmulatorHttpError(400, "PackageFolder.packageFolderId is required");
  }
  const [pkg, folder] = await packageOfFolder(store, input.packageFolderId);
  requireDraft(pkg, "change a folder");
  const name = "name" in input ? folderName(input) : String(folder.name);
  const parentId = "parentFolderId" in input ? input.parentFolderId || null : folder.parentFolderId;
  const above = parentPath(pkg, parentId);
  const oldPath = String(folder.path);
  if (isBelow(above, oldPath)) {
    throw new EmulatorHttpError(400, "A folder cannot move into itself or one of its folders");
  }
  const path = above === "" ? name : `${above}/${name}`;
  refuseTwin(pkg, path, folder.packageFolderId);
  const moved = (p: unknown) => path + String(p).slice(oldPath.length);
  for (const f of foldersOf(pkg)) if (isBelow(f.path, oldPath)) f.path = moved(f.path);
  for (const f of filesOf(pkg)) if (isBelow(f.path, oldPath)) f.path = moved(f.path);
  Object.assign(folder, { name, parentFolderId: parentId });
  await saveTouched(c, ctx, store, pkg);
  return jsonResponse(folder);
}

async function dropFiles(store: RecordStore, files: Rec[]): Promise<void> {
  for (const file of files) {
    await store.delete("packageFile", String(file.fileId));
    await store.deleteBytes(String(file.fileId));
  }
}

async function deleteFolder(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const [pkg, folder] = await packageOfFolder(store, requireParam(c, "packageFolderId"));
  requireDraft(pkg, "delete a folder");
  const path = String(folder.path);
  const gone = foldersOf(pkg).filter((f) => isBelow(f.path, path));
  for (const f of gone) await store.delete("packageFolder", String(f.packageFolderId));
  await dropFiles(store, filesOf(pkg).filter((f) => isBelow(f.path, path)));
  pkg.folders = foldersOf(pkg).filter((f) => !gone.includes(f));
  pkg.files = filesOf(pkg).filter((f) => !isBelow(f.path, path));
  await saveTouched(c, ctx, store, pkg);
  return jsonResponse(true);
}

async function deleteFiles(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const ids = guidList(c, "packageFolderFileIds");
  if (ids.length === 0) {
    throw new EmulatorHttpError(400, "Query parameter 'packageFolderFileIds' is required");
  }
  const byPackage = new Map<string, Rec>();
  for (const id of ids) {
    const ref = await store.get<Rec>("packageFile", id);
    if (!ref) throw new EmulatorHttpError(404, `Package file '${id}' was not found`);
    const pkg = byPackage.get(String(ref.packageId)) ??
      await findPackage(store, String(ref.packageId));
    requireDraft(pkg, "delete files");
    byPackage.set(String(ref.packageId), pkg);
  }
  for (const pkg of byPackage.values()) {
    const gone = filesOf(pkg).filter((f) => ids.some((id) => same(id, f.fileId)));
    await dropFiles(store, gone);
    pkg.files = filesOf(pkg).filter((f) => !gone.includes(f));
    await saveTouched(c, ctx, store, pkg);
  }
  return jsonResponse(true);
}

async function checkFile(c: C, store: RecordStore): Promise<Response> {
  const pkg = await findPackage(store, requireGuid(requireParam(c, "packageId"), "Package id"));
  const folderId = queryParam(c, "parentFolderId");
  if (folderId) requireGuid(folderId, "Parent folder id");
  const above = parentPath(pkg, folderId);
  const relative = requireParam(c, "filePath").replaceAll("\\", "/").replace(/^\/+/, "");
  const full = above === "" ? relative : `${above}/${relative}`;
  const cut = full.lastIndexOf("/");
  const [path, filename] = cut < 0 ? ["", full] : [full.slice(0, cut), full.slice(cut + 1)];
  const checksum = queryParam(c, "checksum");
  const epoch = queryInt(c, "fileDateEpoch", { min: 0 });
  const file = filesOf(pkg).find((f) => f.path === path && same(f.filename, filename));
  return jsonResponse({
    exists: file !== undefined,
    fileId: file?.fileId ?? null,
    checksumMatches: file && checksum ? same(file.checksum, checksum) : null,
    isNewer: file && epoch !== undefined
      ? epoch * 1000 > Date.parse(String(file.modifiedUtc))
      : null,
  });
}

function tagFilter(c: C): (pkg: Rec) => boolean {
  const wanted = (queryParam(c, "tags") ?? "").split(",").map((s) => s.trim()).filter(Boolean)
    .map((t) => {
      const at = t.indexOf("=");
      return at < 0 ? { key: t } : { key: t.slice(0, at).trim(), value: t.slice(at + 1).trim() };
    });
  return (pkg) =>
    wanted.every((w) =>
      ((pkg.tags as Rec[]) ?? []).some((t) =>
        same(t.key, w.key) && (w.value === undefined || same(t.value, w.value))
      )
    );
}

function newestOfEachName(packages: Rec[]): Rec[] {
  return packages.filter((p) =>
    !packages.some((q) => sameName(q.name, String(p.name)) && Number(q.version) > Number(p.version))
  );
}

async function installed(c: C, store: RecordStore): Promise<Rec[]> {
  const out = [];
  for (const id of guidList(c, "installedPackages")) out.push(await findPackage(store, id));
  return out;
}

async function log(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const pkg = await findPackage(store, requireGuid(requireParam(c, "packageId"), "Package id"));
  const size = queryInt(c, "downloadSize", { min: 0 }) ??
    filesOf(pkg).reduce((sum, f) => sum + Number(f.size ?? 0), 0);
  const download = {
    downloadId: crypto.randomUUID(),
    packageId: pkg.packageId,
    name: pkg.name,
    version: pkg.version,
    clientId: callerName(c),
    downloadSize: size,
    downloadedUtc: isoNow(ctx.now()),
  };
  await store.put("packageDownload", download.downloadId, download);
  return jsonResponse(true);
}

/** Register the internal software routes (see the module notes). */
export function softwareInternalRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  const store = new RecordStore(ctx.kv);
  const downloads = async () =>
    (await store.list<Rec>("packageDownload")).sort((a, b) =>
      String(b.downloadedUtc).localeCompare(String(a.downloadedUtc))
    );
  app.use(`${BASE}/*`, async (c, next) => {
    requireReferer(c);
    await next();
  });
  app.get(`${BASE}/CheckFile`, (c) => checkFile(c, store));
  app.post(`${BASE}/PostPackageFolder`, (c) => postFolder(c, ctx, store));
  app.post(`${BASE}/UpdatePackageFolder`, (c) => updateFolder(c, ctx, store));
  app.post(`${BASE}/DeletePackageFolder`, (c) => deleteFolder(c, ctx, store));
  app.post(`${BASE}/DeletePackageFolderFiles`, (c) => deleteFiles(c, ctx, store));
  app.get(`${BASE}/GetPackageHistory`, async (c) => {
    const status = queryParam(c, "status");
    const found = (await allPackages(store)).filter(tagFilter(c))
      .filter((p) => !status || same(p.status, status));
    const chosen = queryBool(c, "allVersions", false) ? found : newestOfEachName(found);
    return jsonResponse(
      chosen.sort((a, b) => String(a.name).localeCompare(String(b.name)) || byNewest(a, b)),
    );
  });
  app.get(`${BASE}/GetPackageDownloadHistory`, async (c) => {
    const client = queryParam(c, "clientId");
    return jsonResponse((await downloads()).filter((d) => !client || same(d.clientId, client)));
  });
  app.get(`${BASE}/GetRevokedPackages`, async (c) => {
    const onlyRevoked = queryBool(c, "includeRevokedOnly", false);
    const released = newestOfEachName(
      (await allPackages(store)).filter((p) => p.status === "Released"),
    );
    return jsonResponse(
      (await installed(c, store)).filter((p) =>
        p.status === "Revoked" ||
        (!onlyRevoked &&
          released.some((r) =>
            sameName(r.name, String(p.name)) && Number(r.version) > Number(p.version)
          ))
      ),
    );
  });
  app.get(`${BASE}/GetAvailablePackages`, async (c) => {
    const have = (await installed(c, store)).map((p) => String(p.packageId).toLowerCase());
    const released = (await allPackages(store)).filter((p) => p.status === "Released");
    return jsonResponse(
      newestOfEachName(released).filter((p) => !have.includes(String(p.packageId).toLowerCase())),
    );
  });
  app.get(`${BASE}/GetSoftwareEntityDetails`, async (c) => {
    const pkg = await findPackage(store, requireGuid(requireParam(c, "packageId"), "Package id"));
    const count = (await downloads()).filter((d) => same(d.packageId, pkg.packageId)).length;
    return jsonResponse({ ...pkg, folders: foldersOf(pkg), downloadCount: count });
  });
  app.get(`${BASE}/Log`, (c) => log(c, ctx, store));
}
