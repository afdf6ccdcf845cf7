/**
 * Products (`/api/Product`): products and revisions, groups, vendors, categories, tags, bills of
 * materials and box-build templates (the parent/child relations between revisions).
 *
 * Rules kept from the spec (§3.2): a part number is never blank; a revision is saved with its
 * product's `productId`, which the service reads first; revisions are picked from the product
 * without case, as the server compares them; tags are edited on the product (or revision) and saved
 * back with `change` codes, so a tag left alone is kept. A BOM goes up as WSBF XML (the public
 * route) or as JSON items (the internal route).
 *
 * @module
 */

import { NotFoundError } from "../http/errors.ts";
import type { ErrorMode, Found, Transport } from "../http/transport.ts";
import { type ProductGroup, ProductGroupListSchema, ProductGroupSchema } from "../models/app.ts";
import type { Bom, BomItem } from "../models/bom.ts";
import {
  type Product,
  type ProductCategory,
  ProductCategoryListSchema,
  type ProductHierarchyRow,
  ProductListSchema,
  type ProductRevision,
  type ProductRevisionRelation,
  ProductRevisionSchema,
  ProductSchema,
  type ProductSummary,
  ProductSummaryListSchema,
  type Vendor,
  VendorListSchema,
  VendorSchema,
} from "../models/product.ts";
import { editTags, type Setting, SettingListSchema } from "../models/setting.ts";
import { withDefaults } from "./_input.ts";
import { parseResponse } from "./_parse.ts";
import {
  type BoxBuildTemplate,
  deleteRelation,
  postRelation,
  putRelation,
  readBom,
  readHierarchy,
  requireRevisionRef,
  type RevisionRef,
  type SubunitOptions,
  templateOf,
  uploadBom,
} from "./_product_structure.ts";

export type { BoxBuildTemplate, RevisionRef, SubunitOptions };

/**
 * Client-side narrowing of the product list.
 *
 * @category Products
 */
export interface ProductListOptions {
  /** Only active products (`state` 1). */
  activeOnly?: boolean;
  /** Only products whose part number or name contains this text (without case). */
  search?: string;
}

function requirePartNumber(partNumber: unknown, operation: string): string {
  if (typeof partNumber !== "string" || !partNumber.trim()) {
    throw new TypeError(`${operation} needs a part number that is not blank`);
  }
  return partNumber.trim();
}

/**
 * A product as sent. A new one (no `productId`) carries the documented defaults (`nonSerial`
 * false, `state` 1 active) explicitly; an update sends only what the caller gave.
 */
function productBody(product: Product, partNumber: string): Product {
  const body = { ...product, partNumber };
  return product.productId ? body : withDefaults(body, { nonSerial: false, state: 1 });
}

/**
 * Products, reached as `wats.product`.
 *
 * @typeParam M The client's error mode: look-ups return `T` in strict mode, `T | null` otherwise.
 *
 * @example Create a product with a revision, then read it back
 * ```ts
 * import assert from "node:assert/strict";
 * import { Wats } from "@wats/toolkit";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * await wats.product.save({ partNumber: "PCB-1", name: "Controller board" });
 * await wats.product.saveRevision({ partNumber: "PCB-1", revision: "A" });
 * const product = await wats.product.get("PCB-1");
 * assert.deepEqual(product?.revisions?.map((r) => r.revision), ["A"]);
 * ```
 *
 * @category Products
 */
export class ProductService<M extends ErrorMode = ErrorMode> {
  #transport: Transport;

