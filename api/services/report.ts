/**
 * Reports (`/api/Report`): submit WSJF and WSXF, read them back, query headers, attachments,
 * certificates.
 *
 * Submission is idempotent by design: the report id is generated before the first attempt and, with
 * a digest of the body, sent as the `Idempotency-Key`; a WATS server overwrites a report posted
 * again with the same id.
 * So `submit` is retried on network errors, timeouts and transient statuses like any GET.
 *
 * @module
 */

import { hashHex } from "../../util/hash.ts";
import { UnexpectedResponseError } from "../http/errors.ts";
import type { ErrorMode, Found, Transport } from "../http/transport.ts";
import { type ODataBuilder, odataBuilder, type ODataExpr } from "../odata.ts";
import { parseReport, type Report, serializeReport } from "../models/report/mod.ts";
import {
  type ReportHeader,
  type ReportHeaderField,
  ReportHeaderListSchema,
} from "../models/report_header.ts";
import { filterText } from "./_paging.ts";
import { parseResponse } from "./_parse.ts";

/**
 * Builds `$filter` expressions over report header fields.
 *
 * @category Client
 */
export const headerFilter: ODataBuilder<ReportHeaderField> = odataBuilder<ReportHeaderField>();

/**
 * A header query.
 *
 * @category Client
 */
export interface HeaderQuery {
  /** `uut` (default) or `uur`; the query route names them `U` and `R`. */
  type?: "uut" | "uur";
  /** A `$filter`, built with {@linkcode headerFilter} or written by hand. */
  filter?: ODataExpr | string;
  /** `$orderby`, e.g. `start desc` (the default, so pages are stable). */
  orderBy?: string;
  /** Collections to expand: `subUnits`, `miscInfo`, `assets`, `attachments` (UUR: `uur…`). */
  expand?: readonly string[];
  /** The most headers to yield in all. */
  top?: number;
  /** Headers to skip at the start. */
  skip?: number;
  /** Headers asked for per request. Default 500. */
  pageSize?: number;
  /** Cancels the query between and during pages. */
  signal?: AbortSignal;
}

/**
 * Options for reading a report back.
 *
 * @category Report queries
 */
export interface GetReportOptions {
  /** Detail level 0–7. */
  detailLevel?: number;
  /** Include chart data. */
  includeChartdata?: boolean;
  /** Include attachments (`binaryData`, step attachments). */
  includeAttachments?: boolean;
  /** Cancels the call. */
  signal?: AbortSignal;
}

/**
 * Options for reading a report back as WSXF.
 *
 * @category Report queries
 */
export interface GetWsxfOptions {
  /** Include attachments (server default true). */
  includeAttachments?: boolean;
  /** Include chart data (server default true). */
  includeChartdata?: boolean;
  /** Include indexes (server default false). */
  includeIndexes?: boolean;
  /** Cancels the call. */
  signal?: AbortSignal;
}

/**
 * Options for a submission.
 *
 * @category Report queries
 */
export interface SubmitOptions {
  /** Cancels the call, including retry waits. */
  signal?: AbortSignal;
  /** Cancels only the waits before an attempt (a limiter slot, retry delays); see `RequestSpec`. */
  waitSignal?: AbortSignal;
}

function requireId(id: string, operation: string): string {
  if (typeof id !== "string" || !id.trim()) {
    throw new TypeError(`${operation} needs a report id`);
  }
  return id.trim();
}

/**
 * Reads the id out of a submission's answer: the first element of an array, `ID`/`id`/`uuid` of
 * an object, or the text.
 *
 * @param data The parsed answer.
 * @returns The id, or `null` when the answer holds none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { submittedId } from "@wats/toolkit/models";
 *
 * assert.equal(submittedId([{ ID: "3f2c" }]), "3f2c");
 * ```
 *
 * @category Report queries
 */
export function submittedId(data: unknown): string | null {
  const first = Array.isArray(data) ? data[0] : data;
  if (typeof first === "string") return first.trim().replace(/^"|"$/g, "") || null;
  if (first && typeof first === "object") {
    const record = first as Record<string, unknown>;
    for (const key of ["ID", "id", "uuid", "Id"]) {
      if (typeof record[key] === "string" && record[key]) return record[key] as string;
    }
  }
  return null;
}

