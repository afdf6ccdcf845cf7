/**
 * The internal asset file routes (`/api/internal/Blob`), with real state and the `Referer` check
 * of internal routes: files kept per asset under their name (a second upload of a name replaces
 * the first), their bytes in Deno KV.
 *
 * `DELETE Blob/Assets?assetId` takes the names to delete as a JSON list in the body. The WATS API
 * spec marks that pyWATS means to send that list but drops it; an empty body is answered 400
 * naming the list, not taken as "delete every file", so the dropped body shows up as an error.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import {
  EmulatorHttpError,
  jsonResponse,
  readBody,
  readText,
  requireGuid,
  requireParam,
} from "../_http.ts";
import { isoNow, type Rec, RecordStore, requireReferer } from "../_records.ts";

type C = Context<EmulatorEnv>;

const BASE = "/api/internal/Blob";

async function assetOf(ctx: EmulatorContext, id: string): Promise<Rec> {
  const asset = await ctx.entities.get<Rec>("asset", requireGuid(id, "Asset id"));
  if (!asset) throw new EmulatorHttpError(404, `Asset '${id}' was not found`);
  return asset;
}

function fileName(c: C): string {
  const name = requireParam(c, "filename").trim();
  if (/[/\\]/.test(name) || name === "." || name === "..") {
    throw new EmulatorHttpError(400, `File name '${name}' must not hold a path`);
  }
  return name;
}

function keyOf(asset: Rec, name: string): string {
  return `${asset.assetId}/${name}`;
}

async function filesOf(store: RecordStore, asset: Rec): Promise<Rec[]> {
  const id = String(asset.assetId).toLowerCase();
  return (await store.list<Rec>("assetFile")).filter((f) => String(f.assetId).toLowerCase() === id);
}

/** The file names of the body: a JSON list of non-blank texts; 400 otherwise. */
async function namesOf(c: C, ctx: EmulatorContext): Promise<string[]> {
  const text = await readText(c, ctx.bodyLimit);
  const hint = "Give the file names to delete as a JSON list in the body";
  if (text.trim() === "") throw new EmulatorHttpError(400, hint);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EmulatorHttpError(400, `${hint}; the body is not JSON`);
  }
  if (
    !Array.isArray(value) || value.length === 0 ||
    value.some((v) => typeof v !== "string" || v.trim() === "")
  ) {
    throw new EmulatorHttpError(400, hint);
  }
  return value.map((v: string) => v.trim());
}

/** Register the internal asset file routes. */
export function assetFileRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  const store = new RecordStore(ctx.kv);
  app.use(`${BASE}/*`, async (c, next) => {
    requireReferer(c);
    await next();
  });
  app.post(`${BASE}/Asset`, async (c) => {
    const asset = await assetOf(ctx, requireParam(c, "assetId"));
    const name = fileName(c);
    const bytes = await readBody(c, ctx.bodyLimit);
    const key = keyOf(asset, name);
    await store.putBytes(`asset/${key}`, bytes);
    await store.put("assetFile", key, {
      assetId: asset.assetId,
      filename: name,
      size: bytes.length,
      uploadedUtc: isoNow(ctx.now()),
    });
    return jsonResponse(true);
  });
  app.get(`${BASE}/Asset`, async (c) => {
    const asset = await assetOf(ctx, requireParam(c, "assetId"));
    const name = fileName(c);
    const bytes = await store.getBytes(`asset/${keyOf(asset, name)}`);
    if (!bytes) {
      throw new EmulatorHttpError(404, `Asset '${asset.serialNumber}' has no file '${name}'`);
    }
    return new Response(bytes, { headers: { "content-type": "application/octet-stream" } });
  });
  app.get(`${BASE}/Asset/List/:assetId`, async (c) => {
    const asset = await assetOf(ctx, c.req.param("assetId"));
    const names = (await filesOf(store, asset)).map((f) => String(f.filename));
    return jsonResponse(names.sort((a, b) => a.localeCompare(b)));
  });
  app.delete(`${BASE}/Assets`, async (c) => {
    const asset = await assetOf(ctx, requireParam(c, "assetId"));
    const names = await namesOf(c, ctx);
    const held = await filesOf(store, asset);
    const missing = names.filter((n) =>
      !held.some((f) => String(f.filename).toLowerCase() === n.toLowerCase())
    );
    if (missing.length > 0) {
      throw new EmulatorHttpError(
        404,
        `Asset '${asset.serialNumber}' has no file ${missing.map((n) => `'${n}'`).join(", ")}`,
      );
    }
    for (const name of names) {
      await store.delete("assetFile", keyOf(asset, name));
      await store.deleteBytes(`asset/${keyOf(asset, name)}`);
    }
    return jsonResponse(true);
  });
}
