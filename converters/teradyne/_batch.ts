/**
 * The i3070 log record format, line by line: `{@BATCH|uut type|rev|fixture|testhead|type|process
 * step|batch|operator|controller|testplan|testplan rev|…`, then per board `{@BTEST|board id|status|
 * start yyMMddHHmmss|duration|…|end|qualifier|board number|panel id` holding `{@BLOCK|designator|
 * status` records with analog results `{@A-RES|status|value[|subtest]{@LIM2|high|low}}` (or
 * `{@LIM3|nominal|high|low}`), and `{@TS|…}` shorts, `{@PF|…}` pins records. Braces nest; a board
 * is finished when its `{@BTEST` record closes.
 *
 * @module
 */
import type {
  NumericMeasurementInput,
  Report,
  SequenceBuilder,
  StepStatus,
} from "../../api/models/report/mod.ts";
import { ConversionError } from "../contract.ts";
import { parseVendorDate } from "../_report_kit.ts";
import { componentKind } from "../_vendor_parts.ts";
import { finishReport, finite, limitsOf, startReport, StepGroups } from "../_vendor_kit.ts";
import { ANALOG_UNITS } from "./_ict_units.ts";
import { UnitReader } from "./_reader.ts";

/** Arguments of the Teradyne ICT converter. */
export interface TeradyneArgs {
  /** Test operation code. */
  processCode: number;
  /** Station name; the station default when empty. */
  stationName: string;
  /** Version of the root sequence. */
  sequenceVersion: string;
  /** Part revision when the file gives none. */
  partRevision: string;
}

const RECORD = /^\{@([A-Za-z0-9-]+)\|?/;
const ANALOG = /^\{@(A-[A-Z]+)\|([^|{}]*)\|([^|{}]*)(?:\|([^|{}]*))?(?:\{@LIM([23])\|([^{}]*)\})?/;
const STAMP = "yyMMddHHmmss";

interface Batch {
  pn: string;
  rev: string;
  fixture: string;
  batch: string;
  operator: string;
  controller: string;
  testplan: string;
  testplanRev: string;
}

interface Board {
  fields: string[];
  line: number;
  depth: number;
  steps: StepGroups;
}

interface Block {
  designator: string;
  status: StepStatus;
  depth: number;
  measurements: NumericMeasurementInput[];
}

function statusOf(code: string | undefined): StepStatus {
  return code === undefined || /^\s*0*\s*$/.test(code) ? "P" : "F";
}

function braces(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123) n++;
    else if (c === 125) n--;
  }
  return n;
}

/** Reads a log record file; {@linkcode BatchLog.line} returns a report when a board closes. */
export class BatchLog extends UnitReader<TeradyneArgs> {
  #batch: Batch | null = null;
  #board: Board | null = null;
  #block: Block | null = null;
  #depth = 0;

  line(t: string, line: number): Report | null {
    let done: Report | null = null;
    const record = RECORD.exec(t);
    if (record !== null) {
      const name = record[1].toUpperCase();
      if (name === "BTEST" && this.#board !== null) done = this.#finish();
      this.#record(name, t, line);
    } else if (t[0] !== "}") {
      this.skipped++;
    }
    this.#depth += braces(t);
    if (this.#block !== null && this.#depth <= this.#block.depth) this.#closeBlock();
    if (this.#board !== null && this.#depth <= this.#board.depth) done = this.#finish();
    return done;
  }

  /**
   * Ends the file.
   *
   * @returns `null`: every board ends where its record closes.
   * @throws {ConversionError} When a board record is still open (a truncated log).
   */
  end(): null {
    if (this.#board !== null) {
      throw new ConversionError(
        `Truncated log: the board record opened on line ${this.#board.line} is not closed`,
        { file: this.file, line: this.#board.line, stage: "parse" },
      );
    }
    return null;
  }

  #record(name: string, t: string, line: number): void {
    const place = { file: this.file, line };
    const fields = t.replace(/\}+$/, "").split("|");
    if (name === "BATCH") {
      const f = (i: number) => (fields[i] ?? "").trim();
      this.#batch = {
        pn: f(1),
        rev: f(2),
        fixture: f(3),
        batch: f(7),
        operator: f(8),
        controller: f(9),
        testplan: f(10),
        testplanRev: f(11),
      };
    } else if (name === "BTEST") {
      this.#board = { fields, line, depth: this.#depth, steps: new StepGroups() };
    } else if (this.#board === null) {
      this.skipped++;
    } else if (name === "BLOCK") {
      if (this.#block !== null) this.#closeBlock();
      this.#block = {
        designator: (fields[1] ?? "").trim() || "Block",
        status: statusOf(fields[2]),
        depth: this.#depth,
        measurements: [],
      };
    } else if (name.startsWith("A-")) {
      this.#analog(t, place);
    } else if (name === "TS") {
      const status = statusOf(fields[1]);
      this.#board.steps.add("", (s) => s.passFailStep("Shorts", status === "P"));
    } else if (name === "PF") {
      const status = statusOf(fields[2]);
      const pins = (fields[1] ?? "").trim();
      this.#board.steps.add(
        "",
        (s) => s.passFailStep(pins ? `Pins ${pins}` : "Pins", status === "P"),
      );
    } else if (this.#block === null) {
      this.skipped++;
    }
  }