/**
 * The idempotency key of a submission: the report id and a digest of the exact body. A repeat of
 * the same submission (a retry, a restart after a crash) carries the same key and is answered from
 * the server's record; a corrected report under the same id is a new submission that overwrites,
 * as WATS does.
 */
function idempotencyKeyOf(id: string, body: string): string {
  // The first 12 bytes of the SHA-256 are enough to tell submissions of one report apart.
  return `${id}.${hashHex(body).slice(0, 24)}`;
}

/**
 * Reports, reached as `wats.report`.
 *
 * @typeParam M The client's error mode: look-ups return `T` in strict mode, `T | null` otherwise.
 *
 * @example Submit a report and read it back
 * ```ts
 * import assert from "node:assert/strict";
 * import { createUutReport, Wats } from "@wats/toolkit";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * const report = createUutReport({
 *   pn: "PCB-1",
 *   sn: "SN-1",
 *   rev: "A",
 *   processCode: 10,
 *   machineName: "station-7",
 *   location: "Line 1",
 *   purpose: "Production",
 * })
 *   .numericStep("Voltage", 3.3, { compOp: "GELE", low: 3.2, high: 3.4, unit: "V" })
 *   .build();
 * const id = await wats.report.submit(report);
 * assert.equal(id, report.id);
 * const back = await wats.report.get(id);
 * assert.equal(back?.sn, "SN-1");
 * ```
 *
 * @category Report queries
 */
export class ReportService<M extends ErrorMode = ErrorMode> {
  #transport: Transport;

