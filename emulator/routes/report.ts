/**
 * `/api/Report` routes: submit and read WSJF and WSXF, header queries, attachments, certificates.
 *
 * A submission is validated with the project's report model, changed the way a WATS server
 * changes it (see `_report_shape.ts`), and stored under its id; posting the same id again
 * overwrites it and raises the header's `receiveCount`.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { writeZip } from "../../util/zip_write.ts";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import { assignRuns, DEFAULT_TOP, parseExpand, queryHeaders } from "../_headers.ts";
import {
  EmulatorHttpError,
  isRecord,
  jsonResponse,
  queryBool,
  queryInt,
  queryParam,
  readBody,
  readJson,
  requireGuid,
} from "../_http.ts";
import {
  attachmentData,
  buildHeader,
  collectAttachments,
  forReadBack,
  toStoredForm,
} from "../_report_shape.ts";
import { processName } from "./app.ts";
import type { AttachmentMeta } from "../_report_shape.ts";
import { validateReport } from "../_validate.ts";
import { certificatePdf } from "../_certificate.ts";
import { reportsFromWsxf, wsxfOf } from "../_wsxf.ts";
import type { Rec } from "../_records.ts";

type C = Context<EmulatorEnv>;

/** Keep a header row well under the 64 KiB a KV value holds. */
const MAX_HEADER_CHARS = 48_000;

/** The `id` of a submitted WSJF body, or null (used to count replays). */
export function submittedReportId(body: Uint8Array): string | null {
  try {
    const value = JSON.parse(new TextDecoder().decode(body));
    return isRecord(value) && typeof value.id === "string" ? value.id : null;
  } catch {
    return null;
  }
}

function boundHeader(header: Rec): Rec {
  const lists = ["subUnits", "miscInfo", "assets", "attachments"];
  while (JSON.stringify(header).length > MAX_HEADER_CHARS) {
    const longest = lists.reduce((
      a,
      b,
    ) => ((header[a] as unknown[]).length >= (header[b] as unknown[]).length ? a : b));
    const list = header[longest] as unknown[];
    if (list.length === 0) break;
    header[longest] = list.slice(0, Math.floor(list.length / 2));
  }
  return header;
}

function withoutCharts(step: Rec): Rec {
  const copy: Rec = { ...step };
  delete copy.chart;
  if (Array.isArray(copy.steps)) {
    copy.steps = copy.steps.map((child) => isRecord(child) ? withoutCharts(child) : child);
  }
  return copy;
}

/** Validate, reshape and store one report; answers its id. Counts it in the statistics. */
async function store(ctx: EmulatorContext, input: unknown): Promise<string> {
  if (isRecord(input) && typeof input.id === "string") ctx.stats.received(input.id);
  if (Array.isArray(input)) {
    ctx.stats.rejected();
    throw new EmulatorHttpError(400, "Request body must be one report object, not an array");
  }
  const result = validateReport(input);
  if (!result.ok) {
    ctx.stats.rejected();
    throw new EmulatorHttpError(400, result.message, { errors: result.issues });
  }
  const stored = toStoredForm(result.report);
  const id = String(stored.id);
  const bytes = new TextEncoder().encode(JSON.stringify(stored));
  await ctx.reports.put({
    id,
    body: bytes,
    attachments: collectAttachments(stored),
    header: (receiveCount: number, attachments: readonly AttachmentMeta[]) =>
      boundHeader(buildHeader(stored, {
        receiveCount,
        reportSize: Math.ceil(bytes.byteLength / 1024),
        processName: processName(ctx, stored.processCode),
        attachments,
      })),
  });
  ctx.stats.applied(id);
  return id;
}

async function submitWsxf(c: C, ctx: EmulatorContext): Promise<Response> {
  const reports = await reportsFromWsxf(await readBody(c, ctx.bodyLimit), ctx.now);
  const ids = [];
  for (const report of reports) ids.push({ id: await store(ctx, report) });
  return jsonResponse(ids.length === 1 ? ids[0] : ids);
}

async function getWsxf(c: C, ctx: EmulatorContext): Promise<Response> {
  const id = requireGuid(c.req.param("id") ?? "", "Report id");
  const stored = await ctx.reports.report(id);
  if (!stored) throw new EmulatorHttpError(404, `Report '${id}' was not found`);
  return new Response(wsxfOf(stored), {
    headers: { "content-type": "application/xml; charset=utf-8" },
  });
}

async function getReport(c: C, ctx: EmulatorContext): Promise<Response> {
  const id = requireGuid(c.req.param("id") ?? "", "Report id");
  queryInt(c, "detailLevel", { min: 0, max: 7 });
  const includeAttachments = queryBool(c, "includeAttachments", false);
  const includeChartdata = queryBool(c, "includeChartdata", true);
  const stored = await ctx.reports.report(id);
  if (!stored) throw new EmulatorHttpError(404, `Report '${id}' was not found`);
  let report = forReadBack(stored, includeAttachments);
  if (!includeChartdata && isRecord(report.root)) {
    report = { ...report, root: withoutCharts(report.root) };
  }
  return jsonResponse(report);
}