  #analog(t: string, place: { file: string; line: number }): void {
    const m = ANALOG.exec(t);
    if (m === null) {
      throw new ConversionError("Malformed analog record", { ...place, stage: "parse" });
    }
    const [, type, code, valueText, subtest, lim, limText] = m;
    const value = finite(valueText, place);
    let low: number | undefined, high: number | undefined;
    if (lim !== undefined) {
      const parts = limText.split("|").map((p) => finite(p, place));
      [high, low] = lim === "2" ? [parts[0], parts[1]] : [parts[1], parts[2]];
    }
    const base = ANALOG_UNITS.get(type) ?? "";
    const measurement: NumericMeasurementInput = {
      name: (subtest ?? "").trim() || type,
      value,
      ...limitsOf(low, high),
      unit: base || undefined,
      status: statusOf(code),
    };
    if (this.#block !== null) this.#block.measurements.push(measurement);
    else {
      const { name, ...rest } = measurement;
      this.#board!.steps.add(componentKind(name), (s) => s.numericStep(name, value, rest));
    }
  }

  #closeBlock(): void {
    const block = this.#block!;
    this.#block = null;
    const { designator, measurements, status } = block;
    let write: (s: SequenceBuilder) => void;
    if (measurements.length === 0) {
      write = (s) => s.passFailStep(designator, status === "P");
    } else if (measurements.length === 1) {
      const { name: _name, value, ...rest } = measurements[0];
      write = (s) => s.numericStep(designator, value, rest);
    } else {
      write = (s) => s.multiNumericStep(designator, measurements);
    }
    this.#board!.steps.add(componentKind(designator), write);
  }

  #finish(): Report {
    if (this.#block !== null) this.#closeBlock();
    const board = this.#board!;
    this.#board = null;
    const f = (i: number) => (board.fields[i] ?? "").trim();
    const place = { file: this.file, line: board.line, element: "BTEST" };
    const batch = this.#batch;
    if (batch === null || batch.pn === "") {
      throw new ConversionError(
        "No {@BATCH record with the UUT type (part number) before the board",
        {
          ...place,
          stage: "map",
        },
      );
    }
    const start = f(3) ? parseVendorDate(f(3), STAMP, place) : undefined;
    const duration = f(4) ? finite(f(4), place) : undefined;
    const builder = startReport(this.context, {
      pn: batch.pn,
      sn: f(1),
      rev: batch.rev || this.args.partRevision,
      processCode: this.args.processCode,
      start,
      execTime: duration,
      operator: batch.operator || undefined,
      batchSN: batch.batch || undefined,
      fixtureId: batch.fixture || undefined,
      result: statusOf(f(2)) === "F" ? "F" : undefined,
      seqCall: {
        name: (batch.testplan || batch.pn).slice(0, 200),
        version: (batch.testplanRev || this.args.sequenceVersion).slice(0, 30),
      },
      station: { machineName: this.args.stationName || batch.controller },
      stationFallback: { machineName: "Teradyne i3070", location: "Production", purpose: "ICT" },
    }, place);
    if (f(13)) builder.miscInfo("Panel", f(13));
    if (f(12)) builder.miscInfo("Board number", f(12));
    board.steps.writeTo(builder);
    return finishReport(builder, place);
  }
}
