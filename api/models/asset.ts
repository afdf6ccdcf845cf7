/**
 * Asset models (`/api/Asset`): assets (fixtures, instruments …), asset types with their count and
 * interval limits, the asset log and the alarm status.
 *
 * Keys differ from the report's asset list (spec §8 #1): a report names an asset with `assetSN`
 * and `usageCount` (`ReportAsset`), the asset API with `serialNumber` and
 * `runningCount`/`totalCount`. Unknown keys the server adds are kept.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";
import type { Setting } from "./setting.ts";
import { setting } from "./_setting.ts";

/**
 * Asset states (`Asset.state`).
 *
 * @category Assets
 */
export const AssetState: {
  readonly Unknown: 0;
  readonly InOperation: 1;
  readonly InTransit: 2;
  readonly InMaintenance: 3;
  readonly InCalibration: 4;
  readonly InStorage: 5;
  readonly Scrapped: 6;
} = {
  Unknown: 0,
  InOperation: 1,
  InTransit: 2,
  InMaintenance: 3,
  InCalibration: 4,
  InStorage: 5,
  Scrapped: 6,
};

/**
 * Kinds of asset log rows (`AssetLogEntry.type`).
 *
 * @category Assets
 */
export const AssetLogType: {
  readonly Message: 0;
  readonly Register: 1;
  readonly Update: 2;
  readonly ResetCount: 3;
  readonly Calibration: 4;
  readonly Maintenance: 5;
  readonly StateChange: 6;
} = {
  Message: 0,
  Register: 1,
  Update: 2,
  ResetCount: 3,
  Calibration: 4,
  Maintenance: 5,
  StateChange: 6,
};

/**
 * Interval values of an asset type with a meaning beyond days (WATS ≥ 25.3).
 *
 * @category Assets
 */
export const AssetInterval: { readonly Unlimited: -1; readonly ManagedExternally: -2 } = {
  Unlimited: -1,
  ManagedExternally: -2,
};

/**
 * An asset.
 *
 * @category Assets
 */
