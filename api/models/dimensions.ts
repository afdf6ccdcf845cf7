/**
 * The `dimensions` value of analytics filters: the names rows can be grouped by (yield and repair
 * dimensions), the KPIs they can be sorted by, and a builder that checks the names.
 *
 * @module
 */

/**
 * One part of a `dimensions` value: a name, or a name with its sort order.
 *
 * @category Analytics
 */
export type DimensionSpec =
  | DimensionName
  | KpiName
  | readonly [DimensionName | KpiName, "asc" | "desc"];

/**
 * Dimensions both yield and repair rows can be grouped by.
 *
 * @example Is a name a yield dimension?
 * ```ts
 * import assert from "node:assert/strict";
 * import { YIELD_DIMENSIONS } from "@wats/toolkit/models";
 *
 * assert.ok(YIELD_DIMENSIONS.includes("stationName"));
 * ```
 *
 * @category Analytics
 */
export const YIELD_DIMENSIONS = [
  "partNumber",
  "productName",
  "productGroup",
  "revision",
  "stationName",
  "location",
  "purpose",
  "testOperation",
  "processCode",
  "period",
  "swFilename",
  "swVersion",
  "level",
  "batchNumber",
  "operator",
  "fixtureId",
  "socketIndex",
  "errorCode",
  "stepCausedUutFailure",
  "stepPathCausedUutFailure",
  "miscInfoDescription",
  "miscInfoString",
  "assetSerialNumber",
  "assetName",
  "unitType",
] as const;

/**
 * Dimensions only repair rows can be grouped by.
 *
 * @example Is a name a repair-only dimension?
 * ```ts
 * import assert from "node:assert/strict";
 * import { REPAIR_DIMENSIONS } from "@wats/toolkit/models";
 *
 * assert.ok(REPAIR_DIMENSIONS.includes("repairCode"));
 * ```
 *
 * @category Analytics
 */
export const REPAIR_DIMENSIONS = [
  "repairOperation",
  "repairCode",
  "repairCategory",
  "repairType",
  "componentRef",
  "componentNumber",
  "componentRevision",
  "componentVendor",
  "componentDescription",
  "functionBlock",
  "referencedStep",
  "referencedStepPath",
  "testPeriod",
  "testLevel",
  "testStationName",
  "testLocation",
  "testPurpose",
  "testOperator",
] as const;

/**
 * Dimensions yield and repair rows can be grouped by.
 *
 * @category Analytics
 */
export type DimensionName =
  | (typeof YIELD_DIMENSIONS)[number]
  | (typeof REPAIR_DIMENSIONS)[number];

/**
 * KPIs rows can be sorted by.
 *
 * @example Is a name a KPI?
 * ```ts
 * import assert from "node:assert/strict";
 * import { KPI_NAMES } from "@wats/toolkit/models";
 *
 * assert.ok(KPI_NAMES.includes("fpy"));
 * ```
 *
 * @category Analytics
 */
export const KPI_NAMES = [
  "unitCount",
  "fpCount",
  "spCount",
  "tpCount",
  "lpCount",
  "fpFailCount",
  "spFailCount",
  "tpFailCount",
  "lpFailCount",
  "fpy",
  "spy",
  "tpy",
  "lpy",
  "ppmFpy",
  "ppmSpy",
  "ppmTpy",
  "ppmLpy",
  "ppmTestYield",
  "testYieldCount",
  "testReportCount",
  "testYield",
  "retestCount",
  "firstUtc",
  "lastUtc",
  "repairReportCount",
  "repairCount",
] as const;

/**
 * KPIs rows can be sorted by.
 *
 * @category Analytics
 */
export type KpiName = (typeof KPI_NAMES)[number];

const KNOWN_DIMENSIONS: ReadonlySet<string> = new Set<DimensionName | KpiName>([
  ...YIELD_DIMENSIONS,
  ...REPAIR_DIMENSIONS,
  ...KPI_NAMES,
]);

/**
 * Builds a `dimensions` value: names joined with `;`, a sort order after a name where given.
 *
 * @param specs Dimension and KPI names, or `[name, "asc" | "desc"]` pairs.
 * @returns The value, e.g. `unitCount desc;partNumber;period`.
 * @throws {RangeError} For a name the server does not know, or no names at all.
 *
 * @example Volume first, then by product and period
 * ```ts
 * import assert from "node:assert/strict";
 * import { dimensions } from "@wats/toolkit/models";
 *
 * assert.equal(
 *   dimensions(["unitCount", "desc"], "partNumber", "period"),
 *   "unitCount desc;partNumber;period",
 * );
 * ```
 *
 * @category Analytics
 */
export function dimensions(...specs: DimensionSpec[]): string {
  if (specs.length === 0) throw new RangeError("dimensions needs at least one name");
  return specs.map((spec) => {
    const [name, order] = typeof spec === "string" ? [spec, undefined] : spec;
    if (!KNOWN_DIMENSIONS.has(name)) throw new RangeError(`Unknown dimension "${name}"`);
    if (order !== undefined && order !== "asc" && order !== "desc") {
      throw new RangeError(`Sort order of "${name}" must be asc or desc, got "${order}"`);
    }
    return order ? `${name} ${order}` : name;
  }).join(";");
}
