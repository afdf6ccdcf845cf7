/**
 * Serial-number pool administration with real state: import into a pool and export from it
 * (`PUT`/`GET /api/Production/SerialNumbers`, CSV or XML), and the internal admin routes
 * (`/api/internal/Production/SerialNumbers`: list, count, free, ranges, statistics).
 *
 * A record is `Free` (imported, not yet taken) or `Taken`. Imported numbers must match their
 * type's pattern and must not exist yet; freeing returns taken numbers to the pool; `DELETE …/Free`
 * drops free numbers from the pool and, as WATS, needs the ranges in its body (pyWATS drops DELETE
 * bodies, so this is where that shows).
 *
 * CSV: a header row naming the columns (`SerialNumber` required, `Type` optional when `typeName`
 * is given in the query), `,` or `;` separated. XML: `<SerialNumbers type="…"><SN id="…"/>…`.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import {
  EmulatorHttpError,
  isRecord,
  jsonResponse,
  queryParam,
  readJson,
  readText,
  requireParam,
} from "../_http.ts";
import { type Rec, requireReferer } from "../_records.ts";
import { escapeXmlAttribute } from "../../util/xml_text.ts";
import { recordsOf, SERIAL_TYPES, typeOf } from "./serial_numbers.ts";

type C = Context<EmulatorEnv>;

const STATES = ["Free", "Taken"];
const CSV_COLUMNS = [
  "SerialNumber",
  "Type",
  "State",
  "ReferenceSerialNumber",
  "ReferencePartNumber",
  "StationName",
  "TakenUtc",
];

function key(typeName: unknown, serialNumber: unknown): string {
  return `${typeName}\u0000${serialNumber}`;
}

function stateOf(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  const found = STATES.find((s, i) => s.toLowerCase() === raw.toLowerCase() || String(i) === raw);
  if (!found) {
    throw new EmulatorHttpError(400, `Unknown serial number state '${raw}'; use Free or Taken`);
  }
  return found;
}

function splitCsvLine(line: string): string[] {
  const separator = line.includes(";") && !line.includes(",") ? ";" : ",";
  return line.split(separator).map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"));
}

/** Reads `[type, serialNumber]` pairs from an import body. */
function parseImport(text: string, typeName: string | undefined): [string, string][] {
  const trimmed = text.trim();
  if (trimmed === "") throw new EmulatorHttpError(400, "Request body is empty");
  if (trimmed.startsWith("<")) {
    const root = /<SerialNumbers\b([^>]*)>/i.exec(trimmed);
    if (!root) throw new EmulatorHttpError(400, "The XML has no <SerialNumbers> root");
    const type = /\btype="([^"]*)"/i.exec(root[1])?.[1] ?? typeName;
    const ids = [...trimmed.matchAll(/<SN\b[^>]*\bid="([^"]*)"/gi)].map((m) => m[1]);
    if (!type) throw new EmulatorHttpError(400, "Give the type as <SerialNumbers type=…>");
    return ids.map((id) => [type, id]);
  }
  const lines = trimmed.split(/\r?\n/).filter((line) => line.trim() !== "");
  const header = splitCsvLine(lines[0]).map((h) => h.toLowerCase());
  const snAt = header.indexOf("serialnumber");
  if (snAt < 0) throw new EmulatorHttpError(400, "The CSV header row has no SerialNumber column");
  const typeAt = header.findIndex((h) => h === "type" || h === "typename");
  return lines.slice(1).map((line, i) => {
    const cells = splitCsvLine(line);
    const type = typeAt >= 0 && cells[typeAt] ? cells[typeAt] : typeName;
    if (!type) {
      throw new EmulatorHttpError(400, `CSV row ${i + 2} has no type and no typeName was given`);
    }
    return [type, cells[snAt] ?? ""];
  });
}

