/**
 * Creating UUR (repair) reports, following the factory rules of §3.1 and §4.5 of the API spec.
 *
 * A repair starts from a failed UUT report (its id becomes `refUUT`; part, serial, revision, test
 * operation, station, location and sub-units are copied), or from a part number, serial number and
 * test operation code (optionally with the failed report's id). Defaults: repair code 500, purpose
 * `"Repair"`, operator `"Unknown"`, revision `"A"`, execution time 0, confirm and finalize date =
 * now. The repaired main unit is always sub-unit idx 0 (`partType "Main"`), holding the failures.
 *
 * @module
 */
import { checkIdentifier } from "./_identity.ts";
import { parseReport } from "./parse.ts";
import { formatLocalTime } from "./time.ts";
import type { UurFailure, UurInfo, UurReport, UurSubUnit } from "./uur.ts";
import type { UutReport } from "./uut.ts";

/**
 * A unit to repair, named without a UUT report.
 *
 * @category Report building
 */
export interface UurUnit {
  /** Part number. */
  pn: string;
  /** Serial number. */
  sn: string;
  /** The test operation code that failed (`uur.processCode`). */
  testCode: number;
  /** Revision; `"A"` by default. */
  rev?: string;
  /** Id of the failed UUT report; `null` (a standalone repair) by default. */
  refUUT?: string | null;
}

/**
 * A failure to record, with the defaults of the API spec.
 *
 * @category Report building
 */
export interface UurFailureInput extends Partial<UurFailure> {
  /** Failure category; `"Unknown"` by default. */
  category?: string;
  /** Failure code; `"Unknown"` by default. */
  code?: string;
}

/**
 * A further sub-unit of a repair: a part that was looked at or replaced.
 *
 * @category Report building
 */
export interface UurSubUnitInput {
  /** Part number. */
  pn: string;
  /** Serial number. */
  sn: string;
  /** Revision; `""` by default. */
  rev?: string;
  /** Part type; `"Unknown"` by default. */
  partType?: string;
  /** Index; the next free one by default. */
  idx?: number;
  /** Index of the parent sub-unit. */
  parentIdx?: number;
  /** Index of the sub-unit this one replaced. */
  replacedIdx?: number;
  /** Failures found on it. */
  failures?: UurFailureInput[];
}

/**
 * Options of {@linkcode createUurReport}.
 *
 * @category Report building
 */
export interface UurReportOptions {
  /** Repair operation code (top-level `processCode`); 500 by default. */
  repairCode?: number;
  /** Report id; a new v4 GUID by default. */
  id?: string;
  /** Station name; the UUT's or `"Unknown"`. */
  machineName?: string;
  /** Station location; the UUT's or `"Unknown"`. */
  location?: string;
  /** Purpose; `"Repair"` by default. */
  purpose?: string;
  /** Operator; `"Unknown"` by default. */
  operator?: string;
  /** Comment. */
  comment?: string;
  /** Failures found on the main unit. */
  failures?: UurFailureInput[];
  /** Further sub-units (replaced parts …); idx numbers follow the copied ones when absent. */
  subUnits?: UurSubUnitInput[];
  /** The clock; `() => new Date()` by default. */
  now?: () => Date;
  /** Minutes east of UTC for written times; the host's offset by default. */
  utcOffsetMinutes?: number;
  /** Keep `* % ? [ ] ^ ! / \` in `sn` and `pn`. */
  allowSpecialCharacters?: boolean;
}

function failure(input: UurFailureInput): UurFailure {
  return { ...input, category: input.category ?? "Unknown", code: input.code ?? "Unknown" };
}

/**
 * Creates a UUR report for a failed UUT report or a named unit.
 *
 * @param from The failed UUT report, or the unit's part number, serial number and test code.
 * @param options Repair code, station, operator, failures and clock.
 * @returns The report, as {@linkcode parseReport} returns it.
 * @throws {ReportFormatError} When a value breaks a WSJF rule.
 *
 * @example Record a repair of a failed test
 * ```ts
 * import assert from "node:assert/strict";
 * import { createUurReport, createUutReport } from "@wats/toolkit";
 *
 * const failed = createUutReport({ pn: "PCBA-100", sn: "SN0001", rev: "A", processCode: 10 })
 *   .passFailStep("Boot", false)
 *   .build();
 * const repair = createUurReport(failed, {
 *   operator: "Kari",
 *   failures: [{ category: "Component", code: "Cracked", comRef: "U7" }],
 * });
 * assert.equal(repair.uur.refUUT, failed.id);
 * assert.equal(repair.subUnits?.[0].partType, "Main");
 * ```
 *
 * @category Report building
 */
export function createUurReport(
  from: UutReport | UurUnit,
  options: UurReportOptions = {},
): UurReport {
  const now = (options.now ?? (() => new Date()))();
  const stamp = formatLocalTime(now, options.utcOffsetMinutes);
  const allow = options.allowSpecialCharacters === true;
  const fromUut = "type" in from && from.type === "T";
  const pn = checkIdentifier("pn", from.pn, allow);
  const sn = checkIdentifier("sn", from.sn, allow);
  const rev = from.rev ?? "A";
  const uur: UurInfo = {
    user: options.operator ?? "Unknown",
    execTime: 0,
    processCode: fromUut ? from.processCode : (from as UurUnit).testCode,
    refUUT: fromUut ? from.id : ((from as UurUnit).refUUT ?? null),
    confirmDate: stamp,
    finalizeDate: stamp,
    active: true,
  };
  if (fromUut && typeof from.processName === "string") uur.processName = from.processName;
  if (options.comment !== undefined) uur.comment = options.comment;

  const main: UurSubUnit = { pn, rev, sn, partType: "Main", idx: 0 };
  if (options.failures?.length) main.failures = options.failures.map(failure);
  const subUnits: UurSubUnit[] = [main];
  const copied = fromUut ? (from as UutReport).subUnits ?? [] : [];
  for (const unit of copied) {
    subUnits.push({
      pn: unit.pn,
      rev: unit.rev ?? "",
      sn: unit.sn,
      partType: unit.partType ?? "Unknown",
      idx: subUnits.length,
    });
  }
  for (const unit of options.subUnits ?? []) {
    const { failures, ...rest } = unit;
    const entry: UurSubUnit = {
      ...rest,
      rev: unit.rev ?? "",
      partType: unit.partType ?? "Unknown",
      idx: unit.idx ?? subUnits.length,
    };
    if (failures?.length) entry.failures = failures.map(failure);
    subUnits.push(entry);
  }

  const report: UurReport = {
    id: options.id ?? crypto.randomUUID(),
    type: "R",
    pn,
    sn,
    rev,
    processCode: options.repairCode ?? 500,
    result: "P",
    machineName: options.machineName ?? (fromUut ? from.machineName : "Unknown"),
    location: options.location ?? (fromUut ? from.location : "Unknown"),
    purpose: options.purpose ?? "Repair",
    start: stamp,
    uur,
    subUnits,
  };
  return parseReport(report) as UurReport;
}
