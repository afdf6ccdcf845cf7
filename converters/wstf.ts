/**
 * WSTF, the WATS Standard Text Format: tab-separated text, one or more UUTs a file.
 *
 * ```text
 * --Header-Start--
 * SerialNumber<TAB>SN0001
 * PartNumber<TAB>PCBA-100
 * …
 * --Step-Data-Start--
 * SequenceCall<TAB>Power
 * NumericLimitTest<TAB>Supply 5V<TAB><TAB>5.01<TAB>4.9<TAB>5.1<TAB>GELE<TAB>V<TAB>Passed
 * EndSequenceCall
 * --Step-Data-End--
 * UUTStatus<TAB>Passed
 * --UUT-End--
 * ```
 *
 * Header keys (`wats-api.md` §6.2): `SerialNumber`, `PartNumber`, `Revision`,
 * `OperationTypeCode`, `StationName`, `Location`, `Purpose`, `OperatorName`, `UUTStatus`,
 * `StartDateTime` (local, `yyyy-MM-ddTHH:mm:ss`) or `UTCStartDateTime`, `ExecutionTime`,
 * `BatchSerialNumber`, `FixtureId`, `TestSocketIndex`, `Comment`, `ErrorCode`, `ErrorMessage`,
 * `SoftwareName`/`SoftwareVersion` (the root sequence), `Subunit` (`PartType, PartNumber,
 * SerialNumber, Revision`); any other key becomes misc info. The footer after
 * `--Step-Data-End--` may repeat `UUTStatus`, `ErrorCode`, `ErrorMessage`, `ExecutionTime`. Step
 * lines: see `_wstf_steps.ts`. The file is streamed; each UUT is yielded at `--UUT-End--`.
 *
 * Arguments: `defaultOperationTypeCode` (10), `decimalComma` (false), `utcOffsetMinutes` (the
 * host's offset) for local times.
 *
 * @module
 */
import {
  ConversionError,
  type Converter,
  CONVERTER_API_VERSION,
  type ConverterContext,
  type ConverterInput,
} from "./contract.ts";
import { decodeHead, lines, parseFiniteNumber } from "./_text.ts";
import {
  argBoolean,
  argInteger,
  markValidated,
  parseIsoDate,
  requireResult,
  stationFields,
} from "./_report_kit.ts";
import { emitSteps, WstfSteps } from "./_wstf_steps.ts";
import { createUutReport, type Report, ReportFormatError } from "../api/models/report/mod.ts";

interface Block {
  line: number;
  header: Map<string, { value: string; line: number }>;
  subUnits: { pn: string; sn: string; rev?: string; partType?: string }[];
  misc: [string, string][];
  steps: WstfSteps;
}

const KNOWN = new Set([
  "SerialNumber",
  "PartNumber",
  "Revision",
  "OperationTypeCode",
  "OperationTypeName",
  "StationName",
  "Location",
  "Purpose",
  "OperatorName",
  "UUTStatus",
  "StartDateTime",
  "UTCStartDateTime",
  "ExecutionTime",
  "BatchSerialNumber",
  "FixtureId",
  "TestSocketIndex",
  "Comment",
  "ErrorCode",
  "ErrorMessage",
  "SoftwareName",
  "SoftwareVersion",
  "ConverterMode",
]);

function offsetArg(context: ConverterContext): number | undefined {
  const value = context.args.utcOffsetMinutes;
  return value === undefined || value === null
    ? undefined
    : argInteger(context.args, "utcOffsetMinutes", 0);
}

function build(block: Block, file: string, context: ConverterContext): Report {
  const h = (key: string) => block.header.get(key)?.value;
  const place = (key: string) => ({
    file,
    line: block.header.get(key)?.line ?? block.line,
    element: key,
  });
  const need = (key: string) => {
    const value = h(key);
    if (value === undefined || value === "") {
      throw new ConversionError(`Missing ${key} in the header`, {
        file,
        line: block.line,
        stage: "map",
      });
    }
    return value;
  };
  const decimalComma = argBoolean(context.args, "decimalComma", false);
  const number = (key: string) => {
    const value = h(key);
    return value === undefined || value === ""
      ? undefined
      : parseFiniteNumber(value, { ...place(key), decimalComma });
  };
  const integer = (key: string) => {
    const value = number(key);
    if (value !== undefined && !Number.isInteger(value)) {
      throw new ConversionError(`${key} must be a whole number`, { ...place(key), stage: "map" });
    }
    return value;
  };
  const offset = offsetArg(context);
  let start: string | undefined;
  if (h("StartDateTime")) {
    start = parseIsoDate(h("StartDateTime")!, {
      ...place("StartDateTime"),
      utcOffsetMinutes: offset,
    });
  } else if (h("UTCStartDateTime")) {
    const utc = parseIsoDate(h("UTCStartDateTime")!, {
      ...place("UTCStartDateTime"),
      utcOffsetMinutes: 0,
    });
    start = utc;
  }
  const status = h("UUTStatus");
  const builder = createUutReport({
    pn: need("PartNumber"),
    sn: need("SerialNumber"),
    rev: h("Revision") || "1",
    processCode: integer("OperationTypeCode") ??
      argInteger(context.args, "defaultOperationTypeCode", 10),
    ...stationFields(context, {
      machineName: h("StationName"),
      location: h("Location"),
      purpose: h("Purpose"),
    }),
    start,
    now: () => new Date(context.now()),
    utcOffsetMinutes: offset,
    operator: h("OperatorName") || undefined,
    fixtureId: h("FixtureId") || undefined,
    comment: h("Comment") || undefined,
    execTime: number("ExecutionTime"),
    batchSN: h("BatchSerialNumber") || undefined,
    testSocketIndex: integer("TestSocketIndex"),
    uut: {
      ...(h("ErrorCode") ? { errorCode: integer("ErrorCode") } : {}),
      ...(h("ErrorMessage") ? { errorMessage: h("ErrorMessage") } : {}),
    },
    result: status ? requireResult(status, place("UUTStatus")) : undefined,
    seqCall: {
      ...(h("SoftwareName") ? { name: h("SoftwareName") } : {}),
      ...(h("SoftwareVersion") ? { version: h("SoftwareVersion") } : {}),
    },
  });
  for (const unit of block.subUnits) builder.subUnit(unit);
  for (const [description, text] of block.misc) builder.miscInfo(description, text);
  emitSteps(block.steps.root, builder);
  return markValidated(builder.build());
}

