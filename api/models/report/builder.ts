/**
 * Building UUT reports for converter authors.
 *
 * `createUutReport()` sets the header with the defaults of the API spec (§3.1 factory rules):
 * type `T`, start = now as local time with offset, station/location/purpose `"Unknown"` when not
 * given, fixture `"Fixture"`, a v4 id from `crypto.randomUUID()`. Steps go into the root sequence
 * `"MainSequence Callback"`. `build()` computes measurement statuses it was not given, rolls failed
 * steps up to their parents and the report result, numbers the steps, marks the step that failed
 * the unit, and returns the report as {@linkcode parseReport} reads it.
 *
 * @module
 */
import { checkIdentifier, encodeBase64 } from "./_identity.ts";
import { type Draft, DRAFTS, finishTree } from "./_rollup.ts";
import type { MiscInfo, ReportAsset } from "./misc.ts";
import { parseReport } from "./parse.ts";
import { SequenceBuilder } from "./sequence_builder.ts";
import type { ReportResult } from "./status.ts";
import type { SequenceCallInfo } from "./step_parts.ts";
import { formatLocalTime } from "./time.ts";
import type { UutInfo, UutReport, UutSubUnit } from "./uut.ts";

/**
 * What {@linkcode createUutReport} needs to know.
 *
 * @category Report building
 */
export interface UutReportOptions {
  /** Part number. */
  pn: string;
  /** Serial number. */
  sn: string;
  /** Part revision. */
  rev: string;
  /** Test operation code. */
  processCode: number;
  /** Station name; `"Unknown"` by default. */
  machineName?: string;
  /** Station location; `"Unknown"` by default. */
  location?: string;
  /** Station purpose; `"Unknown"` by default. */
  purpose?: string;
  /** Report id; a new v4 GUID by default. Keep it with the report: it makes uploads repeatable. */
  id?: string;
  /** When the test started; now by default. */
  start?: Date | string;
  /** The clock; `() => new Date()` by default. */
  now?: () => Date;
  /** Minutes east of UTC for written times; the host's offset by default. */
  utcOffsetMinutes?: number;
  /** Operator (`uut.user`). */
  operator?: string;
  /** Fixture id; `"Fixture"` by default. */
  fixtureId?: string;
  /** Comment. */
  comment?: string;
  /** Execution time in seconds. */
  execTime?: number;
  /** Batch serial number. */
  batchSN?: string;
  /** Test socket index. */
  testSocketIndex?: number;
  /** Further `uut` fields. */
  uut?: UutInfo;
  /** Report result; derived from the steps by default. */
  result?: ReportResult;
  /** The root sequence call info. */
  seqCall?: SequenceCallInfo;
  /** Keep `* % ? [ ] ^ ! / \` in `sn` and `pn` (WATS rejects them unless told). */
  allowSpecialCharacters?: boolean;
}

/**
 * Builds a UUT report: the step methods of {@linkcode SequenceBuilder} add steps to the root
 * sequence, the methods here add misc info, sub-units, assets and files.
 *
 * @example Build a report
 * ```ts
 * import assert from "node:assert/strict";
 * import { createUutReport } from "@wats/toolkit";
 *
 * const report = createUutReport({ pn: "PCBA-100", sn: "SN0001", rev: "A", processCode: 10 })
 *   .numericStep("Supply 5V", 5.3, { compOp: "GELE", low: 4.9, high: 5.1, unit: "V" })
 *   .miscInfo("Firmware", "1.4.2")
 *   .build();
 * assert.equal(report.result, "F");
 * ```
 *
 * @category Report building
 */
export class ReportBuilder extends SequenceBuilder {
  #header: UutReport;
  #result: ReportResult | undefined;
  #seqCall: SequenceCallInfo;

