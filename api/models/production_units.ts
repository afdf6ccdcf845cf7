/**
 * Models of the internal unit routes (`/api/internal/Production`): sites, unit info, state
 * history, phase and process, and a unit's contents against its box-build template.
 *
 * Unknown keys the server adds are kept.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";
import {
  type Unit,
  type UnitChange,
  UnitChangeListSchema,
  UnitListSchema,
  UnitSchema,
} from "./production.ts";

/** A site (location) that units or reports name. */
export interface ProductionSite {
  /** The site's name. */
  name: string;
  /** Units whose current location it is. */
  unitCount?: number | null;
  /** Reports made there. */
  reportCount?: number | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/** A unit with the names of its product and process and the number of its children. */
export interface UnitInfo extends Unit {
  /** The product's name. */
  productName?: string | null;
  /** The name of the process the unit is at. */
  processName?: string | null;
  /** How many units are fitted in it. */
  childCount?: number | null;
}

/** One entry of a unit's state history: a unit change with the new phase's name. */
export interface UnitStateChange extends UnitChange {
  /** The new phase's name. */
  newUnitPhase?: string | null;
  /** When the change was made (ISO date-time). */
  changeDate?: string | null;
}

/** The phase a unit is in. */
export interface UnitPhaseState {
  /** The phase id. */
  unitPhaseId: number | null;
  /** The phase name. */
  unitPhase?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/** The process a unit is at. */
export interface UnitProcessState {
  /** The process code, or null when none was set. */
  processCode: number | null;
  /** The process name. */
  processName?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/** One line of a box-build template, with how many units of it are fitted. */
export interface RequiredChild {
  /** The child part number. */
  partNumber: string | null;
  /** The child revision. */
  revision?: string | null;
  /** A revision mask the child may match instead. */
  revisionMask?: string | null;
  /** How many the template asks for. */
  quantity: number;
  /** How many are fitted. */
  fitted: number;
  /** How many are still missing. */
  missing: number;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/** A unit's children against its revision's box-build template. */
export interface UnitContents {
  /** The parent's serial number. */
  serialNumber: string;
  /** The parent's part number. */
  partNumber: string;
  /** The parent's revision. */
  revision?: string | null;
  /** The units fitted in it. */
  children: Unit[];
  /** The template's lines. */
  required: RequiredChild[];
  /** Whether every line of the template is fitted. */
  isComplete: boolean;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const site: z.ZodType<ProductionSite> = z.looseObject({
  name: z.string(),
  unitCount: z.number().int().nullish(),
  reportCount: z.number().int().nullish(),
});

// The production models are zod schemas behind the `Schema` interface (see `report/schema.ts`).
const unitZ = UnitSchema as unknown as z.ZodType<Unit>;
const unitsZ = UnitListSchema as unknown as z.ZodType<Unit[]>;
const changesZ = UnitChangeListSchema as unknown as z.ZodType<UnitChange[]>;

const unitInfo: z.ZodType<UnitInfo> = z.intersection(
  unitZ,
  z.looseObject({
    productName: z.string().nullish(),
    processName: z.string().nullish(),
    childCount: z.number().int().nullish(),
  }),
);

const stateChange: z.ZodType<UnitStateChange[]> = z.intersection(
  changesZ,
  z.array(z.looseObject({ newUnitPhase: z.string().nullish(), changeDate: z.string().nullish() })),
);

const phaseState: z.ZodType<UnitPhaseState> = z.looseObject({
  unitPhaseId: z.number().int().nullable(),
  unitPhase: z.string().nullish(),
});

const processState: z.ZodType<UnitProcessState> = z.looseObject({
  processCode: z.number().int().nullable(),
  processName: z.string().nullish(),
});

const required: z.ZodType<RequiredChild> = z.looseObject({
  partNumber: z.string().nullable(),
  revision: z.string().nullish(),
  revisionMask: z.string().nullish(),
  quantity: z.number().int(),
  fitted: z.number().int(),
  missing: z.number().int(),
});

const contents: z.ZodType<UnitContents> = z.looseObject({
  serialNumber: z.string(),
  partNumber: z.string(),
  revision: z.string().nullish(),
  children: unitsZ,
  required: z.array(required),
  isComplete: z.boolean(),
});

/** Validates a list of {@linkcode ProductionSite}s. */
export const ProductionSiteListSchema: Schema<ProductionSite[]> = z.array(site);
/** Validates a {@linkcode UnitInfo}. */
export const UnitInfoSchema: Schema<UnitInfo> = unitInfo;
/** Validates a unit's state history. */
export const UnitStateHistorySchema: Schema<UnitStateChange[]> = stateChange;
/** Validates a {@linkcode UnitPhaseState}. */
export const UnitPhaseStateSchema: Schema<UnitPhaseState> = phaseState;
/** Validates a {@linkcode UnitProcessState}. */
export const UnitProcessStateSchema: Schema<UnitProcessState> = processState;
/** Validates a {@linkcode UnitContents}. */
export const UnitContentsSchema: Schema<UnitContents> = contents;
