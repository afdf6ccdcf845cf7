/**
 * Analytics (`/api/App` and internal `/api/internal/UnitFlow`): yield, top failed steps, step and
 * measurement statistics, report lists, repair statistics, OEE and unit flow.
 *
 * Every filter goes through {@linkcode serializeFilter} (dates in UTC, wildcard lists joined,
 * `status: "all"` dropped). Two rules of the server are applied here:
 *
 * - Dynamic yield and dynamic repair answer nothing for a period query unless
 *   `includeCurrentPeriod` is set; when `periodCount` or `dateGrouping` is given and
 *   `includeCurrentPeriod` is not, it is sent as `true`. `dimensions` also travels in the query
 *   string, which some server versions read instead of the body.
 * - Measurement paths are sent as the `measurementPaths` query parameter in `¶` format (`/` and
 *   `::` are converted); the server may nest rows under `measurements`, which are flattened.
 *
 * The list routes have a GET form with no filter: calling a method without a filter uses it.
 *
 * @module
 */

import type { QueryValue, Transport } from "../http/transport.ts";
import { measurementPaths, serializeFilter, type WatsFilter } from "../models/analytics.ts";
import {
  type OeeAnalysisResult,
  OeeAnalysisResultSchema,
  RepairHistoryListSchema,
  type RepairHistoryRecord,
  type RepairStatistics,
  RepairStatisticsListSchema,
  type TopFailedStep,
  TopFailedStepListSchema,
  type YieldData,
  YieldDataListSchema,
} from "../models/analytics_results.ts";
import {
  type AggregatedMeasurement,
  AggregatedMeasurementListSchema,
  type MeasurementData,
  MeasurementDataListSchema,
  type StepAnalysisRow,
  StepAnalysisRowListSchema,
} from "../models/measurement_results.ts";
import { type ReportHeader, ReportHeaderListSchema } from "../models/report_header.ts";
import type { Schema } from "../models/report/schema.ts";
import type { UnitFlowQuery, UnitFlowResult } from "../models/unit_flow.ts";
import { AnalyticsInternal } from "./analytics_internal.ts";
import { requireText } from "./_input.ts";
import { parseResponse } from "./_parse.ts";

const DAY_MS = 86_400_000;

/**
 * Options of {@linkcode AnalyticsService.testStepAnalysisForOperation}.
 *
 * @category Analytics
 */
export interface OperationAnalysisOptions {
  /** Revision. */
  revision?: string;
  /** Days back from now. Default 30. */
  days?: number;
  /** Which run: 1 first (default), -1 last, -2 all. */
  run?: number;
  /** The most rows. Default 10 000. */
  maxCount?: number;
  /** The clock for "now". */
  now?: () => Date;
}

/**
 * Sets `includeCurrentPeriod: true` on a period query that does not say (see the module notes).
 *
 * @param body A serialised filter.
 * @returns The body, with the default applied.
 */
function withCurrentPeriod(body: Record<string, unknown>): Record<string, unknown> {
  const periodic = body.periodCount !== undefined || body.dateGrouping !== undefined;
  return periodic && body.includeCurrentPeriod === undefined
    ? { ...body, includeCurrentPeriod: true }
    : body;
}

/** Rows nested under `measurements` become rows of their own, keeping the outer fields. */
function flattenMeasurements(data: unknown): unknown {
  const rows = Array.isArray(data) ? data : data && typeof data === "object" ? [data] : [];
  return rows.flatMap((row) => {
    if (!row || typeof row !== "object" || !Array.isArray(row.measurements)) return [row];
    const { measurements, ...outer } = row as Record<string, unknown>;
    return (measurements as unknown[]).map((inner) =>
      inner && typeof inner === "object" ? { ...outer, ...inner } : inner
    );
  });
}