  /**
   * Creates the service on a transport.
   *
   * @param transport The HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * The product list (light rows: part number, name, category, state).
   *
   * @param options Client-side narrowing.
   * @returns The products.
   */
  async list(options: ProductListOptions = {}): Promise<ProductSummary[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Product/Query",
      operation: "product.list",
    }, { allowEmpty: true });
    const rows = parseResponse(ProductSummaryListSchema, data ?? [], "product.list");
    const search = options.search?.trim().toLowerCase();
    return rows.filter((row) =>
      (!options.activeOnly || (row.state ?? 1) === 1) &&
      (!search || row.partNumber.toLowerCase().includes(search) ||
        (row.name ?? "").toLowerCase().includes(search))
    );
  }

  /**
   * One product with its revisions and tags.
   *
   * @param partNumber The part number.
   * @returns The product, or `null` in lenient mode when it does not exist.
   * @throws {NotFoundError} In strict mode when it does not exist.
   */
  async get(partNumber: string): Promise<Found<Product, M>> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Product/{pn}",
      params: { pn: requirePartNumber(partNumber, "product.get") },
      operation: "product.get",
    });
    return (data === null ? null : parseResponse(ProductSchema, data, "product.get")) as Found<
      Product,
      M
    >;
  }

  /**
   * One revision of a product, picked from the product without case.
   *
   * @param partNumber The part number.
   * @param revision The revision.
   * @returns The revision, or `null` when the product has no such revision.
   */
  async revision(partNumber: string, revision: string): Promise<ProductRevision | null> {
    const product = await this.get(partNumber);
    const wanted = revision?.trim().toLowerCase();
    return product?.revisions?.find((r) => r.revision.toLowerCase() === wanted) ?? null;
  }

  /**
   * Creates or updates a product. Without a `productId` it is sent with the documented defaults
   * for what it leaves out (`nonSerial` false, `state` 1), as pyWATS creates products.
   *
   * @param product The product; `partNumber` must not be blank.
   * @returns The product as saved.
   */
  async save(product: Product): Promise<Product> {
    const partNumber = requirePartNumber(product?.partNumber, "product.save");
    const data = await this.#transport.send({
      method: "PUT",
      path: "/api/Product",
      json: productBody(product, partNumber),
      operation: "product.save",
    });
    return parseResponse(ProductSchema, data, "product.save");
  }

  /**
   * Creates or updates many products in one request.
   *
   * @param products The products; every part number must not be blank.
   * @returns The products as saved.
   */
  async saveMany(products: readonly Product[]): Promise<Product[]> {
    const body = products.map((p) =>
      productBody(p, requirePartNumber(p?.partNumber, "product.saveMany"))
    );
    if (body.length === 0) return [];
    const data = await this.#transport.send({
      method: "PUT",
      path: "/api/Product/Products",
      json: body,
      operation: "product.saveMany",
    });
    return parseResponse(ProductListSchema, data, "product.saveMany");
  }

  /**
   * Creates or updates a revision; reads the product first to fill in its `productId`.
   *
   * @param revision The revision with its product's part number.
   * @returns The revision as saved.
   * @throws {NotFoundError} When the product does not exist.
   */
  async saveRevision(revision: ProductRevision & { partNumber: string }): Promise<ProductRevision> {
    const partNumber = requirePartNumber(revision?.partNumber, "product.saveRevision");
    if (typeof revision.revision !== "string" || !revision.revision.trim()) {
      throw new TypeError("product.saveRevision needs a revision that is not blank");
    }
    const product = await this.get(partNumber);
    if (!product) {
      throw new NotFoundError(`Product '${partNumber}' was not found`, {
        operation: "product.saveRevision",
        status: 404,
      });
    }
    const data = await this.#transport.send({
      method: "PUT",
      path: "/api/Product/Revision",
      json: {
        ...revision,
        partNumber,
        revision: revision.revision.trim(),
        productId: product.productId,
      },
      operation: "product.saveRevision",
    });
    return parseResponse(ProductRevisionSchema, data, "product.saveRevision");
  }

  /**
   * Saves revisions one by one (each as {@linkcode ProductService.saveRevision}).
   *
   * @param revisions The revisions with their products' part numbers.
   * @returns The revisions as saved, in order.
   */
  async saveRevisions(
    revisions: readonly (ProductRevision & { partNumber: string })[],
  ): Promise<ProductRevision[]> {
    const saved: ProductRevision[] = [];
    for (const revision of revisions) saved.push(await this.saveRevision(revision));
    return saved;
  }

  /**
   * The tags of a product, or of one of its revisions.
   *
   * @param partNumber The part number.
   * @param revision A revision, for its tags instead of the product's.
   * @returns The tags; empty when there are none.
   */
  async tags(partNumber: string, revision?: string): Promise<Setting[]> {
    if (revision === undefined) return (await this.get(partNumber))?.tags ?? [];
    return (await this.revision(partNumber, revision))?.tags ?? [];
  }

  /**
   * Sets (or with `null` deletes) one tag of a product or revision and saves it back.
   *
   * @param partNumber The part number.
   * @param key The tag's key.
   * @param value The value, or `null` to delete the tag.
   * @param revision A revision, to tag it instead of the product.
   * @returns The tags as saved.
   */
  async setTag(
    partNumber: string,
    key: string,
    value: string | null,
    revision?: string,
  ): Promise<Setting[]> {
    if (revision !== undefined) {
      const current = await this.revision(partNumber, revision);
      if (!current) {
        throw new NotFoundError(`Revision '${revision}' of '${partNumber}' was not found`, {
          operation: "product.setTag",
          status: 404,
        });
      }
      const saved = await this.saveRevision({
        ...current,
        partNumber,
        tags: editTags(current.tags, key, value),
      });
      return saved.tags ?? [];
    }
    const product = await this.get(partNumber);
    if (!product) {
      throw new NotFoundError(`Product '${partNumber}' was not found`, {
        operation: "product.setTag",
        status: 404,
      });
    }
    const saved = await this.save({ ...product, tags: editTags(product.tags, key, value) });
    return saved.tags ?? [];
  }

  /**
   * The tags of a product, or of one revision, read on their own (internal route).
   *
   * @param ref The part number, and a revision for its tags instead of the product's.
   * @returns The tags; empty when there are none.
   * @throws {NotFoundError} In strict mode when the product or revision does not exist.
   */
  async readTags(ref: { partNumber: string; revision?: string }): Promise<Setting[]> {
    const operation = "product.readTags";
    const data = await this.#transport.send({
      method: "GET",
      path: ref.revision === undefined
        ? "/api/internal/Product/GetProductTags"
        : "/api/internal/Product/GetRevisionTags",
      query: { partNumber: requirePartNumber(ref?.partNumber, operation), revision: ref.revision },
      internal: true,
      operation,
    }, { allowEmpty: true });
    return parseResponse(SettingListSchema, data ?? [], operation);
  }

  /**
   * Applies tag edits to a product or one revision in one request (internal route), without
   * reading and saving the whole product as {@linkcode ProductService.setTag} does.
   *
   * @param ref The part number, and a revision to tag it instead of the product.
   * @param edits The tags, each with its `change` (1 add, 2 update, 3 delete).
   * @returns The tags as saved.
   */
  async writeTags(
    ref: { partNumber: string; revision?: string },
    edits: readonly Setting[],
  ): Promise<Setting[]> {
    const operation = "product.writeTags";
    const data = await this.#transport.send({
      method: "PUT",
      path: ref.revision === undefined
        ? "/api/internal/Product/PutProductTags"
        : "/api/internal/Product/PutRevisionTags",
      query: { partNumber: requirePartNumber(ref?.partNumber, operation), revision: ref.revision },
      json: edits,
      internal: true,
      operation,
    }, { allowEmpty: true });
    return parseResponse(SettingListSchema, data ?? [], operation);
  }

  /**
   * The product groups.
   *
   * @returns The groups.
   */
  async groups(): Promise<ProductGroup[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Product/Groups",
      operation: "product.groups",
    }, { allowEmpty: true });
    return parseResponse(ProductGroupListSchema, data ?? [], "product.groups");
  }

  /**
   * Creates a product group (an existing name answers the existing group).
   *
   * @param name The group's name.
   * @returns The group.
   */
  async createGroup(name: string): Promise<ProductGroup> {
    if (typeof name !== "string" || !name.trim()) {
      throw new TypeError("product.createGroup needs a group name");
    }
    const data = await this.#transport.send({
      method: "PUT",
      path: "/api/Product/Group",
      json: { productGroupName: name.trim() },
      operation: "product.createGroup",
    });
    return parseResponse(ProductGroupSchema, data, "product.createGroup");
  }

  /**
   * The groups a product belongs to (internal route).
   *
   * @param partNumber The part number.
   * @returns The groups.
   */
  async groupsFor(partNumber: string): Promise<ProductGroup[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/internal/Product/GetGroupsForProduct",
      query: { partNumber: requirePartNumber(partNumber, "product.groupsFor") },
      internal: true,
      operation: "product.groupsFor",
    }, { allowEmpty: true });
    return parseResponse(ProductGroupListSchema, data ?? [], "product.groupsFor");
  }

  /**
   * The product categories (internal route, PascalCase).
   *
   * @returns The categories.
   */
  async categories(): Promise<ProductCategory[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/internal/Product/GetProductCategories",
      internal: true,
      operation: "product.categories",
    }, { allowEmpty: true });
    return parseResponse(ProductCategoryListSchema, data ?? [], "product.categories");
  }

  /**
   * Saves the product categories (internal route); the list replaces the stored one.
   *
   * @param categories The categories.
   * @returns The categories as stored.
   */
  async saveCategories(categories: readonly ProductCategory[]): Promise<ProductCategory[]> {
    const data = await this.#transport.send({
      method: "PUT",
      path: "/api/internal/Product/PutProductCategories",
      json: categories,
      internal: true,
      operation: "product.saveCategories",
    }, { allowEmpty: true });
    if (Array.isArray(data)) {
      return parseResponse(ProductCategoryListSchema, data, "product.saveCategories");
    }
    return await this.categories();
  }

  /**
   * The vendors.
   *
   * @returns The vendors.
   */
  async vendors(): Promise<Vendor[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Product/Vendors",
      operation: "product.vendors",
    }, { allowEmpty: true });
    return parseResponse(VendorListSchema, data ?? [], "product.vendors");
  }

  /**
   * Creates or updates a vendor.
   *
   * @param vendor The vendor; `name` is required.
   * @returns The vendor as saved, with its id.
   */
  async saveVendor(vendor: Vendor): Promise<Vendor> {
    if (typeof vendor?.name !== "string" || !vendor.name.trim()) {
      throw new TypeError("product.saveVendor needs a vendor name");
    }
    const data = await this.#transport.send({
      method: "PUT",
      path: "/api/Product/Vendors",
      json: vendor,
      operation: "product.saveVendor",
    });
    return parseResponse(VendorSchema, data, "product.saveVendor");
  }

  /**
   * Deletes a vendor.
   *
   * @param vendorId The vendor's id.
   * @returns `true` when the server confirmed it.
   */
  async deleteVendor(vendorId: string | number): Promise<boolean> {
    const data = await this.#transport.send({
      method: "DELETE",
      path: "/api/Product/Vendors/{id}",
      params: { id: vendorId },
      operation: "product.deleteVendor",
    }, { allowEmpty: true });
    return data !== false;
  }

  /**
   * The bill of materials of a revision (internal route).
   *
   * @param ref The product revision.
   * @returns The BOM items; empty when it has none.
   */
  bom(ref: RevisionRef): Promise<BomItem[]> {
    return readBom(this.#transport, ref);
  }

  /**
   * Uploads a bill of materials, replacing the revision's BOM.
   *
   * @param bom The product revision and its items.
   * @param options `format`: `wsbf` (default, `PUT /api/Product/BOM` with XML) or `json` (internal).
   * @returns `true` when the server confirmed it.
   */
  uploadBom(bom: Bom, options: { format?: "wsbf" | "json" } = {}): Promise<boolean> {
    return uploadBom(this.#transport, bom, options.format ?? "wsbf");
  }

  /**
   * The product hierarchy rows of a revision (internal route).
   *
   * @param ref The product revision.
   * @returns The rows; relations have `hlevel > 0`.
   */
  hierarchy(ref: RevisionRef): Promise<ProductHierarchyRow[]> {
    return readHierarchy(this.#transport, ref);
  }

  /**
   * The box-build template of a revision: the revisions it is built from.
   *
   * @param ref The box revision.
   * @returns The template with its direct children and every relation below it.
   */
  async boxBuild(ref: RevisionRef): Promise<BoxBuildTemplate> {
    return templateOf(ref, await readHierarchy(this.#transport, ref));
  }

  /**
   * Adds a child revision to a box-build template; both revisions' ids are read first.
   *
   * @param parent The box revision.
   * @param child The revision it holds.
   * @param options Quantity (default 1), item number, revision mask.
   * @returns The relation the server created.
   */
  async addSubunit(
    parent: RevisionRef,
    child: RevisionRef,
    options: SubunitOptions = {},
  ): Promise<ProductRevisionRelation> {
    requireRevisionRef(parent, "product.addSubunit", "parent");
    requireRevisionRef(child, "product.addSubunit", "child");
    const [up, down] = await Promise.all([this.#revisionId(parent), this.#revisionId(child)]);
    return await postRelation(this.#transport, up, down, options);
  }

  /**
   * Updates a box-build relation (quantity, item number, revision mask).
   *
   * @param relation The relation with its `ProductRevisionRelationId`.
   * @returns The relation as saved.
   */
  updateSubunit(relation: ProductRevisionRelation): Promise<ProductRevisionRelation> {
    return putRelation(this.#transport, relation);
  }

  /**
   * Removes a box-build relation.
   *
   * @param relationId The relation's `ProductRevisionRelationId`.
   * @returns `true` when the server confirmed it.
   */
  removeSubunit(relationId: string): Promise<boolean> {
    return deleteRelation(this.#transport, relationId);
  }

  async #revisionId(ref: RevisionRef): Promise<string> {
    const revision = await this.revision(ref.partNumber, ref.revision);
    if (!revision?.productRevisionId) {
      throw new NotFoundError(`Revision '${ref.revision}' of '${ref.partNumber}' was not found`, {
        operation: "product.addSubunit",
        status: 404,
      });
    }
    return revision.productRevisionId;
  }
}
