/**
 * Charts (XY graphs) on steps: `WATS_XYGMNLT` steps carry one beside their measurements.
 *
 * Series data are `;`-joined numbers. pyWATS' chart helper defaults `chartType` to
 * `"LineChart"`, which is not a valid value; this schema rejects it.
 *
 * @module
 */
import { z } from "zod";
import { numberList, text } from "./_primitives.ts";
import type { Schema } from "./schema.ts";

/**
 * The chart types WATS draws.
 *
 * @example Check a chart type
 * ```ts
 * import assert from "node:assert/strict";
 * import { CHART_TYPES } from "@wats/toolkit/report";
 *
 * assert.ok(CHART_TYPES.includes("LineLogX"));
 * ```
 *
 * @category Report model
 */
export const CHART_TYPES = ["Line", "LineLogXY", "LineLogX", "LineLogY"] as const;

/**
 * A chart type.
 *
 * @category Report model
 */
export type ChartType = (typeof CHART_TYPES)[number];

/**
 * One series of a chart.
 *
 * @category Report model
 */
export interface ChartSeries {
  /** Series data type; `"XYG"` by default. */
  dataType?: string | null;
  /** Series name, at most 100 characters. */
  name?: string | null;
  /** X values, `;`-joined. */
  xdata?: string | null;
  /** Y values, `;`-joined. */
  ydata?: string | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * A chart on a step (`chart`).
 *
 * @category Report model
 */
export interface Chart {
  /** How to draw the axes. */
  chartType?: ChartType | null;
  /** Chart title, at most 100 characters (`"Chart"` by default). */
  label?: string | null;
  /** X-axis label. */
  xLabel?: string | null;
  /** X-axis unit. */
  xUnit?: string | null;
  /** Y-axis label. */
  yLabel?: string | null;
  /** Y-axis unit. */
  yUnit?: string | null;
  /** The series drawn. */
  series?: ChartSeries[] | null;
  /** Keys this model does not know, kept as they came. */
  [key: string]: unknown;
}

/**
 * @internal The zod form of a chart series.
 *
 * @category Report model
 */
export const chartSeries: z.ZodType<ChartSeries> = z.looseObject({
  dataType: text(100).nullish(),
  name: text(100).nullish(),
  xdata: numberList.nullish(),
  ydata: numberList.nullish(),
});

/**
 * @internal The zod form of {@linkcode ChartSchema}.
 *
 * @category Report model
 */
export const chart: z.ZodType<Chart> = z.looseObject({
  chartType: z.enum(CHART_TYPES).nullish(),
  label: text(100).nullish(),
  xLabel: text(100).nullish(),
  xUnit: text(100).nullish(),
  yLabel: text(100).nullish(),
  yUnit: text(100).nullish(),
  series: z.array(chartSeries).nullish(),
});

/**
 * Schema of a step's chart.
 *
 * @example Validate a chart
 * ```ts
 * import assert from "node:assert/strict";
 * import { ChartSchema } from "@wats/toolkit/report";
 *
 * const chart = ChartSchema.parse({
 *   chartType: "Line",
 *   label: "Ripple",
 *   series: [{ name: "V", xdata: "0;1", ydata: "4.9;5.1" }],
 * });
 * assert.equal(chart.series?.[0].name, "V");
 * ```
 *
 * @category Report model
 */
export const ChartSchema: Schema<Chart> = chart;
