/**
 * Assets (`/api/Asset`): fixtures, instruments and other equipment with counts, states,
 * calibration and maintenance records, a log and sub-assets.
 *
 * An asset is named by its id or its serial number ({@linkcode AssetRef}); a call with neither is
 * refused before anything is sent. Lists take an OData `$filter` (build it with
 * {@linkcode assetFilter}: quotes are escaped, dates written in UTC) and are paged with
 * `$top`/`$skip` as async iterators.
 *
 * Mind the keys (spec §8 #1): a report lists the assets it used as `assetSN` + `usageCount`; this
 * API names the same asset `serialNumber` and counts `runningCount`/`totalCount`.
 * `PUT /api/Asset/Count` adds, so it is sent once and never retried: an increment that timed out
 * may have been applied; read the asset back before incrementing again.
 *
 * @module
 */

import { type Clock, systemClock } from "../../util/clock.ts";
import type { ErrorMode, Found, Transport } from "../http/transport.ts";
import {
  type Asset,
  type AssetField,
  AssetListSchema,
  type AssetLogEntry,
  type AssetLogField,
  AssetLogListSchema,
  AssetSchema,
  type AssetStatus,
  AssetStatusSchema,
  type AssetType,
  AssetTypeListSchema,
  AssetTypeSchema,
} from "../models/asset.ts";
import { NotFoundError } from "../http/errors.ts";
import type { ReportAsset } from "../models/report/misc.ts";
import { type ODataBuilder, odataBuilder, type ODataExpr } from "../odata.ts";
import { withDefaults } from "./_input.ts";
import { filterText, isConfirmed, pages } from "./_paging.ts";
import { parseResponse } from "./_parse.ts";
import { type AlarmLevel, alarmState } from "./asset_alarm.ts";
import { AssetFiles } from "./asset_files.ts";

/**
 * Builds `$filter` expressions over asset fields.
 *
 * @category Assets
 */
export const assetFilter: ODataBuilder<AssetField> = odataBuilder<AssetField>();
/**
 * Builds `$filter` expressions over asset log fields.
 *
 * @category Assets
 */
export const assetLogFilter: ODataBuilder<AssetLogField> = odataBuilder<AssetLogField>();

/**
 * Names an asset by its id or by its serial number.
 *
 * @category Assets
 */
export type AssetRef = { readonly id: string } | { readonly serialNumber: string };

/**
 * An OData list query.
 *
 * @category Assets
 */
export interface AssetQuery {
  /** A `$filter`, built with {@linkcode assetFilter} (or {@linkcode assetLogFilter}) or by hand. */
  filter?: ODataExpr | string;
  /** `$orderby`; assets default to `serialNumber`, log rows to `date desc`, so pages are stable. */
  orderBy?: string;
  /** The most rows to yield in all. */
  top?: number;
  /** Rows to skip at the start. */
  skip?: number;
  /** Rows asked for per request. Default 500. */
  pageSize?: number;
  /** Cancels the query between and during pages. */
  signal?: AbortSignal;
}

/**
 * Options of an {@linkcode AssetService}.
 *
 * @category Assets
 */
export interface AssetServiceOptions {
  /** The clock {@linkcode AssetService.alarm} judges dates by. Default: the system clock. */
  clock?: Clock;
}

/**
 * Options of a count increment.
 *
 * @category Assets
 */
export interface IncrementOptions {
  /** How much to add. Default 1. */
  by?: number;
  /** Set the total count to this value as well. */
  totalCount?: number;
  /** Increment the sub-assets too. Server default true. */
  incrementChildren?: boolean;
}

/**
 * An external calibration or maintenance: valid from one date to another.
 *
 * @category Assets
 */
export interface ExternalRecord {
  /** When it was done. */
  from: Date;
  /** Until when it is valid (the next due date). */
  to: Date;
  /** A comment for the log. */
  comment?: string;
}

function refQuery(ref: AssetRef, operation: string): { id?: string; serialNumber?: string } {
  const record = (ref ?? {}) as { id?: unknown; serialNumber?: unknown };
  if (typeof record.id === "string" && record.id.trim()) return { id: record.id.trim() };
  if (typeof record.serialNumber === "string" && record.serialNumber.trim()) {
    return { serialNumber: record.serialNumber.trim() };
  }
  throw new TypeError(`${operation} needs an asset id or serial number`);
}

