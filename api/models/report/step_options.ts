/**
 * The options of the builder's step methods.
 *
 * @module
 */
import type { Chart } from "./chart.ts";
import type { StringCompOp } from "./comp_op.ts";
import type { NumericLimits } from "./limits.ts";
import type { NumericValue } from "./measurements.ts";
import type { AdditionalData } from "./misc.ts";
import type { StepGroup, StepStatus } from "./status.ts";
import type { LoopInfo, SequenceCallInfo, StepAttachment } from "./step_parts.ts";

/**
 * Options every step method takes.
 *
 * @category Report building
 */
export interface StepOptions {
  /** Setup, Main or Cleanup; `M` by default. */
  group?: StepGroup;
  /** Step status; computed from the measurements (or children) when absent. */
  status?: StepStatus;
  /** When the step started: a `Date` (written with the report's offset) or a date-time string. */
  start?: Date | string;
  /** Duration in seconds. */
  totTime?: number;
  /** Free text to report. */
  reportText?: string;
  /** Error code. */
  errorCode?: number;
  /** Error message. */
  errorMessage?: string;
  /** Loop info of a looping step. */
  loop?: LoopInfo;
  /** A chart. */
  chart?: Chart;
  /** An attached file. */
  attachment?: StepAttachment;
  /** Property trees. */
  additionalResults?: AdditionalData[];
  /** Step id; numbered depth-first when absent. */
  id?: number | string;
}

/**
 * Options of {@linkcode SequenceBuilder.numericStep}: the operator with exactly the limits it
 * compares against ({@linkcode NumericLimits}: `LOG` by default, `low` alone for one-limit
 * operators, `low` and `high` for two-limit ones), the unit, and the step options.
 *
 * @category Report building
 */
export type NumericStepOptions = StepOptions & NumericLimits & {
  /** Unit; `"NA"` by default. */
  unit?: string;
};

/**
 * One measurement of {@linkcode SequenceBuilder.multiNumericStep}: a name, a value, and the
 * operator with its limits as in {@linkcode NumericStepOptions}.
 *
 * @category Report building
 */
export type NumericMeasurementInput = NumericLimits & {
  /** Measurement name, unique within the step (duplicates get ` #2`, ` #3`). */
  name: string;
  /** The measured value; `NaN` and `±Infinity` are written as `"NaN"`, `"Inf"`, `"-Inf"`. */
  value: number | NumericValue;
  /** Unit; `"NA"` by default. */
  unit?: string;
  /** Measurement status; evaluated from the limits when absent. */
  status?: StepStatus;
};

/**
 * Options of {@linkcode SequenceBuilder.stringStep}.
 *
 * @category Report building
 */
export interface StringStepOptions extends StepOptions {
  /** Comparison operator; `LOG` by default (`CASESENSIT`, `IGNORECASE`, `EQ`, `NE` need a limit). */
  compOp?: StringCompOp;
  /** The expected text. */
  limit?: string;
}

/**
 * One measurement of {@linkcode SequenceBuilder.multiStringStep}.
 *
 * @category Report building
 */
export interface StringMeasurementInput {
  /** Measurement name, unique within the step. */
  name: string;
  /** The measured text. */
  value: string;
  /** Comparison operator; `LOG` by default. */
  compOp?: StringCompOp;
  /** The expected text. */
  limit?: string;
  /** Measurement status; evaluated when absent. */
  status?: StepStatus;
}

/**
 * One measurement of {@linkcode SequenceBuilder.multiPassFailStep}.
 *
 * @category Report building
 */
export interface PassFailMeasurementInput {
  /** Measurement name, unique within the step. */
  name: string;
  /** Whether it passed. */
  passed: boolean;
}

/**
 * Options of {@linkcode SequenceBuilder.sequence}.
 *
 * @category Report building
 */
export interface SequenceOptions extends StepOptions {
  /** The sequence called; defaults `C:/SequenceCall.seq`, the step name, `1.0.0`. */
  seqCall?: SequenceCallInfo;
}

/**
 * Options of {@linkcode SequenceBuilder.chartStep}.
 *
 * @category Report model
 */
export interface ChartStepOptions extends StepOptions {
  /** Measurements derived from the chart (min, max, mean …). */
  measurements?: NumericMeasurementInput[];
}

/**
 * Settings a builder hands down to its sequences.
 *
 * @category Report model
 */
export interface SequenceBuilderOptions {
  /** Minutes east of UTC used to write `Date` start times; the host's offset by default. */
  utcOffsetMinutes?: number;
}
