/**
 * The structure side of products, behind {@linkcode ProductService}: bills of materials (WSBF and
 * the internal JSON form) and box-build relations between revisions (internal, PascalCase).
 *
 * @module
 */

import { UnexpectedResponseError } from "../http/errors.ts";
import type { Transport } from "../http/transport.ts";
import { type Bom, type BomItem, BomItemListSchema, toWsbf } from "../models/bom.ts";
import {
  type ProductHierarchyRow,
  ProductHierarchySchema,
  type ProductRevisionRelation,
  ProductRevisionRelationSchema,
  ProductRevisionRelationsSchema,
} from "../models/product.ts";
import { parseResponse } from "./_parse.ts";

/** A box-build template: a revision and the revisions it is built from. */
export interface BoxBuildTemplate {
  /** The box's part number. */
  partNumber: string;
  /** The box's revision. */
  revision: string;
  /** The box revision's id, when the hierarchy names it. */
  productRevisionId: string | null;
  /** The direct children (relations whose parent is the box). */
  children: ProductRevisionRelation[];
  /** Every relation below the box, at any depth (`hlevel > 0`). */
  descendants: ProductHierarchyRow[];
}

/** Names one product revision. */
export interface RevisionRef {
  /** The part number. */
  partNumber: string;
  /** The revision. */
  revision: string;
}

/** Options of a box-build relation. */
export interface SubunitOptions {
  /** How many of the child the box holds. Default 1. */
  quantity?: number;
  /** The position or item number. */
  itemNumber?: string;
  /** Which child revisions are accepted (WATS wildcards). */
  revisionMask?: string;
}

function same(a: unknown, b: unknown): boolean {
  return typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
}

export function requireRevisionRef(ref: RevisionRef, operation: string, what = "revision"): void {
  if (!ref?.partNumber?.trim() || !ref.revision?.trim()) {
    throw new TypeError(`${operation} needs the ${what}'s part number and revision`);
  }
}

export async function readBom(
  transport: Transport,
  ref: RevisionRef,
): Promise<BomItem[]> {
  requireRevisionRef(ref, "product.bom");
  const data = await transport.send({
    method: "GET",
    path: "/api/internal/Product/Bom",
    query: { partNumber: ref.partNumber, revision: ref.revision },
    internal: true,
    operation: "product.bom",
  }, { allowEmpty: true });
  return parseResponse(BomItemListSchema, data ?? [], "product.bom");
}

export async function uploadBom(
  transport: Transport,
  bom: Bom,
  format: "wsbf" | "json",
): Promise<boolean> {
  if (format === "json") {
    requireRevisionRef(bom, "product.uploadBom", "product");
    const data = await transport.send({
      method: "PUT",
      path: "/api/internal/Product/BOM",
      query: { partNumber: bom.partNumber, revision: bom.revision, format: "json" },
      json: bom.items,
      internal: true,
      operation: "product.uploadBom",
    }, { allowEmpty: true });
    return data !== false;
  }
  const data = await transport.send({
    method: "PUT",
    path: "/api/Product/BOM",
    body: toWsbf(bom),
    contentType: "application/xml",
    operation: "product.uploadBom",
  }, { allowEmpty: true });
  return data !== false;
}

export async function readHierarchy(
  transport: Transport,
  ref: RevisionRef,
): Promise<ProductHierarchyRow[]> {
  requireRevisionRef(ref, "product.hierarchy");
  const data = await transport.send({
    method: "GET",
    path: "/api/internal/Product/GetProductInfo",
    query: { partNumber: ref.partNumber, revision: ref.revision },
    internal: true,
    operation: "product.hierarchy",
  }, { allowEmpty: true });
  return parseResponse(ProductHierarchySchema, data ?? [], "product.hierarchy");
}

export function templateOf(ref: RevisionRef, rows: ProductHierarchyRow[]): BoxBuildTemplate {
  const root = rows.find((row) => (row.hlevel ?? 0) === 0);
  const rootId = root?.ProductRevisionId ?? null;
  const descendants = rows.filter((row) => (row.hlevel ?? 0) > 0);
  const children = descendants
    .filter((row) => rootId === null ? row.hlevel === 1 : same(row.ParentProductRevisionId, rootId))
    .map(({ hlevel: _hlevel, ...relation }) => relation);
  return {
    partNumber: ref.partNumber,
    revision: ref.revision,
    productRevisionId: rootId,
    children,
    descendants,
  };
}

export async function postRelation(
  transport: Transport,
  parentId: string,
  childId: string,
  options: SubunitOptions,
): Promise<ProductRevisionRelation> {
  const quantity = options.quantity ?? 1;
  if (!Number.isInteger(quantity) || quantity < 1) {
    throw new RangeError(`product.addSubunit needs a whole quantity >= 1, got ${quantity}`);
  }
  const data = await transport.send({
    method: "POST",
    path: "/api/internal/Product/PostProductRevisionRelation",
    json: {
      ParentProductRevisionId: parentId,
      ProductRevisionId: childId,
      Quantity: quantity,
      ItemNumber: options.itemNumber,
      RevisionMask: options.revisionMask,
    },
    internal: true,
    operation: "product.addSubunit",
  });
  const answer = parseResponse(ProductRevisionRelationsSchema, data, "product.addSubunit");
  const relations = Array.isArray(answer) ? answer : [answer];
  const match =
    relations.find((r) =>
      same(r.ParentProductRevisionId, parentId) && same(r.ProductRevisionId, childId)
    ) ?? (Array.isArray(answer) ? undefined : answer);
  if (!match) {
    throw new UnexpectedResponseError(
      "product.addSubunit failed: the server's answer holds no relation between the two revisions",
      { operation: "product.addSubunit" },
    );
  }
  return match;
}

export async function putRelation(
  transport: Transport,
  relation: ProductRevisionRelation,
): Promise<ProductRevisionRelation> {
  if (!relation?.ProductRevisionRelationId) {
    throw new TypeError("product.updateSubunit needs the relation's ProductRevisionRelationId");
  }
  const data = await transport.send({
    method: "PUT",
    path: "/api/internal/Product/PutProductRevisionRelation",
    json: relation,
    internal: true,
    operation: "product.updateSubunit",
  });
  return parseResponse(ProductRevisionRelationSchema, data, "product.updateSubunit");
}

export async function deleteRelation(transport: Transport, relationId: string): Promise<boolean> {
  if (typeof relationId !== "string" || !relationId.trim()) {
    throw new TypeError("product.removeSubunit needs a relation id");
  }
  const data = await transport.send({
    method: "DELETE",
    path: "/api/internal/Product/DeleteProductRevisionRelation",
    query: { productRevisionRelationId: relationId.trim() },
    internal: true,
    operation: "product.removeSubunit",
  }, { allowEmpty: true });
  return data !== false;
}