/**
 * The entry a report's `assets[]` carries for an asset: `assetSN` + `usageCount` (spec §8 #1), not
 * the asset API's `serialNumber`.
 *
 * @param asset The asset (only its serial number is used).
 * @param usageCount How many times the test used it. Default 1.
 * @returns The report entry.
 *
 * @example Point a report at a fixture
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportAssetOf } from "@wats/toolkit/models";
 *
 * assert.deepEqual(reportAssetOf({ serialNumber: "FX-0042" }, 2), {
 *   assetSN: "FX-0042",
 *   usageCount: 2,
 * });
 * ```
 *
 * @category Assets
 */
export function reportAssetOf(asset: Pick<Asset, "serialNumber">, usageCount = 1): ReportAsset {
  if (typeof asset?.serialNumber !== "string" || !asset.serialNumber.trim()) {
    throw new TypeError("A report asset needs the asset's serial number");
  }
  if (!Number.isInteger(usageCount) || usageCount < 0) {
    throw new RangeError(`A usage count is a whole number >= 0, got ${usageCount}`);
  }
  return { assetSN: asset.serialNumber.trim(), usageCount };
}

/**
 * Names the asset a report entry refers to, reading `assetSN` or, from current pyWATS, `sn`.
 *
 * @param entry An entry of a report's `assets[]`.
 * @returns The reference for the asset API.
 * @throws {TypeError} When the entry names no asset.
 *
 * @example From a report's asset back to the asset
 * ```ts
 * import assert from "node:assert/strict";
 * import { assetRefOf } from "@wats/toolkit/models";
 *
 * assert.deepEqual(assetRefOf({ assetSN: "FX-0042", usageCount: 1 }), { serialNumber: "FX-0042" });
 * ```
 *
 * @category Assets
 */
export function assetRefOf(entry: ReportAsset): AssetRef {
  const serialNumber = entry?.assetSN ?? entry?.sn;
  if (typeof serialNumber !== "string" || !serialNumber.trim()) {
    throw new TypeError("The report entry names no asset (neither assetSN nor sn)");
  }
  return { serialNumber: serialNumber.trim() };
}

/**
 * Assets, reached as `wats.asset`.
 *
 * @typeParam M The client's error mode: look-ups return `T` in strict mode, `T | null` otherwise.
 *
 * @example Register a fixture, count its use, check its alarm state
 * ```ts
 * import assert from "node:assert/strict";
 * import { Wats } from "@wats/toolkit";
 * import { assetFilter as f } from "@wats/toolkit/models";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * const type = await wats.asset.saveType({ typeName: "Fixture", runningCountLimit: 5000 });
 * await wats.asset.save({ serialNumber: "FX-0042", typeId: type.typeId });
 * await wats.asset.incrementCount({ serialNumber: "FX-0042" });
 * assert.equal(await wats.asset.alarm({ serialNumber: "FX-0042" }), "ok");
 * const found = [];
 * for await (const a of wats.asset.query({ filter: f.eq("serialNumber", "FX-0042") })) {
 *   found.push([a.serialNumber, a.runningCount]);
 * }
 * assert.deepEqual(found, [["FX-0042", 1]]);
 * ```
 *
 * @category Assets
 */
export class AssetService<M extends ErrorMode = ErrorMode> {
  #transport: Transport;
  #clock: Clock;
  /** The files of assets (internal routes): upload, download, list, delete. */
  readonly files: AssetFiles;

  /**
   * Creates the service on a transport.
   *
   * @param transport The HTTP core.
   * @param options The clock for alarm checks.
   */
  constructor(transport: Transport, options: AssetServiceOptions = {}) {
    this.#transport = transport;
    this.#clock = options.clock ?? systemClock;
    this.files = new AssetFiles(transport);
  }

