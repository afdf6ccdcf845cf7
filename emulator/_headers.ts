/**
 * Report-header queries: the fields `$filter`/`$orderby` may name, the `$expand` collections,
 * run numbers (derived across all stored reports), and the `ReportHeader` shape of the answer.
 *
 * @module
 */
import { EmulatorHttpError } from "./_http.ts";
import { ODataError } from "./odata/odata.ts";
import { compareByKeys, compileFilter, type FilterSchema, parseOrderBy } from "./odata/_query.ts";
import type { Rec } from "./_records.ts";

/** `$top` when the query gives none. */
export const DEFAULT_TOP = 1000;

const SUB_UNIT = {
  serialNumber: "string",
  partNumber: "string",
  revision: "string",
  partType: "string",
} as const;
const MISC = { description: "string", value: "string" } as const;
const ASSET = {
  serialNumber: "string",
  runningCount: "number",
  totalCount: "number",
  daysSinceCalibration: "number",
  calibrationDaysOverdue: "number",
} as const;
const ATTACHMENT = {
  attachmentId: "number",
  fileName: "string",
  mimeType: "string",
  size: "number",
  description: "string",
} as const;

/** Fields of a report header, for `$filter` and `$orderby`. */
export const HEADER_SCHEMA: FilterSchema = {
  fields: {
    uuid: "string",
    serialNumber: "string",
    partNumber: "string",
    revision: "string",
    batchNumber: "string",
    reportType: "string",
    stationName: "string",
    location: "string",
    purpose: "string",
    processCode: "number",
    processName: "string",
    result: "string",
    startUtc: "date",
    operator: "string",
    comment: "string",
    executionTime: "number",
    swFilename: "string",
    swVersion: "string",
    testSocketIndex: "number",
    fixtureId: "string",
    run: "number",
    passedInRun: "number",
    receiveCount: "number",
    reportSize: "number",
    causedUutFailure: "string",
    causedUutFailurePath: "string",
    errorCode: "number",
    errorMessage: "string",
    referencedUut: "string",
    testOperation: "string",
    rootNodeType: "string",
  },
  aliases: { start: "startUtc", id: "uuid", machineName: "stationName" },
  collections: {
    subUnits: SUB_UNIT,
    uurSubUnits: SUB_UNIT,
    miscInfo: MISC,
    uurMiscInfo: MISC,
    assets: ASSET,
    uurAssets: ASSET,
    attachments: ATTACHMENT,
    uurAttachments: ATTACHMENT,
  },
};

/** UUT headers know only the UUT collections; WATS refuses a `uur…` lambda on them. */
const UUT_SCHEMA: FilterSchema = {
  ...HEADER_SCHEMA,
  collections: { subUnits: SUB_UNIT, miscInfo: MISC, assets: ASSET, attachments: ATTACHMENT },
};

/** UUR headers know only the `uur…` collections. */
const UUR_SCHEMA: FilterSchema = {
  ...HEADER_SCHEMA,
  collections: {
    uurSubUnits: SUB_UNIT,
    uurMiscInfo: MISC,
    uurAssets: ASSET,
    uurAttachments: ATTACHMENT,
  },
};

function schemaFor(reportType: "T" | "R" | undefined): FilterSchema {
  return reportType === "T" ? UUT_SCHEMA : reportType === "R" ? UUR_SCHEMA : HEADER_SCHEMA;
}

/** Why a collection is unknown on a typed query, added to the `$filter` error. */
function collectionHint(message: string, reportType: "T" | "R" | undefined): string {
  if (!message.startsWith("Unknown collection") || reportType === undefined) return "";
  return reportType === "T"
    ? " on a reportType=U query; UUT headers have subUnits, miscInfo, assets, attachments"
    : " on a reportType=R query; UUR headers have uurSubUnits, uurMiscInfo, uurAssets, uurAttachments";
}

const EXPANSIONS: Record<string, string> = {
  subunits: "subUnits",
  miscinfo: "miscInfo",
  assets: "assets",
  attachments: "attachments",
};