async function importNumbers(c: C, ctx: EmulatorContext): Promise<Response> {
  const pairs = parseImport(await readText(c, ctx.bodyLimit), queryParam(c, "typeName"));
  if (pairs.length === 0) throw new EmulatorHttpError(400, "The body holds no serial numbers");
  const records: Rec[] = [];
  const seen = new Set<string>();
  for (const [typeName, serialNumber] of pairs) {
    const type = typeOf(typeName);
    if (!new RegExp(String(type.regEx)).test(serialNumber)) {
      throw new EmulatorHttpError(
        400,
        `Serial number '${serialNumber}' does not match the pattern of type '${type.name}'`,
      );
    }
    const k = key(type.name, serialNumber).toLowerCase();
    if (seen.has(k) || await ctx.entities.get("serialNumber", k)) {
      throw new EmulatorHttpError(409, `Serial number '${serialNumber}' already exists`);
    }
    seen.add(k);
    records.push({
      serialNumber,
      typeName: type.name,
      sequence: null,
      state: "Free",
      referenceSerialNumber: null,
      referencePartNumber: null,
      stationName: null,
      importedUtc: new Date(ctx.now()).toISOString(),
      takenUtc: null,
    });
  }
  for (const record of records) {
    await ctx.entities.put("serialNumber", key(record.typeName, record.serialNumber), record);
  }
  return jsonResponse(true);
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",;\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function exportNumbers(c: C, ctx: EmulatorContext): Promise<Response> {
  const state = stateOf(queryParam(c, "state"));
  const format = (queryParam(c, "format") ?? "csv").toLowerCase();
  if (format !== "csv" && format !== "xml") {
    throw new EmulatorHttpError(400, `Unknown format '${format}'; use csv or xml`);
  }
  const type = typeOf(requireParam(c, "typeName"));
  const records = (await recordsOf(ctx, String(type.name)))
    .filter((r) => !state || r.state === state);
  if (format === "xml") {
    const xml = `<SerialNumbers type="${escapeXmlAttribute(String(type.name))}">${
      records.map((r) =>
        `<SN id="${escapeXmlAttribute(String(r.serialNumber))}" state="${
          escapeXmlAttribute(String(r.state))
        }"/>`
      ).join("")
    }</SerialNumbers>`;
    return new Response(xml, { headers: { "content-type": "application/xml; charset=utf-8" } });
  }
  const rows = records.map((r) =>
    [
      r.serialNumber,
      r.typeName,
      r.state,
      r.referenceSerialNumber,
      r.referencePartNumber,
      r.stationName,
      r.takenUtc,
    ].map(csvCell).join(",")
  );
  return new Response([CSV_COLUMNS.join(","), ...rows].join("\r\n") + "\r\n", {
    headers: { "content-type": "text/csv; charset=utf-8" },
  });
}

function dateParam(c: C, name: string): number | undefined {
  const raw = queryParam(c, name);
  if (raw === undefined || raw === "") return undefined;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new EmulatorHttpError(400, `Query parameter '${name}' is not a date`);
  return t;
}

async function selected(c: C, ctx: EmulatorContext, from: string, to: string): Promise<Rec[]> {
  const type = typeOf(requireParam(c, "serialNumberType"));
  const start = queryParam(c, "startAddress")?.toUpperCase();
  const end = queryParam(c, "endAddress")?.toUpperCase();
  const after = dateParam(c, from);
  const before = dateParam(c, to);
  return (await recordsOf(ctx, String(type.name))).filter((r) => {
    const sn = String(r.serialNumber).toUpperCase();
    const taken = typeof r.takenUtc === "string" ? Date.parse(r.takenUtc) : undefined;
    return (!start || sn >= start) && (!end || sn <= end) &&
      (after === undefined || (taken !== undefined && taken >= after)) &&
      (before === undefined || (taken !== undefined && taken <= before));
  });
}

async function rangesBody(c: C, ctx: EmulatorContext): Promise<Rec[]> {
  const body = await readJson(c, ctx.bodyLimit);
  const ranges = Array.isArray(body) ? body : [body];
  if (ranges.length === 0 || !ranges.every(isRecord)) {
    throw new EmulatorHttpError(400, "Request body must be a list of ranges");
  }
  for (const range of ranges) {
    for (const field of ["serialNumberType", "startAddress", "endAddress"]) {
      if (typeof range[field] !== "string" || range[field] === "") {
        throw new EmulatorHttpError(400, `Range.${field} is required`);
      }
    }
  }
  return ranges;
}

async function inRanges(ctx: EmulatorContext, ranges: Rec[]): Promise<Rec[]> {
  const out: Rec[] = [];
  for (const range of ranges) {
    const start = String(range.startAddress).toUpperCase();
    const end = String(range.endAddress).toUpperCase();
    for (const r of await recordsOf(ctx, String(range.serialNumberType))) {
      const sn = String(r.serialNumber).toUpperCase();
      if (sn >= start && sn <= end) out.push(r);
    }
  }
  return out;
}

/** The number a serial number counts up (MAC addresses in hex, others their digits). */
function numberOf(typeName: unknown, serialNumber: unknown): number {
  const text = String(serialNumber);
  if (typeOf(String(typeName)).identifier === 1) return parseInt(text.replace(/-/g, ""), 16);
  return Number(/(\d+)$/.exec(text)?.[1] ?? NaN);
}

/** Runs of consecutive numbers in one state, in serial-number order. */
function ranges(records: Rec[]): Rec[] {
  const out: Rec[] = [];
  let previous = NaN;
  for (const r of records) {
    const last = out.at(-1);
    const n = numberOf(r.typeName, r.serialNumber);
    const follows = n === previous + 1;
    previous = n;
    if (last && last.state === r.state && follows) {
      last.endAddress = r.serialNumber;
      last.count = Number(last.count) + 1;
    } else {
      out.push({
        serialNumberType: r.typeName,
        startAddress: r.serialNumber,
        endAddress: r.serialNumber,
        count: 1,
        state: r.state,
      });
    }
  }
  return out;
}

/** Register the serial-number import, export and admin routes. */
export function serialAdminRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.put("/api/Production/SerialNumbers", (c) => importNumbers(c, ctx));
  app.get("/api/Production/SerialNumbers", (c) => exportNumbers(c, ctx));
  const base = "/api/internal/Production/SerialNumbers";
  app.get(base, async (c) => {
    requireReferer(c);
    return jsonResponse(await selected(c, ctx, "startDate", "endDate"));
  });
  app.get(`${base}/Count`, async (c) => {
    requireReferer(c);
    return jsonResponse((await selected(c, ctx, "fromDate", "toDate")).length);
  });
  app.put(`${base}/Free`, async (c) => {
    requireReferer(c);
    const taken = (await inRanges(ctx, await rangesBody(c, ctx))).filter((r) =>
      r.state === "Taken"
    );
    for (const r of taken) {
      await ctx.entities.put("serialNumber", key(r.typeName, r.serialNumber), {
        ...r,
        state: "Free",
        referenceSerialNumber: null,
        referencePartNumber: null,
        stationName: null,
        takenUtc: null,
      });
    }
    return jsonResponse(taken.length);
  });
  app.delete(`${base}/Free`, async (c) => {
    requireReferer(c);
    const free = (await inRanges(ctx, await rangesBody(c, ctx))).filter((r) => r.state === "Free");
    for (const r of free) {
      await ctx.entities.delete("serialNumber", key(r.typeName, r.serialNumber));
    }
    return jsonResponse(free.length);
  });
  app.get(`${base}/Ranges`, async (c) => {
    requireReferer(c);
    return jsonResponse(ranges(await recordsOf(ctx, requireParam(c, "serialNumberType"))));
  });
  app.get(`${base}/Statistics`, async (c) => {
    requireReferer(c);
    const only = queryParam(c, "serialNumberType");
    const types = only ? [typeOf(only)] : SERIAL_TYPES;
    const out: Rec[] = [];
    for (const type of types) {
      const records = await recordsOf(ctx, String(type.name));
      const taken = records.filter((r) => r.state === "Taken");
      out.push({
        serialNumberType: type.name,
        total: records.length,
        free: records.length - taken.length,
        taken: taken.length,
        lastTakenUtc: taken.map((r) => String(r.takenUtc)).sort().at(-1) ?? null,
      });
    }
    return jsonResponse(out);
  });
}