  /**
   * Lists assets page by page, yielding each.
   *
   * @param query Filter, order and limits.
   * @returns The assets, lazily.
   */
  query(query: AssetQuery = {}): AsyncGenerator<Asset> {
    return pages(this.#transport, {
      path: "/api/Asset",
      operation: "asset.query",
      schema: AssetListSchema,
      defaultOrder: "serialNumber",
    }, query);
  }

  /**
   * Collects an asset query into an array.
   *
   * @param query As {@linkcode AssetService.query}.
   * @returns Every matching asset.
   */
  async list(query: AssetQuery = {}): Promise<Asset[]> {
    return await Array.fromAsync(this.query(query));
  }

  /**
   * One asset, by id or serial number.
   *
   * @param ref The asset.
   * @returns The asset, or `null` in lenient mode when it does not exist.
   * @throws {NotFoundError} In strict mode when it does not exist.
   */
  async get(ref: AssetRef): Promise<Found<Asset, M>> {
    const q = refQuery(ref, "asset.get");
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Asset/{ref}",
      params: { ref: (q.id ?? q.serialNumber) as string },
      operation: "asset.get",
    });
    return (data === null ? null : parseResponse(AssetSchema, data, "asset.get")) as Found<
      Asset,
      M
    >;
  }

  /**
   * Creates or updates an asset. A new asset needs its serial number and type id; without an
   * `assetId` it is sent with the documented default `state` 1 (in operation) unless it gives one.
   *
   * @param asset The asset; with `assetId` (or a known serial number) it updates.
   * @returns The asset as saved.
   */
  async save(asset: Asset): Promise<Asset> {
    if (typeof asset?.serialNumber !== "string" || !asset.serialNumber.trim()) {
      throw new TypeError("asset.save needs the asset's serial number");
    }
    const data = await this.#transport.send({
      method: "PUT",
      path: "/api/Asset",
      json: asset.assetId ? asset : withDefaults(asset, { state: 1 }),
      operation: "asset.save",
    });
    return parseResponse(AssetSchema, data, "asset.save");
  }

  /**
   * Deletes an asset.
   *
   * @param ref The asset.
   * @returns `true` when the server confirmed it.
   */
  async delete(ref: AssetRef): Promise<boolean> {
    return await this.#flag("DELETE", "/api/Asset", "asset.delete", refQuery(ref, "asset.delete"));
  }

  /**
   * The alarm status the server computes.
   *
   * @param ref The asset.
   * @param options `cultureCode` for the message language; `translate` (default false).
   * @returns The status.
   */
  async status(
    ref: AssetRef,
    options: { cultureCode?: string; translate?: boolean } = {},
  ): Promise<AssetStatus> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Asset/Status",
      query: {
        ...refQuery(ref, "asset.status"),
        translate: options.translate ?? false,
        cultureCode: options.cultureCode,
      },
      operation: "asset.status",
    });
    return parseResponse(AssetStatusSchema, data, "asset.status");
  }

  /**
   * The alarm state judged by the client's rules ({@linkcode alarmState}) on the service's clock.
   *
   * @param ref The asset.
   * @returns `ok`, `warning` or `alarm`; `null` in lenient mode when the asset does not exist.
   * @throws {NotFoundError} In strict mode when the asset does not exist.
   */
  async alarm(ref: AssetRef): Promise<Found<AlarmLevel, M>> {
    const asset = await this.get(ref);
    if (asset === null) return null as Found<AlarmLevel, M>;
    const type = asset.assetType ??
      (asset.typeId ? (await this.types()).find((t) => t.typeId === asset.typeId) : null);
    return alarmState(asset, type ?? null, this.#clock.now()) as Found<AlarmLevel, M>;
  }

  /**
   * Sets the asset's state.
   *
   * @param ref The asset.
   * @param state The state, see `AssetState` (0–6).
   * @returns `true` when the server confirmed it.
   */
  async setState(ref: AssetRef, state: number): Promise<boolean> {
    if (!Number.isInteger(state) || state < 0) {
      throw new RangeError(`asset.setState needs a state from 0 to 6, got ${state}`);
    }
    return await this.#flag("PUT", "/api/Asset/State", "asset.setState", {
      ...refQuery(ref, "asset.setState"),
      state,
    });
  }

  /**
   * Adds to the running and total counts.
   *
   * @param ref The asset.
   * @param options By how much, a total to set, and whether sub-assets count too.
   * @returns `true` when the server confirmed it.
   */
  async incrementCount(ref: AssetRef, options: IncrementOptions = {}): Promise<boolean> {
    const by = options.by ?? 1;
    if (!Number.isInteger(by) || by < 1) {
      throw new RangeError(`asset.incrementCount needs a whole increment >= 1, got ${by}`);
    }
    return await this.#flag("PUT", "/api/Asset/Count", "asset.incrementCount", {
      ...refQuery(ref, "asset.incrementCount"),
      incrementBy: by,
      totalCount: options.totalCount,
      incrementChildren: options.incrementChildren,
    }, false);
  }

  /**
   * Resets the running count to 0 (logged).
   *
   * @param ref The asset.
   * @param comment A comment for the log.
   * @returns `true` when the server confirmed it.
   */
  async resetRunningCount(ref: AssetRef, comment?: string): Promise<boolean> {
    return await this.#flag("POST", "/api/Asset/ResetRunningCount", "asset.resetRunningCount", {
      ...refQuery(ref, "asset.resetRunningCount"),
      comment,
    }, true);
  }

  /**
   * Sets the running count (WATS ≥ 25.3).
   *
   * @param ref The asset.
   * @param runningCount The new value, at least 0.
   * @returns `true` when the server confirmed it.
   */
  async setRunningCount(ref: AssetRef, runningCount: number): Promise<boolean> {
    return await this.#setCount(ref, "SetRunningCount", "runningCount", runningCount);
  }

  /**
   * Sets the total count (WATS ≥ 25.3).
   *
   * @param ref The asset.
   * @param totalCount The new value, at least 0.
   * @returns `true` when the server confirmed it.
   */
  async setTotalCount(ref: AssetRef, totalCount: number): Promise<boolean> {
    return await this.#setCount(ref, "SetTotalCount", "totalCount", totalCount);
  }

  /**
   * Records a calibration; the server moves the next due date by the type's interval.
   *
   * @param ref The asset.
   * @param options When it was done (default now, on the server) and a comment.
   * @returns `true` when the server confirmed it.
   */
  async recordCalibration(
    ref: AssetRef,
    options: { date?: Date; comment?: string } = {},
  ): Promise<boolean> {
    return await this.#service(ref, "Calibration", options);
  }

  /**
   * Records a maintenance; the server moves the next due date by the type's interval.
   *
   * @param ref The asset.
   * @param options When it was done (default now, on the server) and a comment.
   * @returns `true` when the server confirmed it.
   */
  async recordMaintenance(
    ref: AssetRef,
    options: { date?: Date; comment?: string } = {},
  ): Promise<boolean> {
    return await this.#service(ref, "Maintenance", options);
  }

  /**
   * Records a calibration done elsewhere, valid from one date to another (interval `-2`).
   *
   * @param ref The asset.
   * @param record The validity and a comment.
   * @returns `true` when the server confirmed it.
   */
  async recordExternalCalibration(ref: AssetRef, record: ExternalRecord): Promise<boolean> {
    return await this.#external(ref, "Calibration", record);
  }

  /**
   * Records a maintenance done elsewhere, valid from one date to another (interval `-2`).
   *
   * @param ref The asset.
   * @param record The validity and a comment.
   * @returns `true` when the server confirmed it.
   */
  async recordExternalMaintenance(ref: AssetRef, record: ExternalRecord): Promise<boolean> {
    return await this.#external(ref, "Maintenance", record);
  }

  /**
   * Reads the asset log page by page, yielding each row.
   *
   * @param query Filter (build it with {@linkcode assetLogFilter}), order and limits.
   * @returns The rows, lazily.
   */
  queryLog(query: AssetQuery = {}): AsyncGenerator<AssetLogEntry> {
    return pages(this.#transport, {
      path: "/api/Asset/Log",
      operation: "asset.queryLog",
      schema: AssetLogListSchema,
      defaultOrder: "date desc",
    }, query);
  }

  /**
   * Collects a log query into an array.
   *
   * @param query As {@linkcode AssetService.queryLog}.
   * @returns Every matching row.
   */
  async log(query: AssetQuery = {}): Promise<AssetLogEntry[]> {
    return await Array.fromAsync(this.queryLog(query));
  }

  /**
   * Writes a message to an asset's log.
   *
   * @param ref The asset; a serial number is resolved to the id first.
   * @param comment The message.
   * @param user Who wrote it; the server's user when absent.
   * @returns `true` when the server confirmed it.
   */
  async addMessage(ref: AssetRef, comment: string, user?: string): Promise<boolean> {
    if (typeof comment !== "string" || !comment.trim()) {
      throw new TypeError("asset.addMessage needs a message");
    }
    const assetId = await this.#idOf(ref, "asset.addMessage");
    const data = await this.#transport.send({
      method: "POST",
      path: "/api/Asset/Message",
      json: { assetId, comment, user },
      operation: "asset.addMessage",
    }, { allowEmpty: true });
    return isConfirmed(data);
  }

  /**
   * The sub-assets of an asset.
   *
   * @param ref The parent asset.
   * @param level How many levels down. Server default 1.
   * @returns The sub-assets.
   */
  async subAssets(ref: AssetRef, level?: number): Promise<Asset[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Asset/SubAssets",
      query: { ...refQuery(ref, "asset.subAssets"), level },
      operation: "asset.subAssets",
    }, { allowEmpty: true });
    return parseResponse(AssetListSchema, data ?? [], "asset.subAssets");
  }

  /**
   * Makes one asset a sub-asset of another: reads both, then saves the child with its parent.
   *
   * @param parent The parent asset.
   * @param child The asset to place under it.
   * @returns The child as saved.
   */
  async addChild(parent: AssetRef, child: AssetRef): Promise<Asset> {
    const [up, down] = await Promise.all([this.#require(parent), this.#require(child)]);
    if (up.assetId && up.assetId === down.assetId) {
      throw new TypeError("asset.addChild: an asset cannot be its own parent");
    }
    return await this.save({
      ...down,
      parentAssetId: up.assetId ?? null,
      parentSerialNumber: up.serialNumber,
    });
  }

  /**
   * Detaches a sub-asset from its parent.
   *
   * @param child The sub-asset.
   * @returns The asset as saved.
   */
  async removeChild(child: AssetRef): Promise<Asset> {
    const asset = await this.#require(child);
    return await this.save({ ...asset, parentAssetId: null, parentSerialNumber: null });
  }

  /**
   * The asset types.
   *
   * @param query A `$filter` and a `$top`.
   * @returns The types.
   */
  async types(query: { filter?: ODataExpr | string; top?: number } = {}): Promise<AssetType[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Asset/Types",
      query: { $filter: filterText(query.filter), $top: query.top },
      operation: "asset.types",
    }, { allowEmpty: true });
    return parseResponse(AssetTypeListSchema, data ?? [], "asset.types");
  }

  /**
   * Creates or updates an asset type.
   *
   * @param type The type; `typeName` is required.
   * @returns The type as saved, with its `typeId`.
   */
  async saveType(type: AssetType): Promise<AssetType> {
    if (typeof type?.typeName !== "string" || !type.typeName.trim()) {
      throw new TypeError("asset.saveType needs a type name");
    }
    const data = await this.#transport.send({
      method: "PUT",
      path: "/api/Asset/Types",
      json: type,
      operation: "asset.saveType",
    });
    return parseResponse(AssetTypeSchema, data, "asset.saveType");
  }

  async #flag(
    method: "PUT" | "POST" | "DELETE",
    path: string,
    operation: string,
    query: Record<string, string | number | boolean | undefined>,
    idempotent?: boolean,
  ): Promise<boolean> {
    const data = await this.#transport.send({ method, path, query, operation, idempotent }, {
      allowEmpty: true,
    });
    return isConfirmed(data);
  }

  async #setCount(
    ref: AssetRef,
    route: "SetRunningCount" | "SetTotalCount",
    name: "runningCount" | "totalCount",
    value: number,
  ): Promise<boolean> {
    const operation = `asset.${route[0].toLowerCase()}${route.slice(1)}`;
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`${operation} needs a whole count >= 0, got ${value}`);
    }
    return await this.#flag("PUT", `/api/Asset/${route}`, operation, {
      ...refQuery(ref, operation),
      [name]: value,
    });
  }

  async #service(
    ref: AssetRef,
    kind: "Calibration" | "Maintenance",
    options: { date?: Date; comment?: string },
  ): Promise<boolean> {
    const operation = `asset.record${kind}`;
    return await this.#flag("POST", `/api/Asset/${kind}`, operation, {
      ...refQuery(ref, operation),
      dateTime: options.date?.toISOString(),
      comment: options.comment,
    });
  }

  async #external(
    ref: AssetRef,
    kind: "Calibration" | "Maintenance",
    record: ExternalRecord,
  ): Promise<boolean> {
    const operation = `asset.recordExternal${kind}`;
    if (!(record?.from instanceof Date) || !(record.to instanceof Date)) {
      throw new TypeError(`${operation} needs the from and to dates`);
    }
    if (record.to.getTime() < record.from.getTime()) {
      throw new RangeError(`${operation}: the validity ends before it starts`);
    }
    return await this.#flag("POST", `/api/Asset/${kind}/External`, operation, {
      ...refQuery(ref, operation),
      fromDate: record.from.toISOString(),
      toDate: record.to.toISOString(),
      comment: record.comment,
    });
  }

  async #require(ref: AssetRef): Promise<Asset> {
    const asset = await this.get(ref);
    if (asset === null) {
      const q = refQuery(ref, "asset");
      throw new NotFoundError(`Asset '${q.id ?? q.serialNumber}' was not found`, {
        operation: "asset.get",
        status: 404,
      });
    }
    return asset;
  }

  async #idOf(ref: AssetRef, operation: string): Promise<string> {
    const q = refQuery(ref, operation);
    if (q.id) return q.id;
    const asset = await this.#require(ref);
    if (!asset.assetId) throw new TypeError(`${operation}: the server did not answer an asset id`);
    return asset.assetId;
  }
}
