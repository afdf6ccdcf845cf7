/**
 * The structure side of `/api/Product` with real state: bills of materials (WSBF XML on the public
 * route, JSON items on the internal one, read back through the internal route), box-build relations
 * between revisions (internal, PascalCase), the product hierarchy, product categories, and the
 * groups a product belongs to (a group lists its members in `partNumbers`, an emulator convention).
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
  readText,
  requireParam,
} from "../_http.ts";
import { decodeXmlText } from "../../util/xml_text.ts";
import type { Rec } from "../_records.ts";

type C = Context<EmulatorEnv>;

const WSBF_NAMESPACE = "http://wats.virinco.com/schemas/WATS/wsbf";

function lower(value: unknown): string {
  return String(value ?? "").toLowerCase();
}

async function findRevision(
  ctx: EmulatorContext,
  partNumber: string,
  revision: string,
): Promise<{ product: Rec; revision: Rec }> {
  const product = await ctx.entities.get<Rec>("product", partNumber);
  const found = (product?.revisions as Rec[] | undefined)?.find((r) =>
    lower(r.revision) === lower(revision)
  );
  if (!product || !found) {
    throw new EmulatorHttpError(404, `Revision '${revision}' of '${partNumber}' was not found`);
  }
  return { product, revision: found };
}

/** The product revision of an id, or null. */
export async function revisionById(ctx: EmulatorContext, id: unknown): Promise<Rec | null> {
  for (const product of await ctx.entities.list<Rec>("product")) {
    for (const revision of (product.revisions as Rec[] | undefined) ?? []) {
      if (lower(revision.productRevisionId) === lower(id)) return revision;
    }
  }
  return null;
}

function xmlAttributes(tag: string): Rec {
  const out: Rec = {};
  for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    out[m[1]] = decodeXmlText(m[2] ?? m[3]);
  }
  return out;
}

/** Parse a WSBF document: the product revision and its components. */
export function parseWsbf(xml: string): { partNumber: string; revision: string; items: Rec[] } {
  const root = /<BOM\b([^>]*)>/i.exec(xml);
  if (!root) throw new EmulatorHttpError(400, "WSBF document has no <BOM> element");
  const attrs = xmlAttributes(root[1]);
  if (attrs.xmlns !== undefined && attrs.xmlns !== WSBF_NAMESPACE) {
    throw new EmulatorHttpError(400, `WSBF namespace must be ${WSBF_NAMESPACE}`);
  }
  const partNumber = String(attrs.Partnumber ?? "").trim();
  const revision = String(attrs.Revision ?? "").trim();
  if (!partNumber || !revision) {
    throw new EmulatorHttpError(400, "WSBF <BOM> needs the Partnumber and Revision attributes");
  }
  const items = [...xml.matchAll(/<Component\b([^>]*?)\/?>/gi)].map((m, index) => {
    const c = xmlAttributes(m[1]);
    if (!c.Number) {
      throw new EmulatorHttpError(400, `WSBF component ${index + 1} has no Number attribute`);
    }
    const quantity = c.Qty === undefined ? 1 : Number(c.Qty);
    if (!(quantity > 0)) {
      throw new EmulatorHttpError(400, `WSBF component ${index + 1} has an invalid Qty`);
    }
    return {
      partNumber: c.Number,
      revision: c.Rev ?? null,
      quantity,
      description: c.Desc ?? null,
      componentRef: c.Ref ?? null,
    };
  });
  return { partNumber, revision, items };
}

async function storeBom(
  ctx: EmulatorContext,
  partNumber: string,
  revision: string,
  items: Rec[],
): Promise<void> {
  const found = await findRevision(ctx, partNumber, revision);
  const productRevisionId = found.revision.productRevisionId;
  const stored = [];
  for (const item of items) {
    stored.push({
      quantity: 1,
      ...item,
      bomItemId: crypto.randomUUID(),
      productRevisionId,
    });
  }
  await ctx.entities.put("bom", String(productRevisionId), stored);
}

/** Relations of one parent revision, with the child's part number and revision filled in. */
async function childRows(ctx: EmulatorContext, parentId: unknown, level: number): Promise<Rec[]> {
  if (level > 10) return [];
  const rows: Rec[] = [];
  const relations = (await ctx.entities.list<Rec>("productRelation"))
    .filter((r) => lower(r.ParentProductRevisionId) === lower(parentId));
  for (const relation of relations) {
    const child = await revisionById(ctx, relation.ProductRevisionId);
    rows.push({
      hlevel: level,
      ...relation,
      PartNumber: child?.partNumber ?? null,
      Revision: child?.revision ?? null,
    });
    rows.push(...await childRows(ctx, relation.ProductRevisionId, level + 1));
  }
  return rows;
}

async function relationBody(c: C, ctx: EmulatorContext): Promise<Rec> {
  const input = await readJsonObject(c, ctx.bodyLimit, "Product revision relation");
  for (const key of ["ParentProductRevisionId", "ProductRevisionId"]) {
    if (!await revisionById(ctx, input[key])) {
      throw new EmulatorHttpError(400, `${key} '${input[key]}' names no product revision`);
    }
  }
  if (lower(input.ParentProductRevisionId) === lower(input.ProductRevisionId)) {
    throw new EmulatorHttpError(400, "A revision cannot contain itself");
  }
  const quantity = input.Quantity ?? 1;
  if (!Number.isInteger(quantity) || (quantity as number) < 1) {
    throw new EmulatorHttpError(400, "Quantity must be a whole number of at least 1");
  }
  return { ...input, Quantity: quantity };
}