export interface Asset {
  /** The serial number (required). */
  serialNumber: string;
  /** The asset type's id (required to create). */
  typeId?: string | null;
  /** The asset's id (a GUID), assigned by the server. */
  assetId?: string | null;
  /** The parent asset's id. */
  parentAssetId?: string | null;
  /** The parent asset's serial number. */
  parentSerialNumber?: string | null;
  /** A display name. */
  assetName?: string | null;
  /** Part number. */
  partNumber?: string | null;
  /** Revision. */
  revision?: string | null;
  /** The client (station) id; WATS spells it `ClientId`. */
  ClientId?: number | null;
  /** State, see {@linkcode AssetState} (1 in operation by default). */
  state?: number | null;
  /** A description. */
  description?: string | null;
  /** Where it is. */
  location?: string | null;
  /** First seen. */
  firstSeenDate?: string | null;
  /** Last seen. */
  lastSeenDate?: string | null;
  /** Last maintenance. */
  lastMaintenanceDate?: string | null;
  /** Next maintenance due. */
  nextMaintenanceDate?: string | null;
  /** Last calibration. */
  lastCalibrationDate?: string | null;
  /** Next calibration due. */
  nextCalibrationDate?: string | null;
  /** Uses in total. */
  totalCount?: number | null;
  /** Uses since the running count was last reset. */
  runningCount?: number | null;
  /** Tags. */
  tags?: Setting[] | null;
  /** Child assets, when the server includes them. */
  assetChildren?: Asset[] | null;
  /** The type, when the server includes it. */
  assetType?: AssetType | null;
  /** Log rows, when the server includes them. */
  assetLog?: AssetLogEntry[] | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * An asset type: the limits its assets are checked against.
 *
 * @category Assets
 */
export interface AssetType {
  /** The name (required). */
  typeName: string;
  /** The id (a GUID), assigned by the server. */
  typeId?: string | null;
  /** Uses allowed between resets of the running count. */
  runningCountLimit?: number | null;
  /** Uses allowed in total. */
  totalCountLimit?: number | null;
  /** Days between maintenances; -1 unlimited, -2 managed externally. */
  maintenanceInterval?: number | null;
  /** Days between calibrations; -1 unlimited, -2 managed externally. */
  calibrationInterval?: number | null;
  /** Percent of a limit at which the asset is in warning (default 80). */
  warningThreshold?: number | null;
  /** Percent of a limit at which the asset is in alarm (default 100). */
  alarmThreshold?: number | null;
  /** The type cannot be edited. */
  isReadonly?: boolean | null;
  /** An icon name. */
  icon?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * One row of an asset's log.
 *
 * @category Assets
 */
export interface AssetLogEntry {
  /** The row's id. */
  logId?: number | null;
  /** The asset's id. */
  assetId?: string | null;
  /** The asset's serial number. */
  serialNumber?: string | null;
  /** When, UTC. */
  date?: string | null;
  /** Who. */
  user?: string | null;
  /** What, see {@linkcode AssetLogType}. */
  type?: number | null;
  /** The text. */
  comment?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * The alarm status the server computes for an asset (`GET /api/Asset/Status`).
 *
 * @category Assets
 */
export interface AssetStatus {
  /** 0 OK, 1 warning, 2 alarm. */
  alarmState?: number | null;
  /** Uses since the last reset. */
  runningCount?: number | null;
  /** The running count reached its limit. */
  runningCountExceeded?: boolean | number | null;
  /** Uses in total. */
  totalCount?: number | null;
  /** The total count reached its limit. */
  totalCountExceeded?: boolean | number | null;
  /** Days since the last calibration. */
  daysSinceCalibration?: number | null;
  /** Days the calibration is overdue. */
  calibrationDaysOverdue?: number | null;
  /** Days since the last maintenance. */
  daysSinceMaintenance?: number | null;
  /** Days the maintenance is overdue. */
  maintenanceDaysOverdue?: number | null;
  /** Why, in words. */
  message?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const assetType: z.ZodType<AssetType> = z.looseObject({
  typeName: z.string(),
  typeId: z.string().nullish(),
  runningCountLimit: z.number().nullish(),
  totalCountLimit: z.number().nullish(),
  maintenanceInterval: z.number().nullish(),
  calibrationInterval: z.number().nullish(),
  warningThreshold: z.number().nullish(),
  alarmThreshold: z.number().nullish(),
  isReadonly: z.boolean().nullish(),
  icon: z.string().nullish(),
});

const logEntry: z.ZodType<AssetLogEntry> = z.looseObject({
  logId: z.number().int().nullish(),
  assetId: z.string().nullish(),
  serialNumber: z.string().nullish(),
  date: z.string().nullish(),
  user: z.string().nullish(),
  type: z.number().int().nullish(),
  comment: z.string().nullish(),
});

const asset: z.ZodType<Asset> = z.looseObject({
  serialNumber: z.string(),
  typeId: z.string().nullish(),
  assetId: z.string().nullish(),
  parentAssetId: z.string().nullish(),
  parentSerialNumber: z.string().nullish(),
  assetName: z.string().nullish(),
  partNumber: z.string().nullish(),
  revision: z.string().nullish(),
  ClientId: z.number().int().nullish(),
  state: z.number().int().nullish(),
  description: z.string().nullish(),
  location: z.string().nullish(),
  firstSeenDate: z.string().nullish(),
  lastSeenDate: z.string().nullish(),
  lastMaintenanceDate: z.string().nullish(),
  nextMaintenanceDate: z.string().nullish(),
  lastCalibrationDate: z.string().nullish(),
  nextCalibrationDate: z.string().nullish(),
  totalCount: z.number().nullish(),
  runningCount: z.number().nullish(),
  tags: z.array(setting).nullish(),
  get assetChildren() {
    return z.array(asset).nullish();
  },
  assetType: assetType.nullish(),
  assetLog: z.array(logEntry).nullish(),
});

const status: z.ZodType<AssetStatus> = z.looseObject({
  alarmState: z.number().int().nullish(),
  runningCount: z.number().nullish(),
  runningCountExceeded: z.union([z.boolean(), z.number()]).nullish(),
  totalCount: z.number().nullish(),
  totalCountExceeded: z.union([z.boolean(), z.number()]).nullish(),
  daysSinceCalibration: z.number().nullish(),
  calibrationDaysOverdue: z.number().nullish(),
  daysSinceMaintenance: z.number().nullish(),
  maintenanceDaysOverdue: z.number().nullish(),
  message: z.string().nullish(),
});

/**
 * Validates an {@linkcode Asset}.
 *
 * @category Assets
 */
export const AssetSchema: Schema<Asset> = asset;
/**
 * Validates a list of {@linkcode Asset}s.
 *
 * @category Assets
 */
export const AssetListSchema: Schema<Asset[]> = z.array(asset);
/**
 * Validates an {@linkcode AssetType}.
 *
 * @category Assets
 */
export const AssetTypeSchema: Schema<AssetType> = assetType;
/**
 * Validates a list of {@linkcode AssetType}s.
 *
 * @category Assets
 */
export const AssetTypeListSchema: Schema<AssetType[]> = z.array(assetType);
/**
 * Validates a list of {@linkcode AssetLogEntry} rows.
 *
 * @category Assets
 */
export const AssetLogListSchema: Schema<AssetLogEntry[]> = z.array(logEntry);
/**
 * Validates an {@linkcode AssetStatus}.
 *
 * @category Assets
 */
export const AssetStatusSchema: Schema<AssetStatus> = status;

/**
 * Asset fields a `$filter` may name.
 *
 * @category Assets
 */
export type AssetField =
  | "assetId"
  | "serialNumber"
  | "typeId"
  | "parentAssetId"
  | "parentSerialNumber"
  | "assetName"
  | "partNumber"
  | "revision"
  | "state"
  | "description"
  | "location"
  | "totalCount"
  | "runningCount"
  | "firstSeenDate"
  | "lastSeenDate"
  | "lastMaintenanceDate"
  | "nextMaintenanceDate"
  | "lastCalibrationDate"
  | "nextCalibrationDate";

/**
 * Asset log fields a `$filter` may name.
 *
 * @category Assets
 */
export type AssetLogField =
  | "logId"
  | "assetId"
  | "serialNumber"
  | "date"
  | "user"
  | "type"
  | "comment";
/** Validates the file names of an asset (internal `Blob/Asset/List/{assetId}`). */
export const AssetFileNameListSchema: Schema<string[]> = z.array(z.string());
