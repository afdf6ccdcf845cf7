/**
 * Unit flow (internal `/api/internal/UnitFlow`): how units move through the production
 * operations, as nodes (operations), links (moves between them) and units (each one's path).
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";

/**
 * What a unit-flow query selects.
 *
 * @category Analytics
 */
export interface UnitFlowQuery {
  /** Part number (wildcards allowed). */
  partNumber?: string;
  /** Revision. */
  revision?: string;
  /** One serial number. */
  serialNumber?: string;
  /** Several serial numbers. */
  serialNumbers?: readonly string[];
  /** Station name. */
  stationName?: string;
  /** Station location. */
  location?: string;
  /** Station purpose. */
  purpose?: string;
  /** The earliest report start; converted to UTC. */
  dateFrom?: Date | string;
  /** The latest report start; converted to UTC. */
  dateTo?: Date | string;
  /** Only these operations. */
  processCodes?: readonly number[];
  /** Include units whose last report passed (default true). */
  includePassed?: boolean;
  /** Include units whose last report did not pass (default true). */
  includeFailed?: boolean;
  /** Operations (names or codes) to show; all when absent. */
  showList?: readonly string[];
  /** Operations (names or codes) to hide. */
  hideList?: readonly string[];
  /** Show each station of an operation as its own node. */
  expandOperations?: boolean;
}

/**
 * An operation units passed through.
 *
 * @category Analytics
 */
export interface UnitFlowNode {
  /** Node id. */
  id?: string | number | null;
  /** Display name (the operation). */
  name?: string | null;
  /** Process code. */
  processCode?: number | null;
  /** Process name. */
  processName?: string | null;
  /** Station, when operations are expanded. */
  stationName?: string | null;
  /** Units that reached the node. */
  unitCount?: number | null;
  /** Units whose first visit passed. */
  passCount?: number | null;
  /** Units whose first visit did not pass. */
  failCount?: number | null;
  /** `passCount` per `unitCount`, percent. */
  yieldPercent?: number | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A move between two operations.
 *
 * @category Analytics
 */
export interface UnitFlowLink {
  /** Link id. */
  id?: string | number | null;
  /** Node the units came from. */
  sourceId?: string | number | null;
  /** Node the units went to. */
  targetId?: string | number | null;
  /** Source node name. */
  sourceName?: string | null;
  /** Target node name. */
  targetName?: string | null;
  /** Units that made the move. */
  unitCount?: number | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * One unit's way through the flow.
 *
 * @category Analytics
 */
export interface UnitFlowUnit {
  /** Serial number. */
  serialNumber?: string | null;
  /** Part number. */
  partNumber?: string | null;
  /** Revision. */
  revision?: string | null;
  /** Result of its latest report. */
  status?: string | null;
  /** Its first report's start (UTC). */
  startTime?: string | null;
  /** Its latest report's start (UTC). */
  endTime?: string | null;
  /** Node names in the order visited. */
  nodePath?: string[] | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * The answer of a unit-flow query.
 *
 * @category Analytics
 */
export interface UnitFlowResult {
  /** The operations. */
  nodes: UnitFlowNode[];
  /** The moves between them. */
  links: UnitFlowLink[];
  /** The units. */
  units: UnitFlowUnit[];
  /** How many units the flow holds. */
  totalUnits?: number | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const id = z.union([z.string(), z.number()]).nullish();

const node: z.ZodType<UnitFlowNode> = z.looseObject({
  id,
  name: z.string().nullish(),
  processCode: z.number().int().nullish(),
  processName: z.string().nullish(),
  stationName: z.string().nullish(),
  unitCount: z.number().int().nullish(),
  passCount: z.number().int().nullish(),
  failCount: z.number().int().nullish(),
  yieldPercent: z.number().nullish(),
});

const link: z.ZodType<UnitFlowLink> = z.looseObject({
  id,
  sourceId: id,
  targetId: id,
  sourceName: z.string().nullish(),
  targetName: z.string().nullish(),
  unitCount: z.number().int().nullish(),
});

const unit: z.ZodType<UnitFlowUnit> = z.looseObject({
  serialNumber: z.string().nullish(),
  partNumber: z.string().nullish(),
  revision: z.string().nullish(),
  status: z.string().nullish(),
  startTime: z.string().nullish(),
  endTime: z.string().nullish(),
  nodePath: z.array(z.string()).nullish(),
});

const result: z.ZodType<UnitFlowResult> = z.looseObject({
  nodes: z.array(node).nullish().transform((v) => v ?? []),
  links: z.array(link).nullish().transform((v) => v ?? []),
  units: z.array(unit).nullish().transform((v) => v ?? []),
  totalUnits: z.number().int().nullish(),
});

/**
 * Validates a {@linkcode UnitFlowResult}; absent lists become empty.
 *
 * @category Analytics
 */
export const UnitFlowResultSchema: Schema<UnitFlowResult> = result;
