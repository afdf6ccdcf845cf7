/**
 * Reading the answer of `POST /api/Production/SerialNumbers/Take`: XML
 * `<SerialNumbers><SN id="…"/>…</SerialNumbers>` or a JSON array.
 *
 * @module
 */

import { decodeXmlText } from "../../util/xml_text.ts";
import { UnexpectedResponseError } from "../http/errors.ts";

function fromRecord(value: unknown): string | null {
  if (typeof value === "string") return value.trim() || null;
  if (typeof value === "number") return String(value);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    for (const key of ["id", "Id", "ID", "serialNumber", "SerialNumber", "sn"]) {
      const found = record[key];
      if (typeof found === "string" && found.trim()) return found.trim();
    }
  }
  return null;
}

export function parseTaken(data: unknown, operation: string): string[] {
  if (data === null || data === undefined) return [];
  if (Array.isArray(data)) {
    const out = data.map(fromRecord);
    if (out.every((sn): sn is string => sn !== null)) return out;
  } else if (typeof data === "string") {
    const text = data.trim();
    if (text.startsWith("<")) {
      const out: string[] = [];
      const element = /<SN\b([^>]*)\/?>/gi;
      for (const match of text.matchAll(element)) {
        const id = /\bid\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(match[1]);
        if (id) out.push(decodeXmlText(id[1] ?? id[2]));
      }
      if (out.length > 0 || /<SerialNumbers\b[^>]*\/>|<SerialNumbers\b[^>]*>\s*<\//i.test(text)) {
        return out;
      }
    }
  } else if (typeof data === "object") {
    const record = data as Record<string, unknown>;
    const list = record.SerialNumbers ?? record.serialNumbers;
    if (Array.isArray(list)) return parseTaken(list, operation);
  }
  throw new UnexpectedResponseError(
    `${operation} failed: the server's answer holds no serial numbers in a known form`,
    { operation },
  );
}
