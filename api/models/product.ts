/**
 * Product models (`/api/Product`): products and their revisions, the light list view, vendors,
 * categories, and the box-build relations between revisions (internal routes, PascalCase).
 *
 * Unknown keys the server adds are kept, so a product read and saved back loses nothing.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";
import type { Setting } from "./setting.ts";
import { setting } from "./_setting.ts";

/**
 * A product as the light list (`GET /api/Product/Query`) answers it.
 *
 * @category Products
 */
export interface ProductSummary {
  /** The part number. */
  partNumber: string;
  /** The product name. */
  name?: string | null;
  /** The category name (the full model calls it `productCategoryName`). */
  category?: string | null;
  /** Units of this product carry no serial numbers. */
  nonSerial?: boolean | null;
  /** 0 inactive, 1 active. */
  state?: number | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * One revision of a product.
 *
 * @category Products
 */
export interface ProductRevision {
  /** The revision name, e.g. `A` (required). */
  revision: string;
  /** A display name. */
  name?: string | null;
  /** A description. */
  description?: string | null;
  /** 0 inactive, 1 active. */
  state?: number | null;
  /** The revision's id (a GUID), assigned by the server. */
  productRevisionId?: string | null;
  /** The id of the product it belongs to; the service fills it in before a save. */
  productId?: string | null;
  /** Free XML data. */
  xmlData?: string | null;
  /** The product's part number. */
  partNumber?: string | null;
  /** Tags of the revision. */
  tags?: Setting[] | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A product with its revisions and tags (`GET /api/Product/{partNumber}`).
 *
 * @category Products
 */
export interface Product {
  /** The part number (required, not blank). */
  partNumber: string;
  /** The product name. */
  name?: string | null;
  /** A description. */
  description?: string | null;
  /** Units of this product carry no serial numbers. */
  nonSerial?: boolean | null;
  /** 0 inactive, 1 active (the server's default). */
  state?: number | null;
  /** The product's id (a GUID), assigned by the server. */
  productId?: string | null;
  /** Free XML data. */
  xmlData?: string | null;
  /** The category's id. */
  productCategoryId?: string | null;
  /** The category's name. */
  productCategoryName?: string | null;
  /** The revisions. */
  revisions?: ProductRevision[] | null;
  /** Tags of the product. */
  tags?: Setting[] | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A vendor (`/api/Product/Vendors`).
 *
 * @category Products
 */
export interface Vendor {
  /** The vendor's id, assigned by the server. */
  vendorId?: string | number | null;
  /** The vendor's name (required to save). */
  name?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A product category (internal `GetProductCategories`, PascalCase). Only the id and name are
 * relied on; the rest of the row is kept as the server sent it.
 *
 * @category Products
 */
export interface ProductCategory {
  /** The category's id (a GUID), assigned by the server when absent. */
  ProductCategoryId?: string | null;
  /** The category's name. */
  Name?: string | null;
  /** A description. */
  Description?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A box-build relation: the parent revision contains `Quantity` of the child revision (internal
 * routes, PascalCase).
 *
 * @category Products
 */
export interface ProductRevisionRelation {
  /** The relation's id, assigned by the server. */
  ProductRevisionRelationId?: string | null;
  /** The parent (box) revision's id. */
  ParentProductRevisionId?: string | null;
  /** The child (sub-unit) revision's id. */
  ProductRevisionId?: string | null;
  /** How many of the child the parent holds. */
  Quantity?: number | null;
  /** The position or item number in the box. */
  ItemNumber?: string | null;
  /** Which child revisions are accepted (WATS wildcards, e.g. `A%`). */
  RevisionMask?: string | null;
  /** The child's part number (in hierarchy rows). */
  PartNumber?: string | null;
  /** The child's revision (in hierarchy rows). */
  Revision?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A row of the product hierarchy (internal `GetProductInfo`); child relations have `hlevel > 0`.
 *
 * @category Products
 */
export interface ProductHierarchyRow extends ProductRevisionRelation {
  /** Depth in the hierarchy: 0 the product itself, 1 its children, … */
  hlevel?: number | null;
}

const productRevision: z.ZodType<ProductRevision> = z.looseObject({
  revision: z.string(),
  name: z.string().nullish(),
  description: z.string().nullish(),
  state: z.number().int().nullish(),
  productRevisionId: z.string().nullish(),
  productId: z.string().nullish(),
  xmlData: z.string().nullish(),
  partNumber: z.string().nullish(),
  tags: z.array(setting).nullish(),
});

const product: z.ZodType<Product> = z.looseObject({
  partNumber: z.string(),
  name: z.string().nullish(),
  description: z.string().nullish(),
  nonSerial: z.boolean().nullish(),
  state: z.number().int().nullish(),
  productId: z.string().nullish(),
  xmlData: z.string().nullish(),
  productCategoryId: z.string().nullish(),
  productCategoryName: z.string().nullish(),
  revisions: z.array(productRevision).nullish(),
  tags: z.array(setting).nullish(),
});

const productSummary: z.ZodType<ProductSummary> = z.looseObject({
  partNumber: z.string(),
  name: z.string().nullish(),
  category: z.string().nullish(),
  nonSerial: z.boolean().nullish(),
  state: z.number().int().nullish(),
});

const vendor: z.ZodType<Vendor> = z.looseObject({
  vendorId: z.union([z.string(), z.number()]).nullish(),
  name: z.string().nullish(),
});

const category: z.ZodType<ProductCategory> = z.looseObject({
  ProductCategoryId: z.string().nullish(),
  Name: z.string().nullish(),
  Description: z.string().nullish(),
});

const relationShape = {
  ProductRevisionRelationId: z.string().nullish(),
  ParentProductRevisionId: z.string().nullish(),
  ProductRevisionId: z.string().nullish(),
  Quantity: z.number().nullish(),
  ItemNumber: z.string().nullish(),
  RevisionMask: z.string().nullish(),
  PartNumber: z.string().nullish(),
  Revision: z.string().nullish(),
};

const relation: z.ZodType<ProductRevisionRelation> = z.looseObject(relationShape);
const hierarchyRow: z.ZodType<ProductHierarchyRow> = z.looseObject({
  ...relationShape,
  hlevel: z.number().int().nullish(),
});

/**
 * Validates a {@linkcode Product}.
 *
 * @category Products
 */
export const ProductSchema: Schema<Product> = product;
/**
 * Validates a list of {@linkcode Product}s.
 *
 * @category Products
 */
export const ProductListSchema: Schema<Product[]> = z.array(product);
/**
 * Validates a {@linkcode ProductRevision}.
 *
 * @category Products
 */
export const ProductRevisionSchema: Schema<ProductRevision> = productRevision;
/**
 * Validates a list of {@linkcode ProductSummary} rows.
 *
 * @category Products
 */
export const ProductSummaryListSchema: Schema<ProductSummary[]> = z.array(productSummary);
/**
 * Validates a {@linkcode Vendor}.
 *
 * @category Products
 */
export const VendorSchema: Schema<Vendor> = vendor;
/**
 * Validates a list of {@linkcode Vendor}s.
 *
 * @category Products
 */
export const VendorListSchema: Schema<Vendor[]> = z.array(vendor);
/**
 * Validates a list of {@linkcode ProductCategory} rows.
 *
 * @category Products
 */
export const ProductCategoryListSchema: Schema<ProductCategory[]> = z.array(category);
/**
 * Validates a {@linkcode ProductRevisionRelation}.
 *
 * @category Products
 */
export const ProductRevisionRelationSchema: Schema<ProductRevisionRelation> = relation;
/**
 * Validates one relation or a list of them (the create route answers either).
 *
 * @category Products
 */
export const ProductRevisionRelationsSchema: Schema<
  ProductRevisionRelation | ProductRevisionRelation[]
> = z.union([relation, z.array(relation)]);
/**
 * Validates the rows of a product hierarchy.
 *
 * @category Products
 */
export const ProductHierarchySchema: Schema<ProductHierarchyRow[]> = z.array(hierarchyRow);
