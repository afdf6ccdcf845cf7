/**
 * Test helpers for the vendor converters: inputs from bytes or sample files, a context with a
 * fixed clock, and conversion to a list of validated reports.
 */
import {
  parseReport,
  type Report,
  type Step,
  type UutReport,
} from "../../api/models/report/mod.ts";
import {
  ConversionError,
  type Converter,
  type ConverterContext,
  type ConverterInput,
} from "../../converters/contract.ts";
import { bytesInput } from "../../converters/input.ts";
import assert from "node:assert/strict";
import { seeded } from "../_random.ts";

/** The samples folder. */
export const SAMPLES: URL = new URL("../../samples/", import.meta.url);

/** An input over bytes, streamed in small chunks so tokens split across chunks. */
export function inputOf(name: string, content: Uint8Array | string): ConverterInput {
  return bytesInput(name, content, { chunkSize: 61 });
}

/** The bytes of a sample file. */
export function sampleBytes(format: string, name: string): Uint8Array {
  return Deno.readFileSync(new URL(`${format}/${name}`, SAMPLES));
}

/** An input over a sample file. */
export function sampleInput(format: string, name: string): ConverterInput {
  return inputOf(name, sampleBytes(format, name));
}

/** A context with a fixed clock (2026-01-30T21:01:41Z) and station defaults. */
export function contextOf(
  args: Record<string, unknown> = {},
  warnings: string[] = [],
): ConverterContext {
  return {
    station: { name: "Default station", location: "Default location", purpose: "Default purpose" },
    args,
    log: { info() {}, warn: (message) => warnings.push(message) },
    now: () => Date.parse("2026-01-30T21:01:41Z"),
    signal: new AbortController().signal,
  };
}

/** Converts and checks that every report passes `parseReport`. */
export async function convertAll(
  converter: Converter,
  input: ConverterInput,
  args: Record<string, unknown> = {},
): Promise<UutReport[]> {
  const reports: Report[] = [];
  for await (const report of converter.convert(input, contextOf(args))) {
    reports.push(parseReport(report));
  }
  return reports as UutReport[];
}

/** Converts and expects a ConversionError naming the file; answers it. */
export async function conversionError(
  converter: Converter,
  input: ConverterInput,
  args: Record<string, unknown> = {},
): Promise<ConversionError> {
  const started = performance.now();
  try {
    for await (const _ of converter.convert(input, contextOf(args))) {
      // drain
    }
  } catch (error) {
    assert.ok(
      error instanceof ConversionError,
      `expected a ConversionError, got ${(error as Error)?.stack ?? error}`,
    );
    const named = error.file === input.name ||
      (error.stage === "load" && error.file === "(arguments)");
    assert.ok(named, `error names ${error.file}, not ${input.name}`);
    assert.ok(performance.now() - started < 2000, "error took longer than 2 s");
    return error;
  }
  throw new Error(`${input.name} converted without error`);
}

/** The steps of a report's root. */
export function rootSteps(report: Report): Step[] {
  return (report as UutReport).root?.steps ?? [];
}

/** Finds a step by name path below the root, e.g. `["Power", "VCC 3V3"]`. */
export function stepAt(report: Report, path: readonly string[]): Step {
  let steps = rootSteps(report);
  let found: Step | undefined;
  for (const name of path) {
    found = steps.find((s) => s.name === name);
    assert.ok(found, `no step ${JSON.stringify(name)} in ${steps.map((s) => s.name).join(", ")}`);
    steps = found.steps ?? [];
  }
  return found!;
}

/** A billion-laughs document. */
export const BILLION_LAUGHS: string = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<R><ST NM="&lol9;"/></R>`;

/** An XXE document. */
export const XXE: string = `<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<R><ST NM="&xxe;"/></R>`;

/** UTF-16 LE bytes with BOM. */
export function utf16le(text: string): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    out[2 + i * 2] = text.charCodeAt(i) & 0xff;
    out[3 + i * 2] = text.charCodeAt(i) >> 8;
  }
  return out;
}

/** Windows-1252 bytes of a text with only Latin-1 characters. */
export function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

/**
 * Converts a sample saved as UTF-16 LE (with BOM) and as Latin-1 with `user` put in place of
 * `from`, and checks the serial number read from the one and the operator read from the other.
 */
export async function assertReadsEncodings(
  converter: Converter,
  sample: { format: string; name: string },
  expected: { sn: string; from: string; user: string },
): Promise<void> {
  const text = new TextDecoder().decode(sampleBytes(sample.format, sample.name));
  const extension = sample.name.slice(sample.name.lastIndexOf("."));
  const [u] = await convertAll(converter, inputOf(`u${extension}`, utf16le(text)));
  assert.ok(u.sn === expected.sn, `UTF-16: serial ${u.sn}, expected ${expected.sn}`);
  const [l] = await convertAll(
    converter,
    inputOf(`l${extension}`, latin1(text.replace(expected.from, expected.user))),
  );
  assert.ok(
    l.uut?.user === expected.user,
    `Latin-1: user ${l.uut?.user}, expected ${expected.user}`,
  );
}

/** Deterministic junk bytes: the same for every run, so a failure repeats. */
export function junk(length: number): Uint8Array {
  const next = seeded(0x2545f491);
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

/** What {@linkcode badInputErrors} found for each kind of bad input. */
export interface BadInputErrors {
  /** An empty file. */
  empty: ConversionError;
  /** Random bytes. */
  junk: ConversionError;
  /** The sample cut at `cut` of its length. */
  truncated: ConversionError;
}

/** Feeds an empty file, junk and a truncated sample; each must fail with a ConversionError. */
export async function badInputErrors(
  converter: Converter,
  sample: { format: string; name: string; cut?: number },
): Promise<BadInputErrors> {
  const bytes = sampleBytes(sample.format, sample.name);
  const ext = sample.name.slice(sample.name.lastIndexOf("."));
  return {
    empty: await conversionError(converter, inputOf(`empty${ext}`, new Uint8Array(0))),
    junk: await conversionError(converter, inputOf(`junk${ext}`, junk(4096))),
    truncated: await conversionError(
      converter,
      inputOf(
        `cut_${sample.name}`,
        bytes.subarray(0, Math.floor(bytes.length * (sample.cut ?? 0.6))),
      ),
    ),
  };
}
