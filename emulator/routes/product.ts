/**
 * `/api/Product` routes with real state: products with revisions and tags, product groups,
 * vendors. A product saved can be read back; tags follow the `Setting.change` convention
 * (3 deletes the key, anything else sets it; a tag left out of a save is kept).
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import {
  EmulatorHttpError,
  isRecord,
  jsonResponse,
  queryParam,
  readJson,
  readJsonObject,
} from "../_http.ts";
import { type Rec, requireReferer } from "../_records.ts";

type C = Context<EmulatorEnv>;

function requireText(record: Rec, key: string, what: string): string {
  const value = record[key];
  if (typeof value !== "string" || value.trim() === "") {
    throw new EmulatorHttpError(400, `${what}.${key} is required`, {
      errors: [{ path: key, message: "required" }],
    });
  }
  return value.trim();
}

/** Merge tag edits into stored tags (`change` 3 deletes; the rest set; stored with change 0). */
export function mergeTags(stored: unknown, incoming: unknown): Rec[] {
  const tags = new Map<string, Rec>();
  for (const tag of Array.isArray(stored) ? stored : []) {
    if (isRecord(tag) && typeof tag.key === "string") tags.set(tag.key.toLowerCase(), tag);
  }
  for (const tag of Array.isArray(incoming) ? incoming : []) {
    if (!isRecord(tag) || typeof tag.key !== "string") continue;
    if (tag.change === 3) tags.delete(tag.key.toLowerCase());
    else tags.set(tag.key.toLowerCase(), { key: tag.key, value: tag.value ?? null, change: 0 });
  }
  return [...tags.values()];
}

function saveRevision(product: Rec, input: Rec): Rec {
  const revision = requireText(input, "revision", "ProductRevision");
  const revisions = Array.isArray(product.revisions) ? product.revisions as Rec[] : [];
  const existing = revisions.find((r) =>
    String(r.revision).toLowerCase() === revision.toLowerCase()
  );
  const saved: Rec = {
    state: 1,
    ...existing,
    ...input,
    revision,
    productRevisionId: existing?.productRevisionId ?? input.productRevisionId ??
      crypto.randomUUID(),
    productId: product.productId,
    partNumber: product.partNumber,
    tags: mergeTags(existing?.tags, input.tags),
  };
  product.revisions = existing
    ? revisions.map((r) => r === existing ? saved : r)
    : [...revisions, saved];
  return saved;
}

async function saveProduct(ctx: EmulatorContext, input: Rec): Promise<Rec> {
  const partNumber = requireText(input, "partNumber", "Product");
  const existing = await ctx.entities.get<Rec>("product", partNumber);
  const { revisions: incomingRevisions, tags: incomingTags, ...fields } = input;
  const product: Rec = {
    name: null,
    description: null,
    nonSerial: false,
    state: 1,
    revisions: [],
    ...existing,
    ...fields,
    partNumber,
    productId: existing?.productId ?? input.productId ?? crypto.randomUUID(),
    tags: mergeTags(existing?.tags, incomingTags),
  };
  for (const revision of Array.isArray(incomingRevisions) ? incomingRevisions : []) {
    if (isRecord(revision)) saveRevision(product, revision);
  }
  await ctx.entities.put("product", partNumber, product);
  return product;
}

async function findProduct(ctx: EmulatorContext, input: Rec): Promise<Rec> {
  if (typeof input.partNumber === "string" && input.partNumber.trim() !== "") {
    const product = await ctx.entities.get<Rec>("product", input.partNumber.trim());
    if (product) return product;
    throw new EmulatorHttpError(404, `Product '${input.partNumber}' was not found`);
  }
  if (typeof input.productId === "string") {
    const all = await ctx.entities.list<Rec>("product");
    const product = all.find((p) =>
      String(p.productId).toLowerCase() === String(input.productId).toLowerCase()
    );
    if (product) return product;
    throw new EmulatorHttpError(404, `Product with productId '${input.productId}' was not found`);
  }
  throw new EmulatorHttpError(400, "ProductRevision needs partNumber or productId");
}

async function saveRevisionRoute(ctx: EmulatorContext, input: Rec): Promise<Rec> {
  const product = await findProduct(ctx, input);
  const saved = saveRevision(product, input);
  await ctx.entities.put("product", String(product.partNumber), product);
  return saved;
}

async function arrayBody(c: C, ctx: EmulatorContext, what: string): Promise<Rec[]> {
  const body = await readJson(c, ctx.bodyLimit);
  if (!Array.isArray(body) || !body.every(isRecord)) {
    throw new EmulatorHttpError(400, `Request body must be an array of ${what} objects`);
  }
  return body;
}

function requireEdits(body: unknown): Rec[] {
  if (!Array.isArray(body)) throw new EmulatorHttpError(400, "Request body must be a list of tags");
  body.forEach((tag, i) => {
    if (!isRecord(tag) || typeof tag.key !== "string" || tag.key.trim() === "") {
      throw new EmulatorHttpError(400, `Tag ${i}: key is required`);
    }
    if (tag.change !== undefined && ![0, 1, 2, 3].includes(tag.change as number)) {
      throw new EmulatorHttpError(400, `Tag '${tag.key}': change must be 0, 1, 2 or 3`);
    }
  });
  return body;
}

