/**
 * The built-in converters, in the order `auto` breaks confidence ties.
 *
 * @module
 */
import type { Converter } from "./contract.ts";
import { csvConverter } from "./csv/csv.ts";
import { wsjfConverter } from "./wsjf.ts";
import { wstfConverter } from "./wstf.ts";
import { wsxfConverter } from "./wsxf/wsxf.ts";
// ---- Vendor formats (part B): import each vendor converter here. ----
import { atmlConverter } from "./atml.ts";
import { keysightTestExecConverter } from "./keysight_testexec.ts";
import { klippelConverter } from "./klippel.ts";
import { seicaConverter } from "./seica.ts";
import { speaConverter } from "./spea.ts";
import { teradyneIctConverter } from "./teradyne/ict.ts";
import { teradyneSpectrumConverter } from "./teradyne/spectrum.ts";
import { xjtagConverter } from "./xjtag.ts";
// ---- End of vendor imports. ----

/** Every built-in converter, WATS formats first. */
export const BUILTIN_CONVERTERS: readonly Converter[] = [
  wsjfConverter,
  wsxfConverter,
  wstfConverter,
  csvConverter,
  // ---- Vendor formats (part B): add each vendor converter below this line. ----
  atmlConverter,
  seicaConverter,
  keysightTestExecConverter,
  teradyneIctConverter,
  teradyneSpectrumConverter,
  speaConverter,
  klippelConverter,
  xjtagConverter,
  // ---- End of vendor converters. ----
];
