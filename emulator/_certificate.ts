/**
 * The test certificate of a report (`GET /api/Report/Certificate/{id}`): a one-page PDF naming the
 * unit, the operation, the station and the result, written from the stored header row. The PDF
 * is the smallest valid one (one page, Helvetica, a cross-reference table with exact offsets), so
 * any PDF reader opens it and a test can find the header's values in its text.
 *
 * @module
 */

import type { Rec } from "./_records.ts";

function pdfText(text: string): string {
  // PDF strings are bytes; keep printable ASCII and escape the three special characters.
  return text.replace(/[^\x20-\x7e]/g, "?").replace(/[\\()]/g, (ch) => `\\${ch}`);
}

/** The certificate lines of a header row. */
export function certificateLines(header: Rec): string[] {
  const value = (key: string) =>
    header[key] === null || header[key] === undefined ? "" : String(header[key]);
  return [
    "Test certificate",
    `Report: ${value("uuid")}`,
    `Part number: ${value("partNumber")}  Revision: ${value("revision")}`,
    `Serial number: ${value("serialNumber")}`,
    `Operation: ${value("processCode")} ${value("processName")}`,
    `Station: ${value("stationName")}  Location: ${value("location")}`,
    `Started (UTC): ${value("startUtc")}`,
    `Operator: ${value("operator")}`,
    `Result: ${value("result")}`,
  ];
}

/** A one-page PDF holding the certificate lines of a header row. */
export function certificatePdf(header: Rec): Uint8Array<ArrayBuffer> {
  const lines = certificateLines(header);
  const content = [
    "BT /F1 12 Tf 72 760 Td 16 TL",
    ...lines.map((line) => `(${pdfText(line)}) Tj T*`),
    "ET",
  ].join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R " +
    "/Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}