async function tagRoute(
  c: C,
  ctx: EmulatorContext,
  ofRevision: boolean,
  edits: boolean,
): Promise<Response> {
  requireReferer(c);
  const partNumber = queryParam(c, "partNumber");
  if (!partNumber) throw new EmulatorHttpError(400, "Query parameter 'partNumber' is required");
  const product = await findProduct(ctx, { partNumber });
  let holder: Rec = product;
  if (ofRevision) {
    const revision = queryParam(c, "revision");
    if (!revision) throw new EmulatorHttpError(400, "Query parameter 'revision' is required");
    const found = (product.revisions as Rec[] | undefined ?? []).find((r) =>
      String(r.revision).toLowerCase() === revision.toLowerCase()
    );
    if (!found) {
      throw new EmulatorHttpError(404, `Revision '${revision}' of '${partNumber}' was not found`);
    }
    holder = found;
  }
  if (edits) {
    holder.tags = mergeTags(holder.tags, requireEdits(await readJson(c, ctx.bodyLimit)));
    await ctx.entities.put("product", String(product.partNumber), product);
  }
  return jsonResponse(holder.tags ?? []);
}

/** Register the `/api/Product` routes. */
export function productRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.get("/api/Product/Query", async () => {
    const products = await ctx.entities.list<Rec>("product");
    return jsonResponse(products.map((p) => ({
      partNumber: p.partNumber,
      name: p.name ?? null,
      category: p.productCategoryName ?? null,
      nonSerial: p.nonSerial ?? false,
      state: p.state ?? 1,
    })));
  });
  app.get("/api/Product/Groups", async () => jsonResponse(await ctx.entities.list("productGroup")));
  app.put("/api/Product/Group", async (c) => {
    const input = await readJsonObject(c, ctx.bodyLimit, "Product group");
    const name = requireText(input, "productGroupName", "ProductGroup");
    const groups = await ctx.entities.list<Rec>("productGroup");
    const existing = groups.find((g) =>
      String(g.productGroupName).toLowerCase() === name.toLowerCase()
    );
    const group = {
      ...existing,
      ...input,
      productGroupId: existing?.productGroupId ?? await ctx.entities.next("productGroup"),
      productGroupName: existing?.productGroupName ?? name,
    };
    await ctx.entities.put("productGroup", Number(group.productGroupId), group);
    return jsonResponse(group);
  });
  app.get("/api/Product/Vendors", async () => jsonResponse(await ctx.entities.list("vendor")));
  app.put("/api/Product/Vendors", async (c) => {
    const input = await readJsonObject(c, ctx.bodyLimit, "Vendor");
    requireText(input, "name", "Vendor");
    const vendor = { ...input, vendorId: input.vendorId ?? crypto.randomUUID() };
    await ctx.entities.put("vendor", String(vendor.vendorId), vendor);
    return jsonResponse(vendor);
  });
  app.delete("/api/Product/Vendors/:id", async (c) => {
    const id = c.req.param("id");
    if (!await ctx.entities.delete("vendor", id)) {
      throw new EmulatorHttpError(404, `Vendor '${id}' was not found`);
    }
    return jsonResponse(true);
  });
  app.put("/api/Product/Products", async (c) => {
    const saved = [];
    for (const input of await arrayBody(c, ctx, "Product")) {
      saved.push(await saveProduct(ctx, input));
    }
    return jsonResponse(saved);
  });
  app.put("/api/Product/Revision", async (c) => {
    const input = await readJsonObject(c, ctx.bodyLimit, "Product revision");
    return jsonResponse(await saveRevisionRoute(ctx, input));
  });
  app.put("/api/Product/Revisions", async (c) => {
    const saved = [];
    for (const input of await arrayBody(c, ctx, "ProductRevision")) {
      saved.push(await saveRevisionRoute(ctx, input));
    }
    return jsonResponse(saved);
  });
  app.put("/api/Product", async (c) => {
    const input = await readJsonObject(c, ctx.bodyLimit, "Product");
    return jsonResponse(await saveProduct(ctx, input));
  });
  app.get("/api/Product", async (c) => {
    const partNumber = queryParam(c, "partNumber");
    const revision = queryParam(c, "revision");
    if (!partNumber || !revision) {
      throw new EmulatorHttpError(400, "Query parameters 'partNumber' and 'revision' are required");
    }
    const product = await findProduct(ctx, { partNumber });
    const found = (product.revisions as Rec[]).find((r) =>
      String(r.revision).toLowerCase() === revision.toLowerCase()
    );
    if (!found) {
      throw new EmulatorHttpError(404, `Revision '${revision}' of '${partNumber}' was not found`);
    }
    return jsonResponse(found);
  });
  app.get("/api/internal/Product/GetProductTags", (c) => tagRoute(c, ctx, false, false));
  app.put("/api/internal/Product/PutProductTags", (c) => tagRoute(c, ctx, false, true));
  app.get("/api/internal/Product/GetRevisionTags", (c) => tagRoute(c, ctx, true, false));
  app.put("/api/internal/Product/PutRevisionTags", (c) => tagRoute(c, ctx, true, true));
  app.get("/api/Product/:partNumber", async (c) => {
    const partNumber = c.req.param("partNumber");
    const product = await ctx.entities.get<Rec>("product", partNumber);
    if (!product) throw new EmulatorHttpError(404, `Product '${partNumber}' was not found`);
    return jsonResponse(product);
  });
}
