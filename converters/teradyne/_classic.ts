/**
 * The classic i3070 log, line by line: program line `X:\…\<PN>_….obc[DD-MMM-YY  HH:MM:SS`, a
 * start line per unit `@DD-MMM-YY  HH:MM:SS SN <serial>`, measurement lines
 * `Ref=value[prefix](low,high)Type`, general failures `(S`, `(O`, `(B`, `(C`, `(F`, and the end
 * event `"` pass, `/` fail, `*` error, `&` system error, `?` aborted, `!` cancelled, `]` returned
 * to diagnose. A log may hold many units; each is finished at its end event.
 *
 * @module
 */
import type { Report, ReportResult, StepStatus } from "../../api/models/report/mod.ts";
import { ConversionError } from "../contract.ts";
import { parseVendorDate } from "../_report_kit.ts";
import { componentKind } from "../_vendor_parts.ts";
import {
  finishReport,
  finite,
  limitsOf,
  rescale,
  startReport,
  StepGroups,
} from "../_vendor_kit.ts";
import { CLASSIC_PREFIXES, CLASSIC_UNITS, GENERAL_FAILURES } from "./_ict_units.ts";
import type { TeradyneArgs } from "./_batch.ts";
import { UnitReader } from "./_reader.ts";

const PROGRAM = /^(.*\.obc)\[\s*(\d{1,2}-[A-Za-z]{3}-\d{2}\s+\d{1,2}:\d{2}:\d{2})/i;
const START = /^@(\d{1,2}-[A-Za-z]{3}-\d{2}\s+\d{1,2}:\d{2}:\d{2})(?:\s+SN\s+(\S+))?/;
const EVENT = /^([?"/*&!\]])(\d{1,2}-[A-Za-z]{3}-\d{2}\s+\d{1,2}:\d{2}:\d{2})/;
const MEASURE =
  /^(.+?)([=<>#%])([0-9.Ee+-]*)(MEG|[NPUMK]?)\(([0-9.Ee+-]*)(MEG|[NPUMK]?),([0-9.Ee+-]*)(MEG|[NPUMK]?)\)(\w*) *=*(.*)$/;
const DATE_FORMAT = "dd-MMM-yy HH:mm:ss";

const EVENTS: Readonly<Record<string, ReportResult>> = {
  '"': "P",
  "/": "F",
  "*": "E",
  "&": "E",
  "?": "T",
  "!": "T",
  "]": "F",
};

interface Unit {
  sn: string;
  start: string;
  line: number;
  steps: StepGroups;
}

/** Reads a classic log; {@linkcode ClassicLog.line} returns a report when a unit ends. */
export class ClassicLog extends UnitReader<TeradyneArgs> {
  #program: { path: string; pn: string } | null = null;
  #unit: Unit | null = null;

  line(t: string, line: number): Report | null {
    const place = { file: this.file, line };
    const c = t[0];
    if (c === "@") {
      const m = START.exec(t);
      if (m !== null) return this.#start(m, line);
    } else if (c in EVENTS) {
      const m = EVENT.exec(t);
      if (m !== null) return this.#end(EVENTS[c], parseVendorDate(m[2], DATE_FORMAT, place));
    } else if (c === "(" && GENERAL_FAILURES.has(t.slice(0, 2))) {
      if (this.#unit !== null) {
        const name = GENERAL_FAILURES.get(t.slice(0, 2))!;
        const info = t.slice(2).trim() || "Failed";
        this.#unit.steps.add("", (s) => s.stringStep(name, info, { status: "F" }));
        return null;
      }
    }
    const program = t.includes("[") ? PROGRAM.exec(t) : null;
    if (program !== null) {
      const path = program[1];
      const base = path.split(/[\\/]/).pop() ?? path;
      this.#program = { path, pn: base.replace(/\.obc$/i, "").split("_")[0] };
      return null;
    }
    const m = this.#unit === null ? null : MEASURE.exec(t);
    if (m === null) this.skipped++;
    else this.#measure(m, place);
    return null;
  }

  /**
   * Ends the file.
   *
   * @returns `null`: every unit ends at its end event.
   * @throws {ConversionError} When a unit is still open (a truncated log).
   */
  end(): null {
    if (this.#unit !== null) {
      throw new ConversionError(
        `Truncated log: the unit started on line ${this.#unit.line} has no end event`,
        { file: this.file, line: this.#unit.line, stage: "parse" },
      );
    }
    return null;
  }

  #start(m: RegExpExecArray, line: number): Report | null {
    let previous: Report | null = null;
    if (this.#unit !== null) {
      this.context.log.warn("Unit has no end event; reported as terminated", {
        file: this.file,
        line: this.#unit.line,
      });
      previous = this.#finish("T", null);
    }
    const place = { file: this.file, line };
    if (m[2] === undefined) {
      throw new ConversionError("No serial number (SN) on the start line", {
        ...place,
        stage: "map",
      });
    }
    const start = parseVendorDate(m[1], DATE_FORMAT, place);
    this.#unit = { sn: m[2], start, line, steps: new StepGroups() };
    return previous;
  }

  #end(result: ReportResult, end: string): Report | null {
    if (this.#unit === null) {
      this.skipped++;
      return null;
    }
    return this.#finish(result, end);
  }

  #finish(result: ReportResult, end: string | null): Report {
    const unit = this.#unit!;
    this.#unit = null;
    const place = { file: this.file, line: unit.line };
    let program = this.#program;
    if (program === null) {
      const pn = this.file.replace(/\.[^.]*$/, "").split("_")[0];
      this.context.log.warn("No program line; part number taken from the file name", {
        file: this.file,
        pn,
      });
      program = { path: this.file, pn };
    }
    const execTime = end === null ? undefined : (Date.parse(end) - Date.parse(unit.start)) / 1000;
    const base = program.path.split(/[\\/]/).pop() ?? program.path;
    const builder = startReport(this.context, {
      pn: program.pn,
      sn: unit.sn,
      rev: this.args.partRevision,
      processCode: this.args.processCode,
      start: unit.start,
      execTime: execTime !== undefined && execTime >= 0 ? execTime : undefined,
      result,
      seqCall: {
        path: program.path.slice(-500),
        name: base.slice(0, 200),
        version: this.args.sequenceVersion,
      },
      station: { machineName: this.args.stationName },
      stationFallback: { machineName: "Teradyne i3070", location: "Production", purpose: "ICT" },
    }, place);
    unit.steps.writeTo(builder);
    return finishReport(builder, place);
  }

  #measure(m: RegExpExecArray, place: { file: string; line: number }): void {
    const [, ref, mark, meas, measPrefix, low, lowPrefix, high, highPrefix, type] = m;
    const name = type ? `${ref.trim()} (${type})` : ref.trim();
    const status: StepStatus = mark === "=" ? "P" : mark === "#" ? "D" : "F";
    const group = componentKind(ref);
    if (meas === "") {
      if (mark === "#" || type === "IS" || type === "VS") {
        this.#unit!.steps.add(group, (s) => s.actionStep(name));
      } else {
        this.#unit!.steps.add(group, (s) => s.passFailStep(name, status === "P"));
      }
      return;
    }
    const mp = CLASSIC_PREFIXES.get(measPrefix)!;
    const scaled = (text: string, prefix: string) =>
      text === ""
        ? undefined
        : rescale(finite(text, place), CLASSIC_PREFIXES.get(prefix)!.factor, mp.factor);
    const value = finite(meas, place);
    const limits = limitsOf(scaled(low, lowPrefix), scaled(high, highPrefix));
    const base = CLASSIC_UNITS.get(type.toUpperCase()) ?? "";
    const unit = mp.symbol + base || undefined;
    this.#unit!.steps.add(group, (s) => s.numericStep(name, value, { ...limits, unit, status }));
  }
}