/**
 * Analytics, reached as `wats.analytics`.
 *
 * @example First-pass yield of a product per week, and its worst steps
 * ```ts
 * import assert from "node:assert/strict";
 * import { createUutReport, Wats } from "@wats/toolkit";
 * import { dimensions } from "@wats/toolkit/models";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * for (const [sn, volts] of [["SN-1", 3.3], ["SN-2", 3.9]] as const) {
 *   await wats.report.submit(
 *     createUutReport({ pn: "PCB-1", sn, rev: "A", processCode: 10 })
 *       .numericStep("Voltage", volts, { compOp: "GELE", low: 3.2, high: 3.4, unit: "V" })
 *       .build(),
 *   );
 * }
 * const rows = await wats.analytics.dynamicYield({
 *   partNumber: "PCB-1",
 *   dateGrouping: "week",
 *   periodCount: 4,
 *   dimensions: dimensions("partNumber", "period"),
 * });
 * assert.equal(rows.length, 1);
 * assert.equal(rows[0].fpy, 50);
 * const worst = await wats.analytics.topFailed({ partNumber: "PCB-1", topCount: 5 });
 * assert.equal(worst[0].stepName, "Voltage");
 * ```
 *
 * @category Analytics
 */
export class AnalyticsService {
  #transport: Transport;
  /** The internal routes: unit flow variants, step lists, top failed steps, alarm logs. */
  readonly internal: AnalyticsInternal;

