/**
 * The options of the builder's step methods.
 *
 * @module
 */
import type { Chart } from "./chart.ts";
import type { NumericCompOp, StringCompOp } from "./comp_op.ts";
import type { NumericValue } from "./measurements.ts";
import type { AdditionalData } from "./misc.ts";
import type { StepGroup, StepStatus } from "./status.ts";
import type { LoopInfo, SequenceCallInfo, StepAttachment } from "./step_parts.ts";

/** Options every step method takes. */
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

/** Options of {@linkcode SequenceBuilder.numericStep}. */
export interface NumericStepOptions extends StepOptions {
  /** Comparison operator; `LOG` by default. */
  compOp?: NumericCompOp;
  /** Low limit, the only limit of single-limit operators. */
  low?: number | NumericValue;
  /** High limit of two-limit operators. */
  high?: number | NumericValue;
  /** Unit; `"NA"` by default. */
  unit?: string;
}

/** One measurement of {@linkcode SequenceBuilder.multiNumericStep}. */
export interface NumericMeasurementInput extends Omit<NumericStepOptions, keyof StepOptions> {
  /** Measurement name, unique within the step (duplicates get ` #2`, ` #3`). */
  name: string;
  /** The measured value; `NaN` and `±Infinity` are written as `"NaN"`, `"Inf"`, `"-Inf"`. */
  value: number | NumericValue;
  /** Measurement status; evaluated from the limits when absent. */
  status?: StepStatus;
}

/** Options of {@linkcode SequenceBuilder.stringStep}. */
export interface StringStepOptions extends StepOptions {
  /** Comparison operator; `LOG` by default (`CASESENSIT`, `IGNORECASE`, `EQ`, `NE` need a limit). */
  compOp?: StringCompOp;
  /** The expected text. */
  limit?: string;
}

/** One measurement of {@linkcode SequenceBuilder.multiStringStep}. */
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

/** One measurement of {@linkcode SequenceBuilder.multiPassFailStep}. */
export interface PassFailMeasurementInput {
  /** Measurement name, unique within the step. */
  name: string;
  /** Whether it passed. */
  passed: boolean;
}

/** Options of {@linkcode SequenceBuilder.sequence}. */
export interface SequenceOptions extends StepOptions {
  /** The sequence called; defaults `C:/SequenceCall.seq`, the step name, `1.0.0`. */
  seqCall?: SequenceCallInfo;
}

/** Options of {@linkcode SequenceBuilder.chartStep}. */
export interface ChartStepOptions extends StepOptions {
  /** Measurements derived from the chart (min, max, mean …). */
  measurements?: NumericMeasurementInput[];
}

/** Settings a builder hands down to its sequences. */
export interface SequenceBuilderOptions {
  /** Minutes east of UTC used to write `Date` start times; the host's offset by default. */
  utcOffsetMinutes?: number;
}
