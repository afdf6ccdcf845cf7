/**
 * The `dimensions` value of analytics filters: the names rows can be grouped by (yield and repair
 * dimensions), the KPIs they can be sorted by, and a builder that checks the names.
 *
 * @module
 */

/** Dimensions yield and repair rows can be grouped by. */
export type DimensionName =
  | "partNumber"
  | "productName"
  | "productGroup"
  | "revision"
  | "stationName"
  | "location"
  | "purpose"
  | "testOperation"
  | "processCode"
  | "period"
  | "swFilename"
  | "swVersion"
  | "level"
  | "batchNumber"
  | "operator"
  | "fixtureId"
  | "socketIndex"
  | "errorCode"
  | "stepCausedUutFailure"
  | "stepPathCausedUutFailure"
  | "miscInfoDescription"
  | "miscInfoString"
  | "assetSerialNumber"
  | "assetName"
  | "unitType"
  | "repairOperation"
  | "repairCode"
  | "repairCategory"
  | "repairType"
  | "componentRef"
  | "componentNumber"
  | "componentRevision"
  | "componentVendor"
  | "componentDescription"
  | "functionBlock"
  | "referencedStep"
  | "referencedStepPath"
  | "testPeriod"
  | "testLevel"
  | "testStationName"
  | "testLocation"
  | "testPurpose"
  | "testOperator";

/** KPIs rows can be sorted by. */
export type KpiName =
  | "unitCount"
  | "fpCount"
  | "spCount"
  | "tpCount"
  | "lpCount"
  | "fpFailCount"
  | "spFailCount"
  | "tpFailCount"
  | "lpFailCount"
  | "fpy"
  | "spy"
  | "tpy"
  | "lpy"
  | "ppmFpy"
  | "ppmSpy"
  | "ppmTpy"
  | "ppmLpy"
  | "ppmTestYield"
  | "testYieldCount"
  | "testReportCount"
  | "testYield"
  | "retestCount"
  | "firstUtc"
  | "lastUtc"
  | "repairReportCount"
  | "repairCount";

/** One part of a `dimensions` value: a name, or a name with its sort order. */
export type DimensionSpec =
  | DimensionName
  | KpiName
  | readonly [DimensionName | KpiName, "asc" | "desc"];

/**
 * Dimensions both yield and repair rows can be grouped by.
 *
 * @example Is a name a yield dimension?
 * ```ts
 * import { YIELD_DIMENSIONS } from "./dimensions.ts";
 * YIELD_DIMENSIONS.includes("stationName"); // true
 * ```
 */
export const YIELD_DIMENSIONS: readonly DimensionName[] = [
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
];

/**
 * Dimensions only repair rows can be grouped by.
 *
 * @example Is a name a repair-only dimension?
 * ```ts
 * import { REPAIR_DIMENSIONS } from "./dimensions.ts";
 * REPAIR_DIMENSIONS.includes("repairCode"); // true
 * ```
 */
export const REPAIR_DIMENSIONS: readonly DimensionName[] = [
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
];

/**
 * KPIs rows can be sorted by.
 *
 * @example Is a name a KPI?
 * ```ts
 * import { KPI_NAMES } from "./dimensions.ts";
 * KPI_NAMES.includes("fpy"); // true
 * ```
 */
export const KPI_NAMES: readonly KpiName[] = [
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
];

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
 * import { dimensions } from "./dimensions.ts";
 * dimensions(["unitCount", "desc"], "partNumber", "period"); // "unitCount desc;partNumber;period"
 * ```
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
