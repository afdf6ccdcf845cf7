/**
 * Production models (`/api/Production`): units, unit changes, the verification grade, unit phases,
 * serial-number types and records, batches.
 *
 * Unknown keys the server adds are kept.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";
import type { Setting } from "./setting.ts";
import { setting } from "./_setting.ts";

/**
 * The unit-phase flag values WATS ships with (ids of {@linkcode UnitPhase}).
 *
 * @category Production
 */
export const UnitPhaseFlag: {
  readonly Unknown: 1;
  readonly UnderProduction: 2;
  readonly ProductionRepair: 4;
  readonly ServiceRepair: 8;
  readonly Finalized: 16;
  readonly Scrapped: 32;
  readonly ExtendedTest: 64;
  readonly Customization: 128;
  readonly Repaired: 256;
  readonly Missing: 512;
  readonly InStorage: 1024;
  readonly Shipped: 2048;
} = {
  Unknown: 1,
  UnderProduction: 2,
  ProductionRepair: 4,
  ServiceRepair: 8,
  Finalized: 16,
  Scrapped: 32,
  ExtendedTest: 64,
  Customization: 128,
  Repaired: 256,
  Missing: 512,
  InStorage: 1024,
  Shipped: 2048,
};

/**
 * A production unit (one serial number of one part number).
 *
 * @category Production
 */
