/**
 * Writing WSXF: WSJF reports as the WATS Standard XML Format (`POST /api/Report/WSXF`).
 *
 * The inverse of the WSXF reader: what the reader maps, this writes back, so a WSXF file read,
 * written and read again gives equal reports. WSXF's own bookkeeping is derived: `StepIndex` is
 * the position among siblings, `MeasIndex` the position in the step, `MeasOrderNumber` a running
 * count over the report, misc-info `idx`/`order_no` their position. Keys WSXF has no place for
 * (additional data, attachments, assets) are not written.
 *
 * @module
 */
import type { NumericValue, Report, Step, UutReport } from "../../api/models/report/mod.ts";
import { escapeXmlAttribute, escapeXmlText } from "../../util/xml_text.ts";
import { GROUP_WORDS, STATUS_WORDS, WSXF_NAMESPACE } from "./_names.ts";

type Json = Record<string, unknown>;
type AttrValue = string | number | boolean | null | undefined;

function numberText(value: NumericValue): string {
  if (value === "Inf") return "INF";
  if (value === "-Inf") return "-INF";
  return String(value);
}

function attrValue(value: AttrValue | NumericValue): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return numberText(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  return value;
}

/** Appends `<name a="…" …` (no closing bracket); absent values are left out. */
function open(out: string[], name: string, attrs: [string, AttrValue][]): void {
  let s = `<${name}`;
  for (const [key, value] of attrs) {
    const text = attrValue(value);
    if (text !== undefined) s += ` ${key}="${escapeXmlAttribute(text)}"`;
  }
  out.push(s);
}

function empty(out: string[], name: string, attrs: [string, AttrValue][]): void {
  open(out, name, attrs);
  out.push(" />");
}

function element(out: string[], name: string, attrs: [string, AttrValue][], text: string): void {
  open(out, name, attrs);
  out.push(`>${escapeXmlText(text)}</${name}>`);
}

function str(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return value;
  return String(value);
}

/** A value the reader reads with `""` as `null`: `null` is written as `""`. */
function opt(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return value === null ? "" : String(value);
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1];
}

function measurements(out: string[], step: Step, order: { n: number }): void {
  const lists: [string, unknown][] = [
    ["NumericLimit", step.numericMeas],
    ["PassFail", step.booleanMeas],
    ["StringValue", step.stringMeas],
  ];
  for (const [name, value] of lists) {
    if (value === undefined || value === null) continue;
    const list = (Array.isArray(value) ? value : [value]) as Json[];
    list.forEach((m, i) => {
      const status = STATUS_WORDS[m.status as keyof typeof STATUS_WORDS] ?? str(m.status);
      const common: [string, AttrValue][] = [["Name", str(m.name)]];
      if (name === "NumericLimit") {
        common.push(
          ["NumericValue", m.value as NumericValue | null],
          ["Units", opt(m.unit)],
          ["CompOperator", str(m.compOp)],
          ["LowLimit", m.lowLimit as NumericValue | null],
          ["HighLimit", m.highLimit as NumericValue | null],
        );
      } else if (name === "StringValue") {
        common.push(
          ["CompOperator", str(m.compOp)],
          ["StringLimit", str(m.limit)],
          ["StringValue", str(m.value)],
        );
      }
      common.push(["Status", status], ["MeasIndex", i], ["MeasOrderNumber", order.n++]);
      empty(out, name, common);
    });
  }
}

function writeStep(out: string[], step: Step, index: number, order: { n: number }): void {
  const s = step as Json;
  open(out, "Step", [
    ["Id", str(s.id)],
    ["Group", GROUP_WORDS[(s.group ?? "M") as keyof typeof GROUP_WORDS] ?? str(s.group)],
    ["Name", step.name],
    ["StepType", step.stepType],
    ["Status", STATUS_WORDS[step.status as keyof typeof STATUS_WORDS] ?? step.status],
    ["Start", str(s.start)],
    ["total_time", s.totTime as number | null],
    ["StepIndex", index],
    ["StepErrorCode", s.errorCode as number | null],
    ["StepErrorMessage", str(s.errorMessage)],
    ["StepCausedSequenceFailure", s.causedSeqFailure as boolean | null],
    ["StepCausedUUTFailure", s.causedUUTFailure as boolean | null],
  ]);
  out.push(">");
  const loop = s.loop as Json | null | undefined;
  if (loop) {
    empty(out, "Loop", [
      ["index", loop.idx as number | null],
      ["num", loop.num as number | null],
      ["passed", loop.passed as number | null],
      ["failed", loop.failed as number | null],
      ["ending_index", loop.endingIndex as number | null],
    ]);
  }
  const seq = s.seqCall as Json | null | undefined;
  if (seq) {
    const path = str(seq.path);
    empty(out, "SequenceCall", [
      ["Name", str(seq.name) ?? ""],
      ["Version", str(seq.version) ?? ""],
      ["Filename", path ? baseName(path) : ""],
      ["Filepath", path ?? ""],
      ["MeasIndex", 0],
    ]);
  }
  measurements(out, step, order);
  if (typeof s.reportText === "string") element(out, "ReportText", [], s.reportText);
  const popup = s.messagePopup as Json | null | undefined;
  if (popup) {
    empty(out, "MessagePopup", [
      ["Button", popup.button as number | null],
      ["Response", opt(popup.response)],
      ["MeasIndex", 0],
    ]);
  }
  const exe = s.callExe as Json | null | undefined;
  if (exe) empty(out, "Callexe", [["ExitCode", exe.exitCode as number | null], ["MeasIndex", 0]]);
  const chart = s.chart as Json | null | undefined;
  if (chart) {
    open(out, "Chart", [
      ["idx", 0],
      ["ChartType", str(chart.chartType)],
      ["Label", opt(chart.label)],
      ["XLabel", opt(chart.xLabel)],
      ["XUnit", opt(chart.xUnit)],
      ["YLabel", opt(chart.yLabel)],
      ["YUnit", opt(chart.yUnit)],
    ]);
    out.push(">");
    for (const series of (chart.series ?? []) as Json[]) {
      open(out, "Series", [["Name", opt(series.name)], ["DataType", opt(series.dataType)]]);
      out.push(">");
      if (series.ydata != null) element(out, "ydata", [], String(series.ydata));
      if (series.xdata != null) element(out, "xdata", [], String(series.xdata));
      out.push("</Series>");
    }
    out.push("</Chart>");
  }
  (step.steps ?? []).forEach((child, i) => writeStep(out, child, i, order));
  out.push("</Step>");
}

