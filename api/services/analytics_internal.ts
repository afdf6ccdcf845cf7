/**
 * The internal analytics routes, reached as `wats.analytics.internal`: the unit flow and its
 * variants (`/api/internal/UnitFlow`, `…/SN`, `…/SplitBy`, `…/UnitOrder`), the measurement and
 * step status lists and the top failed steps under `/api/internal/App`, and the alarm and
 * notification logs (`/api/internal/Trigger/GetAlarmAndNotificationLogs`).
 *
 * These routes are undocumented and may change (the WATS API spec §3.6). The `App` lists have two
 * forms: given a `filter`, the filter is POSTed; otherwise the GET form is used, which selects by
 * product group id, level id and a number of days back from now. Step and sequence filters travel
 * as XML text in the query string either way. Alarm types are filtered here, as the server answers
 * every type.
 *
 * @module
 */

import type { QueryValue, Transport } from "../http/transport.ts";
import { serializeFilter, toUtcIso, type WatsFilter } from "../models/analytics.ts";
import {
  type AlarmLog,
  AlarmLogListSchema,
  type AlarmType,
  type MeasurementListItem,
  MeasurementListSchema,
  type StepStatusItem,
  StepStatusListSchema,
} from "../models/analytics_internal.ts";
import { type TopFailedStep, TopFailedStepListSchema } from "../models/analytics_results.ts";
import type { Schema } from "../models/report/schema.ts";
import {
  type UnitFlowQuery,
  type UnitFlowResult,
  UnitFlowResultSchema,
} from "../models/unit_flow.ts";
import { requireText } from "./_input.ts";
import { parseResponse } from "./_parse.ts";

/** What a measurement or step status list selects. */
export interface StepListQuery {
  /** A filter to POST; without one the GET form (`productGroupId`, `levelId`, `days`) is used. */
  filter?: WatsFilter;
  /** Product group id (GET form). */
  productGroupId?: number;
  /** Level id (GET form). */
  levelId?: number;
  /** Days back from now (GET form; the server requires it). */
  days?: number;
  /** Step filters, XML text. */
  stepFilters?: string;
  /** Sequence filters, XML text. */
  sequenceFilters?: string;
}

/** What {@linkcode AnalyticsInternal.topFailed} selects. */
export interface InternalTopFailedQuery {
  /** A filter to POST; without one the GET form is used. */
  filter?: WatsFilter;
  /** Part number (GET form). */
  partNumber?: string;
  /** Test operation code (GET form). */
  processCode?: number;
  /** Product group id (GET form). */
  productGroupId?: number;
  /** Level id (GET form). */
  levelId?: number;
  /** Days back from now (GET form; the server requires it). */
  days?: number;
  /** How many steps. Default 10. */
  count?: number;
}

/** What {@linkcode AnalyticsInternal.alarmLogs} selects. */
export interface AlarmLogQuery {
  /** The most rows. */
  topCount?: number;
  /** The earliest log date; converted to UTC. */
  dateFrom?: Date | string;
  /** The latest log date; converted to UTC. */
  dateTo?: Date | string;
  /** Product group. */
  productGroup?: string;
  /** Level. */
  level?: string;
  /** Only this alarm type (filtered here). */
  type?: AlarmType;
}

function flowBody(query: UnitFlowQuery): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    body[key] = key === "dateFrom" || key === "dateTo"
      ? toUtcIso(value as Date | string, key)
      : value;
  }
  return body;
}

/** The internal analytics routes (see the module notes). */
export class AnalyticsInternal {
  #transport: Transport;

  /**
   * Creates the service on a transport.
   *
   * @param transport The HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  async #flow(route: string, body: Record<string, unknown>, operation: string) {
    const data = await this.#transport.send({
      method: "POST",
      path: `/api/internal/UnitFlow${route}`,
      json: body,
      internal: true,
      idempotent: true,
      operation,
    }, { allowEmpty: true });
    return parseResponse(
      UnitFlowResultSchema,
      data ?? { nodes: [], links: [], units: [] },
      operation,
    );
  }

  async #app<T>(
    route: string,
    schema: Schema<T>,
    query: Record<string, QueryValue>,
    body: Record<string, unknown> | undefined,
  ): Promise<T> {
    const operation = `analytics.internal.${route[0].toLowerCase()}${route.slice(1)}`;
    const data = await this.#transport.send({
      method: body === undefined ? "GET" : "POST",
      path: `/api/internal/App/${route}`,
      query,
      json: body,
      internal: true,
      idempotent: true,
      operation,
    }, { allowEmpty: true });
    return parseResponse(schema, data ?? [], operation);
  }

  #list<T>(route: string, schema: Schema<T>, query: StepListQuery): Promise<T> {
    const filters = { stepFilters: query.stepFilters, sequenceFilters: query.sequenceFilters };
    if (query.filter !== undefined) {
      return this.#app(route, schema, filters, serializeFilter(query.filter));
    }
    return this.#app(route, schema, {
      productGroupId: query.productGroupId,
      levelId: query.levelId,
      days: query.days,
      ...filters,
    }, undefined);
  }

  /**
   * How units moved through the operations (`POST /api/internal/UnitFlow`).
   *
   * @param query What to include.
   * @returns Nodes, links and units; empty lists when the server answers nothing.
   */
  unitFlow(query: UnitFlowQuery = {}): Promise<UnitFlowResult> {
    return this.#flow("", flowBody(query), "analytics.unitFlow");
  }