export interface Unit {
  /** The serial number (required). */
  serialNumber: string;
  /** The part number (required). */
  partNumber: string;
  /** The revision. */
  revision?: string | null;
  /** The serial number of the unit it is fitted in. */
  parentSerialNumber?: string | null;
  /** The batch. */
  batchNumber?: string | null;
  /** When the serial number was first seen. */
  serialDate?: string | null;
  /** Where the unit is. */
  currentLocation?: string | null;
  /** Free XML data. */
  xmlData?: string | null;
  /** The phase id, see {@linkcode UnitPhaseFlag}. */
  unitPhaseId?: number | null;
  /** The phase name. */
  unitPhase?: string | null;
  /** The process the unit is at. */
  processCode?: number | null;
  /** Tags of the unit. */
  tags?: Setting[] | null;
  /** The revision record. */
  productRevision?: unknown;
  /** The product record. */
  product?: unknown;
  /** The units fitted in this one. */
  subUnits?: Unit[] | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A change to a unit that an integration has not acknowledged yet.
 *
 * @category Production
 */
export interface UnitChange {
  /** The change's id; acknowledge it with this. */
  id: number;
  /** The unit's serial number. */
  unitSerialNumber?: string | null;
  /** The new parent, when the unit was fitted into or removed from another. */
  newParentSerialNumber?: string | null;
  /** The new part number. */
  newPartNumber?: string | null;
  /** The new revision. */
  newRevision?: string | null;
  /** The new phase id. */
  newUnitPhaseId?: number | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * The verification result of one process of a unit.
 *
 * @category Production
 */
export interface UnitProcessResult {
  /** The process code. */
  processCode?: number | null;
  /** The process name. */
  processName?: string | null;
  /** The process's position in the flow. */
  processIndex?: number | null;
  /** The last run's result. */
  status?: string | null;
  /** The last run's start, UTC. */
  startUtc?: string | null;
  /** The last run's station. */
  stationName?: string | null;
  /** Runs in all. */
  totalCount?: number | null;
  /** Runs that did not pass. */
  nonPassedCount?: number | null;
  /** Repairs. */
  repairCount?: number | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * The verification grade of a unit (`GET /api/Production/UnitVerification`).
 *
 * @category Production
 */
export interface UnitVerification {
  /** The overall status. */
  status?: string | null;
  /** The grade. */
  grade?: string | null;
  /** The processes ran in the flow's order. */
  allProcessesExecutedInCorrectOrder?: boolean | null;
  /** Every process passed on its first run. */
  allProcessesPassedFirstRun?: boolean | null;
  /** Every process passed on some run. */
  allProcessesPassedAnyRun?: boolean | null;
  /** Every process passed on its last run: the unit is passing. */
  allProcessesPassedLastRun?: boolean | null;
  /** The unit was never repaired. */
  noRepairs?: boolean | null;
  /** One row per process. */
  results?: UnitProcessResult[] | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A unit phase (internal `GetUnitPhases`, PascalCase).
 *
 * @category Production
 */
export interface UnitPhase {
  /** The phase id (a flag value). */
  UnitPhaseId: number;
  /** A short code. */
  Code?: string | null;
  /** The name. */
  Name?: string | null;
  /** A description. */
  Description?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A serial-number type (`GET /api/Production/SerialNumbers/Types`).
 *
 * @category Production
 */
export interface SerialNumberType {
  /** The type's name; allocation names it. */
  name: string;
  /** A description. */
  description?: string | null;
  /** The format. */
  format?: string | null;
  /** A regular expression every serial number of the type matches. */
  regEx?: string | null;
  /** 0 serial number, 1 MAC address, 2 IMEI. */
  identifier?: number | null;
  /** The identifier's name. */
  identifierName?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * An allocated serial number, as the range and reference look-ups answer it.
 *
 * @category Production
 */
export interface SerialNumberRecord {
  /** The serial number. */
  serialNumber?: string | null;
  /** Its type. */
  typeName?: string | null;
  /** The unit it was taken for. */
  referenceSerialNumber?: string | null;
  /** That unit's part number. */
  referencePartNumber?: string | null;
  /** The station that took it. */
  stationName?: string | null;
  /** `Free` (in the pool, not yet taken) or `Taken`. */
  state?: string | null;
  /** When it was taken (ISO date-time). */
  takenUtc?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/** A run of consecutive serial numbers of one type in one state. */
export interface SerialNumberRange {
  /** The serial-number type. */
  serialNumberType: string;
  /** The first number of the run. */
  startAddress: string;
  /** The last number of the run. */
  endAddress: string;
  /** How many numbers the run holds. */
  count?: number | null;
  /** `Free` or `Taken`. */
  state?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/** How many numbers of a serial-number type the pool holds, and how many are taken. */
export interface SerialNumberStatistics {
  /** The serial-number type. */
  serialNumberType: string;
  /** Numbers known in all. */
  total: number;
  /** Numbers in the pool, not yet taken. */
  free: number;
  /** Numbers taken. */
  taken: number;
  /** When the last one was taken (ISO date-time). */
  lastTakenUtc?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A production batch.
 *
 * @category Production
 */
export interface Batch {
  /** The batch number. */
  batchNumber: string;
  /** How many units it holds. */
  batchSize?: number | null;
  /** The product made in it. */
  partNumber?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const unit: z.ZodType<Unit> = z.looseObject({
  serialNumber: z.string(),
  partNumber: z.string(),
  revision: z.string().nullish(),
  parentSerialNumber: z.string().nullish(),
  batchNumber: z.string().nullish(),
  serialDate: z.string().nullish(),
  currentLocation: z.string().nullish(),
  xmlData: z.string().nullish(),
  unitPhaseId: z.number().int().nullish(),
  unitPhase: z.string().nullish(),
  processCode: z.number().int().nullish(),
  tags: z.array(setting).nullish(),
  productRevision: z.unknown().optional(),
  product: z.unknown().optional(),
  get subUnits() {
    return z.array(unit).nullish();
  },
});

const unitChange: z.ZodType<UnitChange> = z.looseObject({
  id: z.number().int(),
  unitSerialNumber: z.string().nullish(),
  newParentSerialNumber: z.string().nullish(),
  newPartNumber: z.string().nullish(),
  newRevision: z.string().nullish(),
  newUnitPhaseId: z.number().int().nullish(),
});

const processResult: z.ZodType<UnitProcessResult> = z.looseObject({
  processCode: z.number().int().nullish(),
  processName: z.string().nullish(),
  processIndex: z.number().int().nullish(),
  status: z.string().nullish(),
  startUtc: z.string().nullish(),
  stationName: z.string().nullish(),
  totalCount: z.number().int().nullish(),
  nonPassedCount: z.number().int().nullish(),
  repairCount: z.number().int().nullish(),
});

const verification: z.ZodType<UnitVerification> = z.looseObject({
  status: z.string().nullish(),
  grade: z.string().nullish(),
  allProcessesExecutedInCorrectOrder: z.boolean().nullish(),
  allProcessesPassedFirstRun: z.boolean().nullish(),
  allProcessesPassedAnyRun: z.boolean().nullish(),
  allProcessesPassedLastRun: z.boolean().nullish(),
  noRepairs: z.boolean().nullish(),
  results: z.array(processResult).nullish(),
});

const phase: z.ZodType<UnitPhase> = z.looseObject({
  UnitPhaseId: z.number().int(),
  Code: z.string().nullish(),
  Name: z.string().nullish(),
  Description: z.string().nullish(),
});

const serialType: z.ZodType<SerialNumberType> = z.looseObject({
  name: z.string(),
  description: z.string().nullish(),
  format: z.string().nullish(),
  regEx: z.string().nullish(),
  identifier: z.number().int().nullish(),
  identifierName: z.string().nullish(),
});

const serialRecord: z.ZodType<SerialNumberRecord> = z.looseObject({
  serialNumber: z.string().nullish(),
  typeName: z.string().nullish(),
  referenceSerialNumber: z.string().nullish(),
  referencePartNumber: z.string().nullish(),
  stationName: z.string().nullish(),
  state: z.string().nullish(),
  takenUtc: z.string().nullish(),
});

const serialRange: z.ZodType<SerialNumberRange> = z.looseObject({
  serialNumberType: z.string(),
  startAddress: z.string(),
  endAddress: z.string(),
  count: z.number().int().nullish(),
  state: z.string().nullish(),
});

const serialStatistics: z.ZodType<SerialNumberStatistics> = z.looseObject({
  serialNumberType: z.string(),
  total: z.number().int(),
  free: z.number().int(),
  taken: z.number().int(),
  lastTakenUtc: z.string().nullish(),
});

const batch: z.ZodType<Batch> = z.looseObject({
  batchNumber: z.string(),
  batchSize: z.number().int().nullish(),
  partNumber: z.string().nullish(),
});

/**
 * Validates a {@linkcode Unit}.
 *
 * @category Production
 */
export const UnitSchema: Schema<Unit> = unit;
/**
 * Validates a list of {@linkcode Unit}s.
 *
 * @category Production
 */
export const UnitListSchema: Schema<Unit[]> = z.array(unit);
/**
 * Validates a list of {@linkcode UnitChange}s.
 *
 * @category Production
 */
export const UnitChangeListSchema: Schema<UnitChange[]> = z.array(unitChange);
/**
 * Validates a {@linkcode UnitVerification}.
 *
 * @category Production
 */
export const UnitVerificationSchema: Schema<UnitVerification> = verification;
/**
 * Validates a list of {@linkcode UnitPhase}s.
 *
 * @category Production
 */
export const UnitPhaseListSchema: Schema<UnitPhase[]> = z.array(phase);
/**
 * Validates a list of {@linkcode SerialNumberType}s.
 *
 * @category Production
 */
export const SerialNumberTypeListSchema: Schema<SerialNumberType[]> = z.array(serialType);
/**
 * Validates a list of {@linkcode SerialNumberRecord}s.
 *
 * @category Production
 */
export const SerialNumberRecordListSchema: Schema<SerialNumberRecord[]> = z.array(serialRecord);
/** Validates a list of {@linkcode SerialNumberRange}s. */
export const SerialNumberRangeListSchema: Schema<SerialNumberRange[]> = z.array(serialRange);
/** Validates a list of {@linkcode SerialNumberStatistics}. */
export const SerialNumberStatisticsListSchema: Schema<SerialNumberStatistics[]> = z.array(
  serialStatistics,
);
/**
 * Validates a {@linkcode Batch}.
 *
 * @category Production
 */
export const BatchSchema: Schema<Batch> = batch;
/**
 * Validates a list of {@linkcode Batch}es.
 *
 * @category Production
 */
export const BatchListSchema: Schema<Batch[]> = z.array(batch);