/** Parse `$expand` (a comma list, UUT or `uur…` names); 400 on an unknown name. */
export function parseExpand(text: string | undefined): Set<string> {
  const wanted = new Set<string>();
  if (!text) return wanted;
  for (const raw of text.split(",")) {
    const name = raw.trim();
    if (name === "") continue;
    const key = name.toLowerCase().replace(/^uur/, "");
    const canonical = EXPANSIONS[key];
    if (!canonical) {
      throw new EmulatorHttpError(
        400,
        `Unknown $expand '${name}'; use subUnits, miscInfo, assets, attachments (uur… for UUR)`,
      );
    }
    wanted.add(canonical);
  }
  return wanted;
}

/** Give every header its `run` and `passedInRun` (UUT runs per unit and process, by start). */
export function assignRuns(headers: Rec[]): void {
  const groups = new Map<string, Rec[]>();
  for (const header of headers) {
    if (header.reportType !== "T") {
      header.run = 1;
      header.passedInRun = header.result === "Passed" ? 1 : 0;
      continue;
    }
    const key = [header.serialNumber, header.partNumber, header.processCode]
      .map((part) => String(part ?? "").toLowerCase()).join("\u0000");
    let group = groups.get(key);
    if (!group) groups.set(key, group = []);
    group.push(header);
  }
  for (const group of groups.values()) {
    group.sort((a, b) =>
      String(a.startUtc ?? "").localeCompare(String(b.startUtc ?? "")) ||
      String(a.uuid).localeCompare(String(b.uuid))
    );
    group.forEach((header, index) => {
      header.run = index + 1;
      header.passedInRun = header.result === "Passed" ? index + 1 : 0;
    });
  }
}

/** A view of a stored header that a filter can use under UUT or UUR collection names. */
function filterView(header: Rec): Rec {
  return {
    ...header,
    uurSubUnits: header.subUnits,
    uurMiscInfo: header.miscInfo,
    uurAssets: header.assets,
    uurAttachments: header.attachments,
  };
}

/** A header as the API answers it: scalar fields, plus the requested expansions. */
export function presentHeader(header: Rec, expand: ReadonlySet<string>): Rec {
  const out: Rec = {};
  const isRepair = header.reportType === "R";
  for (const [key, value] of Object.entries(header)) {
    if (EXPANSIONS[key.toLowerCase()] !== undefined) continue;
    out[key] = value;
  }
  for (const name of expand) {
    const key = isRepair ? `uur${name[0].toUpperCase()}${name.slice(1)}` : name;
    out[key] = header[name] ?? [];
  }
  return out;
}

/** Options of {@link queryHeaders}. */
export interface HeaderQuery {
  reportType?: "T" | "R";
  filter?: string;
  orderBy?: string;
  top?: number;
  skip?: number;
  expand?: ReadonlySet<string>;
}

/**
 * Filter, sort and page headers (runs already assigned). Default order: newest first.
 *
 * @throws {EmulatorHttpError} 400 naming the position of a `$filter`/`$orderby` problem
 */
export function queryHeaders(headers: readonly Rec[], query: HeaderQuery): Rec[] {
  let predicate: ((record: Rec) => boolean) | undefined;
  let order;
  try {
    if (query.filter && query.filter.trim() !== "") {
      predicate = compileFilter(query.filter, schemaFor(query.reportType));
    }
    order = query.orderBy && query.orderBy.trim() !== ""
      ? parseOrderBy(query.orderBy, HEADER_SCHEMA)
      : [{ field: "startUtc", type: "date" as const, descending: true }];
  } catch (error) {
    if (error instanceof ODataError) {
      const which = query.orderBy && error.message.includes("$orderby") ? "$orderby" : "$filter";
      const hint = which === "$filter" ? collectionHint(error.message, query.reportType) : "";
      throw new EmulatorHttpError(400, `Invalid ${which}: ${error.message}${hint}`, {
        position: error.position,
      });
    }
    throw error;
  }
  const selected = headers.filter((header) =>
    (query.reportType === undefined || header.reportType === query.reportType) &&
    (predicate === undefined || predicate(filterView(header)))
  );
  selected.sort((a, b) =>
    compareByKeys(order, a, b) || String(a.uuid).localeCompare(String(b.uuid))
  );
  const skip = query.skip ?? 0;
  const top = query.top ?? DEFAULT_TOP;
  const expand = query.expand ?? new Set<string>();
  return selected.slice(skip, skip + top).map((header) => presentHeader(header, expand));
}