function reportTypeOf(c: C): "T" | "R" | undefined {
  const raw = queryParam(c, "reportType");
  if (raw === undefined || raw === "") return undefined;
  const upper = raw.toUpperCase();
  if (upper === "U" || upper === "T" || upper === "UUT") return "T";
  if (upper === "R" || upper === "UUR") return "R";
  throw new EmulatorHttpError(400, `Query parameter 'reportType' must be U or R, got '${raw}'`);
}

async function headerQuery(c: C, ctx: EmulatorContext): Promise<Response> {
  const reportType = reportTypeOf(c);
  const expand = parseExpand(queryParam(c, "$expand"));
  const top = queryInt(c, "$top", { min: 0 }) ?? DEFAULT_TOP;
  const skip = queryInt(c, "$skip", { min: 0 }) ?? 0;
  const headers = await ctx.reports.headers();
  assignRuns(headers);
  return jsonResponse(queryHeaders(headers, {
    reportType,
    filter: queryParam(c, "$filter"),
    orderBy: queryParam(c, "$orderby"),
    top,
    skip,
    expand,
  }));
}

async function headersByMiscInfo(c: C, ctx: EmulatorContext): Promise<Response> {
  const description = queryParam(c, "description");
  if (!description) throw new EmulatorHttpError(400, "Query parameter 'description' is required");
  const value = queryParam(c, "stringValue");
  const top = queryInt(c, "$top", { min: 0 }) ?? DEFAULT_TOP;
  const headers = await ctx.reports.headers();
  assignRuns(headers);
  const wanted = (text: unknown, expected: string) =>
    typeof text === "string" && text.toLowerCase() === expected.toLowerCase();
  const matching = headers.filter((header) =>
    (header.miscInfo as Rec[]).some((misc) =>
      wanted(misc.description, description) && (value === undefined || wanted(misc.value, value))
    )
  );
  return jsonResponse(queryHeaders(matching, { top, expand: new Set(["miscInfo"]) }));
}

function decodeBase64(data: string): Uint8Array<ArrayBuffer> {
  try {
    return Uint8Array.from(atob(data.replace(/\s/g, "")), (ch) => ch.charCodeAt(0));
  } catch {
    throw new EmulatorHttpError(500, "The stored attachment is not valid base64");
  }
}

async function attachment(c: C, ctx: EmulatorContext): Promise<Response> {
  const attachmentId = queryInt(c, "attachmentId", { min: 1 });
  const stepId = queryParam(c, "stepId");
  if (attachmentId === undefined && !stepId) {
    throw new EmulatorHttpError(400, "Give 'attachmentId' or 'stepId'");
  }
  const meta = attachmentId !== undefined
    ? await ctx.reports.attachment(attachmentId)
    : await ctx.reports.attachmentOfStep(stepId!);
  const stored = meta ? await ctx.reports.report(meta.reportId) : null;
  const data = meta && stored ? attachmentData(stored, meta) : null;
  if (!meta || data === null) {
    const which = attachmentId !== undefined ? `id ${attachmentId}` : `step ${stepId}`;
    throw new EmulatorHttpError(404, `Attachment with ${which} was not found`);
  }
  return new Response(decodeBase64(data), {
    headers: {
      "content-type": meta.mimeType,
      "content-disposition": `attachment; filename="${meta.fileName.replace(/"/g, "")}"`,
    },
  });
}

async function allAttachments(c: C, ctx: EmulatorContext): Promise<Response> {
  const id = requireGuid(c.req.param("id") ?? "", "Report id");
  const meta = await ctx.reports.meta(id);
  const stored = meta ? await ctx.reports.report(id) : null;
  if (!meta || !stored) throw new EmulatorHttpError(404, `Report '${id}' was not found`);
  const files = meta.attachments.map((item) => ({
    name: `${item.attachmentId}_${item.fileName}`,
    data: decodeBase64(attachmentData(stored, item) ?? ""),
  }));
  return new Response(writeZip(files), {
    headers: {
      "content-type": "application/zip",
      "content-disposition": `attachment; filename="${id}.zip"`,
    },
  });
}

async function certificate(c: C, ctx: EmulatorContext): Promise<Response> {
  const id = requireGuid(c.req.param("id") ?? "", "Report id");
  const meta = await ctx.reports.meta(id);
  if (!meta) throw new EmulatorHttpError(404, `Report '${id}' was not found`);
  return new Response(certificatePdf(meta.header), {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="${id}.pdf"`,
    },
  });
}

/** Register the `/api/Report` routes. */
export function reportRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.post("/api/Report/WSJF", async (c) => {
    const id = await store(ctx, await readJson(c, ctx.bodyLimit));
    return jsonResponse({ ID: id });
  });
  app.get("/api/Report/Wsjf/:id", (c) => getReport(c, ctx));
  app.get("/api/Report/Query/Header", (c) => headerQuery(c, ctx));
  app.get("/api/Report/Query/HeaderByMiscInfo", (c) => headersByMiscInfo(c, ctx));
  app.get("/api/Report/Attachment", (c) => attachment(c, ctx));
  app.get("/api/Report/Attachments/:id", (c) => allAttachments(c, ctx));
  app.get("/api/Report/Certificate/:id", (c) => certificate(c, ctx));
  app.post("/api/Report/WSXF", (c) => submitWsxf(c, ctx));
  app.get("/api/Report/Wsxf/:id", (c) => getWsxf(c, ctx));
}