  /**
   * Creates the service on a transport.
   *
   * @param transport The HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
    this.internal = new AnalyticsInternal(transport);
  }

  async #post<T>(
    route: string,
    schema: Schema<T>,
    body: Record<string, unknown>,
    query: Record<string, QueryValue> = {},
    shape: (data: unknown) => unknown = (data) => data ?? [],
  ): Promise<T> {
    const operation = `analytics.${route[0].toLowerCase()}${route.slice(1)}`;
    const data = await this.#transport.send({
      method: "POST",
      path: `/api/App/${route}`,
      json: body,
      query,
      idempotent: true,
      operation,
    }, { allowEmpty: true });
    return parseResponse(schema, shape(data), operation);
  }

  async #get<T>(route: string, schema: Schema<T>, query: Record<string, QueryValue>): Promise<T> {
    const operation = `analytics.${route[0].toLowerCase()}${route.slice(1)}`;
    const data = await this.#transport.send({
      method: "GET",
      path: `/api/App/${route}`,
      query,
      operation,
    }, { allowEmpty: true });
    return parseResponse(schema, data ?? [], operation);
  }

  #list<T>(route: string, schema: Schema<T>, filter: WatsFilter | undefined): Promise<T> {
    return filter === undefined
      ? this.#get(route, schema, {})
      : this.#post(route, schema, serializeFilter(filter));
  }

  /**
   * Yield grouped by the filter's dimensions (`POST /api/App/DynamicYield`).
   *
   * @param filter The filter; `dimensions` picks the grouping.
   * @returns One row per group.
   */
  dynamicYield(filter: WatsFilter = {}): Promise<YieldData[]> {
    const body = withCurrentPeriod(serializeFilter(filter));
    return this.#post("DynamicYield", YieldDataListSchema, body, {
      dimensions: body.dimensions as string | undefined,
    });
  }

  /**
   * Daily yield of one product over the last days.
   *
   * @param partNumber The part number.
   * @param options The revision, and how many days (default 30).
   * @returns One row per day.
   */
  yieldSummary(
    partNumber: string,
    options: { revision?: string; days?: number } = {},
  ): Promise<YieldData[]> {
    return this.dynamicYield({
      partNumber: requireText(partNumber, "a part number", "analytics.yieldSummary"),
      revision: options.revision,
      periodCount: options.days ?? 30,
      dimensions: "partNumber;period",
    });
  }

  /**
   * Daily yield of one station over the last days.
   *
   * @param stationName The station name.
   * @param days How many days (default 7).
   * @returns One row per day.
   */
  stationYield(stationName: string, days = 7): Promise<YieldData[]> {
    return this.dynamicYield({
      stationName: requireText(stationName, "a station name", "analytics.stationYield"),
      periodCount: days,
      dimensions: "stationName;period",
    });
  }

  /**
   * Yield per product, most volume first; the GET form when no filter is given.
   *
   * @param filter The filter.
   * @returns The rows.
   */
  volumeYield(filter?: WatsFilter): Promise<YieldData[]> {
    return this.#list("VolumeYield", YieldDataListSchema, filter);
  }

  /**
   * The products with the most units tested.
   *
   * @param filter The filter; the GET form when absent.
   * @returns The rows, most volume first.
   */
  highVolume(filter?: WatsFilter): Promise<YieldData[]> {
    return this.#list("HighVolume", YieldDataListSchema, filter);
  }

  /**
   * Yield per product group, most volume first.
   *
   * @param filter The filter.
   * @returns The rows.
   */
  highVolumeByProductGroup(filter: WatsFilter = {}): Promise<YieldData[]> {
    return this.#post("HighVolumeByProductGroup", YieldDataListSchema, serializeFilter(filter));
  }

  /**
   * The products with the lowest first-pass yield.
   *
   * @param filter The filter; the GET form when absent.
   * @returns The rows, worst first.
   */
  worstYield(filter?: WatsFilter): Promise<YieldData[]> {
    return this.#list("WorstYield", YieldDataListSchema, filter);
  }

  /**
   * Yield per product group, worst first.
   *
   * @param filter The filter.
   * @returns The rows.
   */
  worstYieldByProductGroup(filter: WatsFilter = {}): Promise<YieldData[]> {
    return this.#post("WorstYieldByProductGroup", YieldDataListSchema, serializeFilter(filter));
  }

  /**
   * Repair statistics grouped by the filter's dimensions (`POST /api/App/DynamicRepair`).
   *
   * @param filter The filter; repair dimensions such as `repairCode` or `componentRef` allowed.
   * @returns One row per group.
   */
  dynamicRepair(filter: WatsFilter = {}): Promise<RepairStatistics[]> {
    const body = withCurrentPeriod(serializeFilter(filter));
    return this.#post("DynamicRepair", RepairStatisticsListSchema, body, {
      dimensions: body.dimensions as string | undefined,
    });
  }

  /**
   * The failures repaired on units of a part number and revision.
   *
   * @param partNumber The part number.
   * @param revision The revision.
   * @returns One record per repaired failure.
   */
  relatedRepairHistory(partNumber: string, revision: string): Promise<RepairHistoryRecord[]> {
    const operation = "analytics.relatedRepairHistory";
    return this.#get("RelatedRepairHistory", RepairHistoryListSchema, {
      partNumber: requireText(partNumber, "a part number", operation),
      revision: requireText(revision, "a revision", operation),
    });
  }

  /**
   * The steps that failed most often.
   *
   * @param filter The filter (`topCount` limits the rows); the GET form when absent.
   * @returns The steps, most failures first.
   */
  topFailed(filter?: WatsFilter): Promise<TopFailedStep[]> {
    return this.#list("TopFailed", TopFailedStepListSchema, filter);
  }

  /**
   * Per-step statistics: counts per status, step times, limits and measurement statistics.
   *
   * @param filter The filter; `run` picks the runs, `maxCount` limits the reports.
   * @returns One row per step (per measurement of multi-measurement steps).
   */
  testStepAnalysis(filter: WatsFilter): Promise<StepAnalysisRow[]> {
    return this.#post("TestStepAnalysis", StepAnalysisRowListSchema, serializeFilter(filter));
  }

  /**
   * Step analysis of one product and test operation over the last days.
   *
   * @param partNumber The part number.
   * @param testOperation The test operation (name or code).
   * @param options Revision, days, run, row limit and clock.
   * @returns The rows.
   */
  testStepAnalysisForOperation(
    partNumber: string,
    testOperation: string,
    options: OperationAnalysisOptions = {},
  ): Promise<StepAnalysisRow[]> {
    const operation = "analytics.testStepAnalysisForOperation";
    const now = (options.now ?? (() => new Date()))();
    return this.testStepAnalysis({
      partNumber: requireText(partNumber, "a part number", operation),
      testOperation: requireText(testOperation, "a test operation", operation),
      revision: options.revision,
      dateFrom: new Date(now.getTime() - (options.days ?? 30) * DAY_MS),
      run: options.run ?? 1,
      maxCount: options.maxCount ?? 10_000,
    });
  }

  #measurementCall<T>(
    route: string,
    schema: Schema<T>,
    filter: WatsFilter,
    paths: string | readonly string[] | undefined,
  ): Promise<T> {
    const { measurementPaths: inFilter, ...rest } = filter;
    const chosen = paths ?? (inFilter as string | readonly string[] | undefined);
    const query = { measurementPaths: chosen === undefined ? undefined : measurementPaths(chosen) };
    return this.#post(route, schema, serializeFilter(rest), query, flattenMeasurements);
  }

  /**
   * Individual measured values of measurement paths.
   *
   * @param filter The filter; give `partNumber` and `testOperation`, or the server scans widely.
   * @param paths Paths with `/` or `¶` between steps and `::` before a measurement name.
   * @returns One row per value, nested answers flattened.
   */
  measurements(filter: WatsFilter, paths?: string | readonly string[]): Promise<MeasurementData[]> {
    return this.#measurementCall("Measurements", MeasurementDataListSchema, filter, paths);
  }

  /**
   * Statistics (count, min, max, mean, σ, Cp, Cpk) of measurement paths.
   *
   * @param filter The filter; give `partNumber` and `testOperation`.
   * @param paths Paths as for {@linkcode AnalyticsService.measurements}.
   * @returns One row per path.
   */
  aggregatedMeasurements(
    filter: WatsFilter,
    paths?: string | readonly string[],
  ): Promise<AggregatedMeasurement[]> {
    return this.#measurementCall(
      "AggregatedMeasurements",
      AggregatedMeasurementListSchema,
      filter,
      paths,
    );
  }

  /**
   * Overall equipment effectiveness over the filter's scope.
   *
   * @param filter The filter; `dateFrom`/`dateTo` set the planned time.
   * @returns The result, or `null` when the server answers nothing.
   */
  async oee(filter: WatsFilter): Promise<OeeAnalysisResult | null> {
    const data = await this.#transport.send({
      method: "POST",
      path: "/api/App/OeeAnalysis",
      json: serializeFilter(filter),
      idempotent: true,
      operation: "analytics.oee",
    }, { allowEmpty: true });
    return data === null ? null : parseResponse(OeeAnalysisResultSchema, data, "analytics.oee");
  }

  /**
   * Every report (UUT and UUR) of the units the filter selects, newest first.
   *
   * @param filter A filter, or just a serial number.
   * @returns The headers.
   */
  serialNumberHistory(filter: WatsFilter | string): Promise<ReportHeader[]> {
    const body = typeof filter === "string"
      ? { serialNumber: requireText(filter, "a serial number", "analytics.serialNumberHistory") }
      : filter;
    return this.#post("SerialNumberHistory", ReportHeaderListSchema, serializeFilter(body));
  }

  /**
   * UUT report headers, newest first.
   *
   * @param filter The filter; the GET form when absent.
   * @returns The headers.
   */
  uutReports(filter?: WatsFilter): Promise<ReportHeader[]> {
    return this.#list("UutReport", ReportHeaderListSchema, filter);
  }

  /**
   * UUR (repair) report headers, newest first.
   *
   * @param filter The filter.
   * @returns The headers.
   */
  uurReports(filter: WatsFilter = {}): Promise<ReportHeader[]> {
    return this.#post("UurReport", ReportHeaderListSchema, serializeFilter(filter));
  }

  /**
   * How units moved through the operations (internal route; see
   * {@linkcode AnalyticsInternal.unitFlow}).
   *
   * @param query What to include.
   * @returns Nodes, links and units; empty lists when the server answers nothing.
   */
  unitFlow(query: UnitFlowQuery = {}): Promise<UnitFlowResult> {
    return this.internal.unitFlow(query);
  }
}
