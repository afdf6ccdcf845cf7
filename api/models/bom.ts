/**
 * Bills of materials: the BOM item model (internal `GET /api/internal/Product/Bom`) and the
 * WSBF XML that `PUT /api/Product/BOM` accepts (spec §6.3).
 *
 * WSBF: `<BOM xmlns="http://wats.virinco.com/schemas/WATS/wsbf" Partnumber Revision Desc>` with one
 * `<Component Number Rev Qty Desc Ref/>` per item. The component's `Rev` is its own revision
 * ({@linkcode BomItem.revision}); pyWATS fills it from the manufacturer part number, which puts a
 * wrong value into the server's BOM, so this writer leaves `Rev` out when no revision is known.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";
import { escapeXmlAttribute } from "../../util/xml_text.ts";

/**
 * The WSBF namespace.
 *
 * @category Products
 */
export const WSBF_NAMESPACE = "http://wats.virinco.com/schemas/WATS/wsbf";

/**
 * One line of a bill of materials.
 *
 * @category Products
 */
export interface BomItem {
  /** The item's id, assigned by the server. */
  bomItemId?: string | number | null;
  /** The revision whose BOM this is. */
  productRevisionId?: string | null;
  /** Reference designators, `;`-separated (`R1;R2`). */
  componentRef?: string | null;
  /** The component's part number. */
  partNumber?: string | null;
  /** The component's revision (WSBF `Rev`). */
  revision?: string | null;
  /** A description. */
  description?: string | null;
  /** How many are fitted (default 1). */
  quantity?: number | null;
  /** Manufacturer. */
  manufacturer?: string | null;
  /** Manufacturer's part number. */
  manufacturerPn?: string | null;
  /** Vendor. */
  vendor?: string | null;
  /** Vendor's part number. */
  vendorPn?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A bill of materials of one product revision, as WSBF describes it.
 *
 * @category Products
 */
export interface Bom {
  /** The product's part number. */
  partNumber: string;
  /** The product's revision. */
  revision: string;
  /** A description of the BOM. */
  description?: string;
  /** The components. */
  items: readonly BomItem[];
}

const bomItem: z.ZodType<BomItem> = z.looseObject({
  bomItemId: z.union([z.string(), z.number()]).nullish(),
  productRevisionId: z.string().nullish(),
  componentRef: z.string().nullish(),
  partNumber: z.string().nullish(),
  revision: z.string().nullish(),
  description: z.string().nullish(),
  quantity: z.number().nullish(),
  manufacturer: z.string().nullish(),
  manufacturerPn: z.string().nullish(),
  vendor: z.string().nullish(),
  vendorPn: z.string().nullish(),
});

/**
 * Validates a {@linkcode BomItem}.
 *
 * @category Products
 */
export const BomItemSchema: Schema<BomItem> = bomItem;
/**
 * Validates a list of {@linkcode BomItem}s.
 *
 * @category Products
 */
export const BomItemListSchema: Schema<BomItem[]> = z.array(bomItem);

function attributes(pairs: [string, unknown][]): string {
  return pairs
    .filter(([, value]) => value !== undefined && value !== null && value !== "")
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join("");
}

/**
 * Writes a bill of materials as WSBF XML.
 *
 * @param bom The product revision and its items; each item needs a part number.
 * @returns The XML document.
 * @throws {TypeError} When the part number or revision is blank, an item has no part number, or a
 *   quantity is not a positive number.
 *
 * @example Two resistors and a connector
 * ```ts
 * import assert from "node:assert/strict";
 * import { toWsbf } from "@wats/toolkit/models";
 *
 * const xml = toWsbf({
 *   partNumber: "PCB-1",
 *   revision: "A",
 *   items: [
 *     { partNumber: "RES-10K", quantity: 2, componentRef: "R1;R2", description: "10k 0603" },
 *     { partNumber: "CON-4", revision: "B" },
 *   ],
 * });
 * assert.ok(xml.includes('<Component Number="RES-10K" Qty="2" Desc="10k 0603" Ref="R1;R2"/>'));
 * ```
 *
 * @category Products
 */
export function toWsbf(bom: Bom): string {
  if (!bom.partNumber?.trim()) throw new TypeError("A BOM needs the product's part number");
  if (!bom.revision?.trim()) throw new TypeError("A BOM needs the product's revision");
  const lines = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<BOM xmlns="${WSBF_NAMESPACE}"${
      attributes([["Partnumber", bom.partNumber.trim()], ["Revision", bom.revision.trim()], [
        "Desc",
        bom.description,
      ]])
    }>`,
  ];
  bom.items.forEach((item, index) => {
    if (!item.partNumber?.trim()) {
      throw new TypeError(`BOM item ${index + 1} needs a part number`);
    }
    const quantity = item.quantity ?? 1;
    if (!(quantity > 0) || !Number.isFinite(quantity)) {
      throw new TypeError(`BOM item ${index + 1} (${item.partNumber}) needs a positive quantity`);
    }
    lines.push(
      `  <Component${
        attributes([
          ["Number", item.partNumber.trim()],
          ["Rev", item.revision],
          ["Qty", quantity],
          ["Desc", item.description],
          ["Ref", item.componentRef],
        ])
      }/>`,
    );
  });
  lines.push("</BOM>");
  return lines.join("\n");
}