  /**
   * Creates a builder; {@linkcode createUutReport} is the usual way.
   *
   * @param options The header.
   */
  constructor(options: UutReportOptions) {
    super({ utcOffsetMinutes: options.utcOffsetMinutes });
    const allow = options.allowSpecialCharacters === true;
    const now = options.now ?? (() => new Date());
    const start = options.start ?? now();
    const uut: UutInfo = { fixtureId: options.fixtureId ?? "Fixture", ...options.uut };
    if (options.operator !== undefined) uut.user = options.operator;
    if (options.comment !== undefined) uut.comment = options.comment;
    if (options.execTime !== undefined) uut.execTime = options.execTime;
    if (options.batchSN !== undefined) uut.batchSN = options.batchSN;
    if (options.testSocketIndex !== undefined) uut.testSocketIndex = options.testSocketIndex;
    this.#header = {
      id: options.id ?? crypto.randomUUID(),
      type: "T",
      pn: checkIdentifier("pn", options.pn, allow),
      sn: checkIdentifier("sn", options.sn, allow),
      rev: options.rev,
      processCode: options.processCode,
      result: "P",
      machineName: options.machineName ?? "Unknown",
      location: options.location ?? "Unknown",
      purpose: options.purpose ?? "Unknown",
      start: typeof start === "string" ? start : formatLocalTime(start, options.utcOffsetMinutes),
      uut,
    };
    this.#result = options.result;
    this.#seqCall = {
      path: "C:/SequenceCall.seq",
      name: "MainSequence Callback",
      version: "1.0.0",
      ...options.seqCall,
    };
  }

  #push<K extends "miscInfos" | "subUnits" | "assets" | "binaryData">(
    key: K,
    item: NonNullable<UutReport[K]>[number],
  ): this {
    const list = (this.#header[key] ??= []) as unknown[];
    list.push(item);
    return this;
  }

  /**
   * Adds a misc-info entry.
   *
   * @param description What the value is.
   * @param text The value.
   * @returns This builder.
   */
  miscInfo(description: string, text: string): this {
    const entry: MiscInfo = { description, text };
    return this.#push("miscInfos", entry);
  }

  /**
   * Adds a sub-unit (a part of the tested unit).
   *
   * @param unit Its part number, serial number, revision and part type (`"Unknown"` by default).
   * @returns This builder.
   */
  subUnit(unit: UutSubUnit): this {
    return this.#push("subUnits", { partType: "Unknown", ...unit });
  }

  /**
   * Adds an asset the test used.
   *
   * @param assetSN The asset's serial number.
   * @param usageCount How many times this test used it; 1 by default.
   * @returns This builder.
   */
  asset(assetSN: string, usageCount = 1): this {
    const entry: ReportAsset = { assetSN, usageCount };
    return this.#push("assets", entry);
  }

  /**
   * Attaches a file to the report.
   *
   * @param name File name.
   * @param contentType MIME type.
   * @param bytes The content.
   * @returns This builder.
   */
  attach(name: string, contentType: string, bytes: Uint8Array): this {
    return this.#push("binaryData", { name, contentType, data: encodeBase64(bytes) });
  }

  /**
   * Finishes the report: statuses rolled up, the result set, steps numbered, then validated.
   *
   * @returns The report, as {@linkcode parseReport} returns it.
   * @throws {ReportFormatError} When a value breaks a WSJF rule (a name too long, …).
   */
  build(): UutReport {
    const root: Draft = {
      step: {
        stepType: "SequenceCall",
        name: "MainSequence Callback",
        group: "M",
        status: "P",
        seqCall: this.#seqCall,
      },
      explicit: false,
      children: DRAFTS.get(this)!,
    };
    const finished = finishTree(root);
    const report = {
      ...this.#header,
      result: this.#result ?? finished.result,
      root: finished.root,
    };
    return parseReport(report) as UutReport;
  }
}

/**
 * Starts a UUT report.
 *
 * @param options Part, serial, revision, test operation and station; see
 * {@linkcode UutReportOptions} for the defaults.
 * @returns A builder; add steps, then call `build()`.
 * @throws {ReportFormatError} When `sn` or `pn` holds a character WATS rejects.
 *
 * @example Build a report with an injected clock
 * ```ts
 * import assert from "node:assert/strict";
 * import { createUutReport } from "@wats/toolkit";
 *
 * const report = createUutReport({
 *   pn: "PCBA-100",
 *   sn: "SN0001",
 *   rev: "A",
 *   processCode: 10,
 *   machineName: "Station 7",
 *   location: "Line 2",
 *   purpose: "Production",
 *   now: () => new Date("2026-01-30T21:01:41.470Z"),
 *   utcOffsetMinutes: 60,
 * })
 *   .sequence("Power", (s) =>
 *     s.numericStep("Supply 5V", 5.01, { compOp: "GELE", low: 4.9, high: 5.1, unit: "V" }))
 *   .stringStep("Firmware", "1.4.2", { compOp: "CASESENSIT", limit: "1.4.2" })
 *   .actionStep("Power off")
 *   .build();
 * assert.equal(report.start, "2026-01-30T22:01:41.470+01:00");
 * assert.equal(report.result, "P");
 * ```
 *
 * @category Report building
 */
export function createUutReport(options: UutReportOptions): ReportBuilder {
  return new ReportBuilder(options);
}