/** Register the BOM, box-build, hierarchy, category and product-group routes. */
export function productStructureRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.put("/api/Product/BOM", async (c) => {
    const bom = parseWsbf(await readText(c, ctx.bodyLimit));
    await storeBom(ctx, bom.partNumber, bom.revision, bom.items);
    return jsonResponse(true);
  });
  app.get("/api/internal/Product/Bom", async (c) => {
    const found = await findRevision(
      ctx,
      requireParam(c, "partNumber"),
      requireParam(c, "revision"),
    );
    return jsonResponse(
      await ctx.entities.get("bom", String(found.revision.productRevisionId)) ?? [],
    );
  });
  app.put("/api/internal/Product/BOM", async (c) => {
    if (lower(queryParam(c, "format") ?? "json") !== "json") {
      throw new EmulatorHttpError(400, "Query parameter 'format' must be json");
    }
    const body = await readJson(c, ctx.bodyLimit);
    if (!Array.isArray(body) || !body.every(isRecord)) {
      throw new EmulatorHttpError(400, "Request body must be an array of BOM items");
    }
    await storeBom(ctx, requireParam(c, "partNumber"), requireParam(c, "revision"), body);
    return jsonResponse(true);
  });
  app.get("/api/internal/Product/GetProductInfo", async (c) => {
    const { product, revision } = await findRevision(
      ctx,
      requireParam(c, "partNumber"),
      requireParam(c, "revision"),
    );
    return jsonResponse([
      {
        hlevel: 0,
        ProductId: product.productId,
        ProductRevisionId: revision.productRevisionId,
        PartNumber: product.partNumber,
        Revision: revision.revision,
        Name: product.name ?? null,
      },
      ...await childRows(ctx, revision.productRevisionId, 1),
    ]);
  });
  app.get("/api/internal/Product/GetProductByPN", async (c) => {
    const pn = requireParam(c, "PN");
    const product = await ctx.entities.get<Rec>("product", pn);
    if (!product) throw new EmulatorHttpError(404, `Product '${pn}' was not found`);
    const relations = [];
    for (const revision of (product.revisions as Rec[] | undefined) ?? []) {
      relations.push(...await childRows(ctx, revision.productRevisionId, 1));
    }
    return jsonResponse({ ...product, relations });
  });
  app.post("/api/internal/Product/PostProductRevisionRelation", async (c) => {
    const input = await relationBody(c, ctx);
    const relation = { ...input, ProductRevisionRelationId: crypto.randomUUID() };
    await ctx.entities.put("productRelation", relation.ProductRevisionRelationId, relation);
    // WATS answers every relation of the parent; the client picks the new one.
    return jsonResponse(
      (await ctx.entities.list<Rec>("productRelation"))
        .filter((r) => lower(r.ParentProductRevisionId) === lower(input.ParentProductRevisionId)),
    );
  });
  app.put("/api/internal/Product/PutProductRevisionRelation", async (c) => {
    const input = await relationBody(c, ctx);
    const id = String(input.ProductRevisionRelationId ?? "");
    const existing = id ? await ctx.entities.get<Rec>("productRelation", id) : null;
    if (!existing) throw new EmulatorHttpError(404, `Relation '${id}' was not found`);
    const relation = {
      ...existing,
      ...input,
      ProductRevisionRelationId: existing.ProductRevisionRelationId,
    };
    await ctx.entities.put("productRelation", id, relation);
    return jsonResponse(relation);
  });
  app.delete("/api/internal/Product/DeleteProductRevisionRelation", async (c) => {
    const id = requireParam(c, "productRevisionRelationId");
    if (!await ctx.entities.delete("productRelation", id)) {
      throw new EmulatorHttpError(404, `Relation '${id}' was not found`);
    }
    return jsonResponse(true);
  });
  app.get("/api/internal/Product/GetGroupsForProduct", async (c) => {
    const pn = lower(requireParam(c, "partNumber"));
    const groups = await ctx.entities.list<Rec>("productGroup");
    return jsonResponse(
      groups.filter((g) =>
        Array.isArray(g.partNumbers) && g.partNumbers.some((p) => lower(p) === pn)
      ),
    );
  });
  app.get(
    "/api/internal/Product/GetProductCategories",
    async () => jsonResponse(await ctx.entities.list("productCategory")),
  );
  app.put("/api/internal/Product/PutProductCategories", async (c) => {
    const body = await readJson(c, ctx.bodyLimit);
    if (!Array.isArray(body) || !body.every(isRecord)) {
      throw new EmulatorHttpError(400, "Request body must be an array of product categories");
    }
    if (body.some((input) => typeof input.Name !== "string" || input.Name.trim() === "")) {
      throw new EmulatorHttpError(400, "ProductCategory.Name is required");
    }
    for (const old of await ctx.entities.list<Rec>("productCategory")) {
      await ctx.entities.delete("productCategory", String(old.ProductCategoryId));
    }
    const saved = [];
    for (const input of body) {
      const category = {
        ...input,
        ProductCategoryId: input.ProductCategoryId ?? crypto.randomUUID(),
      };
      await ctx.entities.put("productCategory", String(category.ProductCategoryId), category);
      saved.push(category);
    }
    return jsonResponse(saved);
  });
}