/**
 * How sure the WSTF converter is about a file, from its head.
 *
 * @param head The first bytes.
 * @returns 0.98 with `--Header-Start--` and `--Step-Data-Start--` in the first 10 KB, 0.85 with
 * the header marker only, 0 otherwise.
 */
export function sniffWstf(head: Uint8Array): number {
  const text = decodeHead(head, 10_240);
  if (!text.includes("--Header-Start--")) return 0;
  return text.includes("--Step-Data-Start--") ? 0.98 : 0.85;
}

/** The WSTF converter: every UUT of a WATS Standard Text Format file, streamed. */
export const wstfConverter: Converter = {
  apiVersion: CONVERTER_API_VERSION,
  id: "wstf",
  version: "1.0.0",
  description: "WATS Standard Text Format (WSTF), tab-separated, one or more UUTs",
  patterns: ["*.txt", "*.wstf"],
  sniff: sniffWstf,
  async *convert(input: ConverterInput, context: ConverterContext): AsyncGenerator<Report> {
    const file = input.path;
    const decimalComma = argBoolean(context.args, "decimalComma", false);
    let state: "idle" | "header" | "steps" | "footer" = "idle";
    let block: Block | null = null;
    let count = 0;
    let lastLine = 0;
    for await (const { text, line } of lines(input.stream(), { file, signal: context.signal })) {
      lastLine = line;
      const trimmed = text.trim();
      if (trimmed === "") continue;
      if (trimmed === "--Header-Start--") {
        if (state !== "idle") {
          throw new ConversionError(
            `--Header-Start-- before --UUT-End-- of the UUT on line ${block!.line}`,
            { file, line, stage: "parse" },
          );
        }
        block = {
          line,
          header: new Map(),
          subUnits: [],
          misc: [],
          steps: new WstfSteps(file, decimalComma),
        };
        state = "header";
        continue;
      }
      if (state === "idle") {
        throw new ConversionError(`Expected --Header-Start--, found "${trimmed.slice(0, 40)}"`, {
          file,
          line,
          stage: "parse",
        });
      }
      const b = block!;
      if (trimmed === "--Step-Data-Start--" && state === "header") state = "steps";
      else if (trimmed === "--Step-Data-End--" && state === "steps") {
        for (const open of b.steps.openSequences) {
          context.log.warn("Sequence not closed by EndSequenceCall", {
            file,
            line: open.line,
            name: open.name,
          });
        }
        state = "footer";
      } else if (trimmed === "--UUT-End--" || trimmed === "-- UUT-End--") {
        try {
          yield build(b, file, context);
        } catch (error) {
          if (!(error instanceof ReportFormatError)) throw error;
          throw new ConversionError(error.message, {
            file,
            line: b.line,
            stage: "validate",
            cause: error,
          });
        }
        count++;
        state = "idle";
        block = null;
      } else if (state === "steps") {
        b.steps.add(text.split("\t").map((c) => c.trim()), line);
      } else {
        const [key, ...rest] = text.split("\t").map((c) => c.trim());
        if (key === "Subunit") {
          const [partType = "", pn = "", sn = "", rev = ""] = rest;
          if (pn === "" || sn === "") {
            throw new ConversionError("A Subunit needs a part number and a serial number", {
              file,
              line,
              stage: "map",
            });
          }
          b.subUnits.push({ pn, sn, ...(rev ? { rev } : {}), ...(partType ? { partType } : {}) });
        } else if (KNOWN.has(key)) b.header.set(key, { value: rest.join("\t"), line });
        else if (state === "header") b.misc.push([key.slice(0, 100), rest.join(" ").slice(0, 100)]);
        else {throw new ConversionError(`Unknown footer key "${key}"`, {
            file,
            line,
            stage: "parse",
          });}
      }
    }
    if (block !== null) {
      throw new ConversionError(
        `Truncated file: the UUT that starts on line ${block.line} has no --UUT-End--`,
        {
          file,
          line: lastLine,
          stage: "parse",
        },
      );
    }
    if (count === 0) {
      throw new ConversionError(
        lastLine === 0 ? "Empty file" : "No --Header-Start-- found; not a WSTF file",
        { file, stage: "parse" },
      );
    }
  },
};