  /**
   * Creates the service on a transport.
   *
   * @param transport The HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Submits a WSJF report (UUT or UUR). The report is validated first; its id is the
   * idempotency key, so a retried or repeated submission never makes a second report.
   *
   * @param report The report, as the builder or a converter made it, or plain WSJF JSON.
   * @param options Cancellation.
   * @returns The id the server stored the report under.
   * @throws {ReportFormatError} When the report is not valid WSJF; nothing is sent.
   * @throws {WatsError} When the server refuses it or cannot be reached.
   */
  async submit(
    report: Report | Record<string, unknown>,
    options: SubmitOptions = {},
  ): Promise<string> {
    const valid = parseReport(report);
    const body = JSON.stringify(serializeReport(valid));
    const res = await this.#transport.request({
      method: "POST",
      path: "/api/Report/WSJF",
      body,
      contentType: "application/json",
      idempotent: true,
      idempotencyKey: idempotencyKeyOf(valid.id, body),
      operation: "report.submit",
      signal: options.signal,
      waitSignal: options.waitSignal,
    });
    return submittedId(res.data) ?? valid.id;
  }

  /**
   * Submits a report in WSXF (WATS XML).
   *
   * @param xml The XML document.
   * @param options Cancellation.
   * @returns The id the server answered, or `null` when it answered none.
   */
  async submitWsxf(xml: string | Uint8Array, options: SubmitOptions = {}): Promise<string | null> {
    const res = await this.#transport.request({
      method: "POST",
      path: "/api/Report/WSXF",
      body: xml,
      contentType: "application/xml",
      operation: "report.submitWsxf",
      signal: options.signal,
      waitSignal: options.waitSignal,
    });
    return submittedId(res.data);
  }

  /**
   * Reads a report back as WSJF.
   *
   * @param id The report id.
   * @param options Detail level, chart data, attachments.
   * @returns The report, or `null` in lenient mode when it does not exist.
   * @throws {NotFoundError} In strict mode when it does not exist.
   */
  async get(id: string, options: GetReportOptions = {}): Promise<Found<Report, M>> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Report/Wsjf/{id}",
      params: { id: requireId(id, "report.get") },
      query: {
        detailLevel: options.detailLevel,
        includeChartdata: options.includeChartdata,
        includeAttachments: options.includeAttachments,
      },
      operation: "report.get",
      signal: options.signal,
    });
    // Without allowEmpty the transport returns null only in lenient mode.
    if (data === null) return null as Found<Report, M>;
    try {
      return parseReport(data, { source: `report ${id} from the server` }) as Found<Report, M>;
    } catch (error) {
      throw new UnexpectedResponseError(
        `report.get failed: the server's report is not valid WSJF: ${(error as Error).message}`,
        { operation: "report.get", cause: error },
      );
    }
  }

  /**
   * Reads a report back as WSXF (WATS XML) bytes.
   *
   * @param id The report id.
   * @param options What to include.
   * @returns The XML bytes, or `null` in lenient mode when it does not exist.
   */
  getWsxf(id: string, options: GetWsxfOptions = {}): Promise<Found<Uint8Array, M>> {
    return this.#transport.send<Uint8Array>({
      method: "GET",
      path: "/api/Report/Wsxf/{id}",
      params: { id: requireId(id, "report.getWsxf") },
      query: {
        includeAttachments: options.includeAttachments,
        includeChartdata: options.includeChartdata,
        includeIndexes: options.includeIndexes,
      },
      responseType: "bytes",
      operation: "report.getWsxf",
      signal: options.signal,
    }) as Promise<Found<Uint8Array, M>>;
  }

  /**
   * Queries report headers page by page (`$top`/`$skip`), yielding each header; stops at a short
   * page or when `top` headers were yielded.
   *
   * @param query Filter, order, expansion and limits.
   * @returns The headers, lazily.
   *
   * @example Yesterday's failures of one product
   * ```ts
   * import assert from "node:assert/strict";
   * import { createUutReport, headerFilter as f, Wats } from "@wats/toolkit";
   * import { serveEmulator } from "@wats/toolkit/emulator";
   *
   * await using emulator = await serveEmulator({ port: 0 });
   * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
   * const since = new Date(Date.now() - 86_400_000);
   * for (const [sn, volts] of [["SN-1", 3.3], ["SN-2", 3.9]] as const) {
   *   await wats.report.submit(
   *     createUutReport({ pn: "PCB-1", sn, rev: "A", processCode: 10 })
   *       .numericStep("Voltage", volts, { compOp: "GELE", low: 3.2, high: 3.4, unit: "V" })
   *       .build(),
   *   );
   * }
   * const filter = f.and(f.eq("partNumber", "PCB-1"), f.eq("result", "Failed"), f.ge("start", since));
   * const failed = [];
   * for await (const h of wats.report.queryHeaders({ filter })) failed.push(h.serialNumber);
   * assert.deepEqual(failed, ["SN-2"]);
   * ```
   */
  async *queryHeaders(query: HeaderQuery = {}): AsyncGenerator<ReportHeader> {
    const pageSize = Math.max(1, query.pageSize ?? 500);
    const limit = query.top ?? Infinity;
    let skip = query.skip ?? 0;
    let yielded = 0;
    while (yielded < limit) {
      const want = Math.min(pageSize, limit - yielded);
      const data = await this.#transport.send({
        method: "GET",
        path: "/api/Report/Query/Header",
        query: {
          reportType: query.type === "uur" ? "R" : "U",
          $filter: filterText(query.filter),
          $orderby: query.orderBy ?? "start desc",
          $expand: query.expand,
          $top: want,
          $skip: skip || undefined,
        },
        operation: "report.queryHeaders",
        signal: query.signal,
      }, { allowEmpty: true });
      const page = parseResponse(ReportHeaderListSchema, data ?? [], "report.queryHeaders");
      for (const header of page) {
        yield header;
        yielded++;
      }
      if (page.length < want) return;
      skip += page.length;
    }
  }

  /**
   * Collects a header query into an array.
   *
   * @param query As {@linkcode ReportService.queryHeaders}.
   * @returns Every matching header.
   */
  async headers(query: HeaderQuery = {}): Promise<ReportHeader[]> {
    const all: ReportHeader[] = [];
    for await (const header of this.queryHeaders(query)) all.push(header);
    return all;
  }

  /**
   * Headers of one serial number, newest first.
   *
   * @param serialNumber The unit's serial number.
   * @param query More conditions and limits.
   * @returns The headers.
   */
  headersBySerial(serialNumber: string, query: HeaderQuery = {}): Promise<ReportHeader[]> {
    return this.headers(this.#narrow(headerFilter.eq("serialNumber", serialNumber), query));
  }

  /**
   * Headers of one part number, newest first.
   *
   * @param partNumber The product's part number.
   * @param query More conditions and limits.
   * @returns The headers.
   */
  headersByPartNumber(partNumber: string, query: HeaderQuery = {}): Promise<ReportHeader[]> {
    return this.headers(this.#narrow(headerFilter.eq("partNumber", partNumber), query));
  }

  /**
   * Headers whose start lies between two instants (converted to UTC).
   *
   * @param from The earliest start.
   * @param to The latest start.
   * @param query More conditions and limits.
   * @returns The headers.
   */
  headersBetween(from: Date, to: Date, query: HeaderQuery = {}): Promise<ReportHeader[]> {
    return this.headers(this.#narrow(headerFilter.between("start", from, to), query));
  }

  /**
   * Headers of reports carrying a misc-info row.
   *
   * @param criteria The row's description and text, and the most headers to answer.
   * @returns The headers.
   */
  async headersByMiscInfo(
    criteria: { description: string; stringValue?: string; top?: number },
  ): Promise<ReportHeader[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Report/Query/HeaderByMiscInfo",
      query: {
        description: criteria.description,
        stringValue: criteria.stringValue,
        $top: criteria.top,
      },
      operation: "report.headersByMiscInfo",
    }, { allowEmpty: true });
    return parseResponse(ReportHeaderListSchema, data ?? [], "report.headersByMiscInfo");
  }

  /**
   * One attachment's bytes, by attachment id or by step id.
   *
   * @param ref Which attachment.
   * @returns The bytes, or `null` in lenient mode when there is none.
   */
  attachment(
    ref: { attachmentId?: number | string; stepId?: number | string },
  ): Promise<Found<Uint8Array, M>> {
    if (ref.attachmentId === undefined && ref.stepId === undefined) {
      throw new TypeError("report.attachment needs an attachmentId or a stepId");
    }
    return this.#transport.send<Uint8Array>({
      method: "GET",
      path: "/api/Report/Attachment",
      query: { attachmentId: ref.attachmentId as string, stepId: ref.stepId as string },
      responseType: "bytes",
      operation: "report.attachment",
    }) as Promise<Found<Uint8Array, M>>;
  }

  /**
   * Every attachment of a report, as zip bytes.
   *
   * @param reportId The report id.
   * @returns The zip, or `null` in lenient mode when there is none.
   */
  attachments(reportId: string): Promise<Found<Uint8Array, M>> {
    return this.#transport.send<Uint8Array>({
      method: "GET",
      path: "/api/Report/Attachments/{id}",
      params: { id: requireId(reportId, "report.attachments") },
      responseType: "bytes",
      operation: "report.attachments",
    }) as Promise<Found<Uint8Array, M>>;
  }

  /**
   * The test certificate of a report, as the server renders it (a PDF).
   *
   * @param reportId The report id.
   * @returns The certificate's bytes, or `null` in lenient mode when there is no such report.
   * @throws {NotFoundError} In strict mode when there is no such report.
   */
  certificate(reportId: string): Promise<Uint8Array | null> {
    return this.#transport.send<Uint8Array>({
      method: "GET",
      path: "/api/Report/Certificate/{id}",
      params: { id: requireId(reportId, "report.certificate") },
      responseType: "bytes",
      operation: "report.certificate",
    });
  }

  #narrow(condition: ODataExpr, query: HeaderQuery): HeaderQuery {
    const extra = query.filter === undefined
      ? undefined
      : typeof query.filter === "string"
      ? { text: query.filter, toString: () => query.filter as string }
      : query.filter;
    return { ...query, filter: headerFilter.and(condition, extra) };
  }
}