  /**
   * The flow of the given units only (`POST /api/internal/UnitFlow/SN`).
   *
   * @example Follow two units
   * ```ts ignore
   * import { Wats } from "@wats/toolkit";
   * const wats = Wats.fromEnv();
   * const flow = await wats.analytics.internal.unitFlowOf(["U1", "U2"]);
   * console.log(flow.units.map((u) => u.nodePath));
   * ```
   *
   * @param serialNumbers The units' serial numbers; at least one.
   * @param query What else to include.
   * @returns Nodes, links and units.
   */
  async unitFlowOf(
    serialNumbers: readonly string[],
    query: UnitFlowQuery = {},
  ): Promise<UnitFlowResult> {
    // async: bad arguments reject the promise, as every other failure of the call does.
    const operation = "analytics.internal.unitFlowOf";
    if (serialNumbers.length === 0) throw new TypeError(`${operation} needs a serial number`);
    for (const sn of serialNumbers) requireText(sn, "serial numbers that are not blank", operation);
    return await this.#flow(
      "/SN",
      { ...flowBody(query), serialNumbers: [...serialNumbers] },
      operation,
    );
  }

  /**
   * The flow with each operation split by a header field (`POST /api/internal/UnitFlow/SplitBy`).
   *
   * @param splitBy The field: `stationName`, `location`, `purpose`, `revision`, `operator`…
   * @param query What else to include.
   * @returns Nodes (one per operation and value, named `operation @ value`), links and units.
   */
  unitFlowSplitBy(splitBy: string, query: UnitFlowQuery = {}): Promise<UnitFlowResult> {
    const operation = "analytics.internal.unitFlowSplitBy";
    const field = requireText(splitBy, "a field to split by", operation);
    return this.#flow("/SplitBy", { ...flowBody(query), splitBy: field }, operation);
  }

  /**
   * The flow with its units in a given order (`POST /api/internal/UnitFlow/UnitOrder`).
   *
   * @param unitOrder A unit field (`serialNumber`, `startTime`, `endTime`, `status`…), optionally
   *   followed by ` desc`.
   * @param query What else to include.
   * @returns Nodes, links and units in that order.
   */
  unitFlowOrdered(unitOrder: string, query: UnitFlowQuery = {}): Promise<UnitFlowResult> {
    const operation = "analytics.internal.unitFlowOrdered";
    const order = requireText(unitOrder, "a unit order", operation);
    return this.#flow("/UnitOrder", { ...flowBody(query), unitOrder: order }, operation);
  }

  /**
   * Numeric measurements of the selected reports, one row each
   * (`/api/internal/App/MeasurementList`).
   *
   * @param query A filter (POST) or product group, level and days (GET), plus step filters.
   * @returns The rows, newest report first.
   */
  measurementList(query: StepListQuery): Promise<MeasurementListItem[]> {
    return this.#list("MeasurementList", MeasurementListSchema, query);
  }

  /**
   * Executed steps of the selected reports with their status, one row each
   * (`/api/internal/App/StepStatusList`).
   *
   * @param query A filter (POST) or product group, level and days (GET), plus step filters.
   * @returns The rows, newest report first.
   */
  stepStatusList(query: StepListQuery): Promise<StepStatusItem[]> {
    return this.#list("StepStatusList", StepStatusListSchema, query);
  }

  /**
   * The steps that failed most (`/api/internal/App/TopFailed`).
   *
   * @param query A filter (POST, `count` sent as `topCount`) or the GET parameters.
   * @returns The steps, most failures first.
   */
  topFailed(query: InternalTopFailedQuery): Promise<TopFailedStep[]> {
    if (query.filter !== undefined) {
      const body = serializeFilter(query.filter);
      if (query.count !== undefined) body.topCount = query.count;
      return this.#app("TopFailed", TopFailedStepListSchema, {}, body);
    }
    return this.#app("TopFailed", TopFailedStepListSchema, {
      partNumber: query.partNumber,
      processCode: query.processCode,
      productGroupId: query.productGroupId,
      levelId: query.levelId,
      days: query.days,
      count: query.count ?? 10,
    }, undefined);
  }

  /**
   * Alarms and notifications that fired
   * (`POST /api/internal/Trigger/GetAlarmAndNotificationLogs`).
   *
   * @param query Which rows; `type` is applied here.
   * @returns The rows, newest first.
   */
  async alarmLogs(query: AlarmLogQuery = {}): Promise<AlarmLog[]> {
    const operation = "analytics.internal.alarmLogs";
    const body: Record<string, unknown> = {};
    if (query.topCount !== undefined) body.topCount = query.topCount;
    if (query.dateFrom !== undefined) body.dateFrom = toUtcIso(query.dateFrom, "dateFrom");
    if (query.dateTo !== undefined) body.dateTo = toUtcIso(query.dateTo, "dateTo");
    if (query.productGroup !== undefined) body.productGroup = query.productGroup;
    if (query.level !== undefined) body.level = query.level;
    const data = await this.#transport.send({
      method: "POST",
      path: "/api/internal/Trigger/GetAlarmAndNotificationLogs",
      json: body,
      internal: true,
      idempotent: true,
      operation,
    }, { allowEmpty: true });
    const rows = parseResponse(AlarmLogListSchema, data ?? [], operation);
    return query.type === undefined ? rows : rows.filter((row) => row.type === query.type);
  }
}
