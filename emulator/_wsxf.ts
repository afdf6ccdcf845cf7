/**
 * WSXF (WATS Standard XML) for `POST /api/Report/WSXF` and `GET /api/Report/Wsxf/{id}`, through
 * the project's WSXF converter and writer: a posted document becomes WSJF reports that are stored
 * like any other; a stored UUT report is written back as WSXF. WSXF describes UUT reports only.
 *
 * @module
 */
import { parseReport, serializeReport } from "../api/models/report/mod.ts";
import { ConversionError, type ConverterContext } from "../converters/contract.ts";
import { bytesInput } from "../converters/input.ts";
import { wsxfConverter } from "../converters/wsxf/wsxf.ts";
import { toWsxf } from "../converters/wsxf/write.ts";
import { EmulatorHttpError } from "./_http.ts";
import type { Rec } from "./_records.ts";

/** The reports of a WSXF document, in WSJF wire form; 400 naming the place when it is invalid. */
export async function reportsFromWsxf(bytes: Uint8Array, now: () => number): Promise<Rec[]> {
  const context: ConverterContext = {
    station: { name: "Unknown", location: "Unknown", purpose: "Unknown" },
    args: {},
    log: { info() {}, warn() {} },
    now,
    signal: new AbortController().signal,
  };
  const reports: Rec[] = [];
  try {
    for await (const report of wsxfConverter.convert(bytesInput("request.xml", bytes), context)) {
      reports.push(serializeReport(report));
    }
  } catch (error) {
    if (error instanceof ConversionError) {
      throw new EmulatorHttpError(400, `WSXF document is invalid: ${error.message}`);
    }
    throw error;
  }
  return reports;
}

/** A stored report as a WSXF document; 501 for a UUR, which WSXF does not describe. */
export function wsxfOf(stored: Rec): string {
  if (stored.type === "R") {
    throw new EmulatorHttpError(501, "WSXF read-back of a repair (UUR) report is not supported");
  }
  return toWsxf(parseReport(stored));
}
