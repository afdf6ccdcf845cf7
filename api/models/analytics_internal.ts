/**
 * What the internal analytics routes answer beyond the public ones: the measurement and step
 * status lists (`/api/internal/App/MeasurementList`, `…/StepStatusList`) and the alarm and
 * notification logs (`/api/internal/Trigger/GetAlarmAndNotificationLogs`). Every field but the
 * identity of a row may be `null`; unknown keys are kept.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";

const num = z.number().nullish();
const int = z.number().int().nullish();
const str = z.string().nullish();

/** The report a list row comes from. */
export interface StepListReport {
  /** Report id. */
  reportId?: string | null;
  /** Serial number. */
  serialNumber?: string | null;
  /** Part number. */
  partNumber?: string | null;
  /** Revision. */
  revision?: string | null;
  /** Test operation code. */
  processCode?: number | null;
  /** Station name. */
  stationName?: string | null;
  /** Report start (UTC). */
  startUtc?: string | null;
}

/** One numeric measurement of a measurement list. */
export interface MeasurementListItem extends StepListReport {
  /** Step name. */
  stepName?: string | null;
  /** Step path (`¶` between steps, `¶¶name` for a measurement of a multi-step). */
  stepPath?: string | null;
  /** Measurement name, in a multi-measurement step. */
  measureName?: string | null;
  /** Measured value. */
  value?: number | null;
  /** Low (or single) limit. */
  lowLimit?: number | null;
  /** High limit. */
  highLimit?: number | null;
  /** Comparison operator. */
  compOp?: string | null;
  /** Unit. */
  unit?: string | null;
  /** Status as a word (`Passed`, `Failed`…). */
  status?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/** One executed step of a step status list. */
export interface StepStatusItem extends StepListReport {
  /** Step name. */
  stepName?: string | null;
  /** Step path (`¶` between steps). */
  stepPath?: string | null;
  /** Step type. */
  stepType?: string | null;
  /** Step group (`Setup`, `Main`, `Cleanup`). */
  stepGroup?: string | null;
  /** Status as a word. */
  status?: string | null;
  /** Step time, seconds. */
  stepTime?: number | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/** Alarm types: 1 reports, 2 yield and volume, 3 serial numbers, 4 measurements, 5 assets. */
export type AlarmType = 1 | 2 | 3 | 4 | 5;

/** One row of the alarm and notification log. */
export interface AlarmLog {
  /** Log row id. */
  logId: number;
  /** The alarm's name. */
  name?: string | null;
  /** When it fired. */
  logDate?: string | null;
  /** The alarm (trigger) that fired. */
  triggerId?: number | null;
  /** Alarm type (see {@linkcode AlarmType}). */
  type?: number | null;
  /** Log state (`C`). */
  state?: string | null;
  /** The report that fired a report alarm. */
  reportGuid?: string | null;
  /** Part number. */
  partNumber?: string | null;
  /** Serial number (of the unit or the asset). */
  serialNumber?: string | null;
  /** Revision. */
  revision?: string | null;
  /** Process name. */
  processName?: string | null;
  /** Station name. */
  stationName?: string | null;
  /** Asset name, for an asset alarm. */
  assetName?: string | null;
  /** Keys the server sent beyond these (yield, measurement and asset figures). */
  [key: string]: unknown;
}

const report = {
  reportId: str,
  serialNumber: str,
  partNumber: str,
  revision: str,
  processCode: int,
  stationName: str,
  startUtc: str,
};

const measurementItem: z.ZodType<MeasurementListItem> = z.looseObject({
  ...report,
  stepName: str,
  stepPath: str,
  measureName: str,
  value: num,
  lowLimit: num,
  highLimit: num,
  compOp: str,
  unit: str,
  status: str,
});

const stepStatusItem: z.ZodType<StepStatusItem> = z.looseObject({
  ...report,
  stepName: str,
  stepPath: str,
  stepType: str,
  stepGroup: str,
  status: str,
  stepTime: num,
});

const alarmLog: z.ZodType<AlarmLog> = z.looseObject({
  logId: z.number().int(),
  name: str,
  logDate: str,
  triggerId: int,
  type: int,
  state: str,
  reportGuid: str,
  partNumber: str,
  serialNumber: str,
  revision: str,
  processName: str,
  stationName: str,
  assetName: str,
});

/** Validates a measurement list. */
export const MeasurementListSchema: Schema<MeasurementListItem[]> = z.array(measurementItem);

/** Validates a step status list. */
export const StepStatusListSchema: Schema<StepStatusItem[]> = z.array(stepStatusItem);

/** Validates alarm log rows. */
export const AlarmLogListSchema: Schema<AlarmLog[]> = z.array(alarmLog);