function writeReport(out: string[], report: UutReport): void {
  const r = report as Json;
  open(out, "Report", [
    ["type", "UUT"],
    ["ID", report.id.toUpperCase()],
    ["Start", report.start],
    ["Start_utc", str(r.startUTC)],
    ["Result", STATUS_WORDS[(report.result ?? "P") as keyof typeof STATUS_WORDS]],
    ["SN", report.sn],
    ["PN", report.pn],
    ["Rev", report.rev],
    ["origin", opt(r.origin)],
    ["MachineName", report.machineName],
    ["Location", report.location],
    ["Purpose", report.purpose],
    ["ProductName", opt(r.productName)],
  ]);
  out.push(">");
  const uut = (report.uut ?? {}) as Json;
  open(out, "UUT", [
    ["UserLoginName", opt(uut.user)],
    ["BatchSN", opt(uut.batchSN)],
    ["TestSocketIndex", uut.testSocketIndex as number | null],
    ["ExecutionTime", uut.execTime as number | null],
    ["FixtureId", opt(uut.fixtureId)],
    ["ErrorCode", uut.errorCode as number | null],
    ["ErrorMessage", opt(uut.errorMessage)],
    ["BatchFailCount", uut.batchFailCount as number | null],
    ["BatchLoopIndex", uut.batchLoopIndex as number | null],
    ["StepIdCausedUUTFailure", uut.stepIdCausedUUTFailure as number | null],
  ]);
  out.push(">");
  if (typeof uut.comment === "string") element(out, "Comment", [], uut.comment);
  out.push("</UUT>");
  empty(out, "Process", [["Code", report.processCode], ["Name", opt(r.processName)]]);
  (report.miscInfos ?? []).forEach((misc, i) => {
    const attrs: [string, AttrValue][] = [
      ["Typedef", ""],
      ["Description", misc.description],
      ["idx", i],
      ["order_no", i],
    ];
    if (misc.text === null || misc.text === undefined || misc.text === "") {
      empty(out, "MiscInfo", attrs);
    } else element(out, "MiscInfo", attrs, misc.text);
  });
  for (const unit of report.subUnits ?? []) {
    empty(out, "ReportUnitHierarchy", [
      ["PartType", opt(unit.partType)],
      ["PN", unit.pn],
      ["SN", unit.sn],
      ["Rev", opt(unit.rev)],
      ["Position", unit.position],
      ["Idx", unit.idx],
      ["ParentIdx", unit.parentIdx],
    ]);
  }
  if (report.root) writeStep(out, report.root, 0, { n: 0 });
  out.push("</Report>");
}

/**
 * Writes reports as one WSXF document (`<Reports>` with a `<Report>` each).
 *
 * @param reports A UUT report or several.
 * @returns The XML text, UTF-8 ready.
 * @throws {TypeError} For a repair (UUR) report, which WSXF does not describe.
 *
 * @example Write a report as WSXF
 * ```ts
 * import assert from "node:assert/strict";
 * import { createUutReport } from "@wats/toolkit";
 * import { toWsxf } from "@wats/toolkit/converters";
 *
 * const report = createUutReport({ pn: "PCBA-100", sn: "SN0001", rev: "A", processCode: 10 })
 *   .numericStep("Supply 5V", 5.01, { compOp: "GELE", low: 4.9, high: 5.1, unit: "V" })
 *   .build();
 * const xml = toWsxf(report);
 * assert.ok(xml.startsWith('<?xml version="1.0" encoding="utf-8"?><Reports'));
 * assert.ok(xml.includes('SN="SN0001"'));
 * ```
 */
export function toWsxf(reports: Report | readonly Report[]): string {
  const list = Array.isArray(reports) ? reports : [reports as Report];
  const out: string[] = [
    `<?xml version="1.0" encoding="utf-8"?><Reports xmlns="${WSXF_NAMESPACE}">`,
  ];
  for (const report of list) {
    if (report.type !== "T") {
      throw new TypeError("WSXF is written for UUT reports only; this is a UUR (repair) report");
    }
    writeReport(out, report);
  }
  out.push("</Reports>");
  return out.join("");
}
