/**
 * Text helpers shared by the converters: decoding bytes by their BOM, streaming lines with their
 * numbers, and reading numbers the way test equipment writes them.
 *
 * Decoding: a BOM decides (UTF-8, UTF-16 LE, UTF-16 BE); without one, UTF-16 is recognised by its
 * NUL bytes in every other place, then strict UTF-8 is tried and Windows-1252 taken when that
 * fails (what Windows test stations write). A NUL byte or a run of control characters in what
 * should be text means binary data: refused, with the line it was found on.
 *
 * @module
 */
import { ConversionError } from "./contract.ts";
import type { NumericValue } from "../api/models/report/mod.ts";

/**
 * Writes a size for messages: `200.0 MiB`, `2.9 KiB`, `1000 bytes`.
 *
 * @param bytes The size.
 * @returns The size in words.
 */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** An encoding {@linkcode detectEncoding} can report. */
export type TextEncodingName = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

/** What {@linkcode detectEncoding} found at the start of a file. */
export interface DetectedEncoding {
  /** The encoding; `utf-8` may still turn out to be Windows-1252 while decoding. */
  encoding: TextEncodingName;
  /** Bytes of the byte-order mark to skip. */
  bomLength: number;
}

/**
 * Tells the encoding of a file from its first bytes.
 *
 * @param head The first bytes (a few hundred are plenty).
 * @returns The encoding and the BOM length.
 */
export function detectEncoding(head: Uint8Array): DetectedEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    return { encoding: "utf-8", bomLength: 3 };
  }
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: "utf-16le", bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: "utf-16be", bomLength: 2 };
  // UTF-16 without BOM: ASCII text has a NUL in every other byte.
  const n = Math.min(head.length, 512) & ~1;
  if (n >= 4) {
    let evenNul = 0, oddNul = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenNul++;
      if (head[i + 1] === 0) oddNul++;
    }
    const pairs = n / 2;
    if (oddNul > pairs * 0.9 && evenNul === 0) return { encoding: "utf-16le", bomLength: 0 };
    if (evenNul > pairs * 0.9 && oddNul === 0) return { encoding: "utf-16be", bomLength: 0 };
  }
  return { encoding: "utf-8", bomLength: 0 };
}

/**
 * Decodes the head of a file for sniffing: the BOM skipped, UTF-16 as such, anything else as
 * Windows-1252, which maps every byte, so a UTF-8 sequence cut at the end cannot fail.
 *
 * @param head The first bytes.
 * @param maxBytes Most bytes after the BOM to decode; all by default.
 * @returns The text.
 */
export function decodeHead(head: Uint8Array, maxBytes: number = Infinity): string {
  const { encoding, bomLength } = detectEncoding(head);
  return new TextDecoder(encoding === "utf-8" ? "windows-1252" : encoding).decode(
    head.subarray(bomLength, bomLength + maxBytes),
  );
}

function lineAt(text: string, index: number, firstLine = 1): number {
  let line = firstLine;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

// C0 controls other than tab, LF, VT, FF, CR, and ESC (some printers' logs) — DEL is allowed.
// deno-lint-ignore no-control-regex
const CONTROL = /[\x01-\x08\x0e-\x1a\x1c-\x1f]/g;

/**
 * Refuses text that is binary data: a NUL character, or more than 1 % control characters.
 *
 * @param text Decoded text (or a chunk of it).
 * @param file The file, for the message.
 * @param firstLine The line number the chunk starts at.
 * @throws {ConversionError} `binary data, not text`, naming the line.
 */
export function assertText(text: string, file: string, firstLine = 1): void {
  const nul = text.indexOf("\0");
  if (nul !== -1) {
    throw new ConversionError("Binary data, not text (a NUL byte)", {
      file,
      line: lineAt(text, nul, firstLine),
      stage: "decode",
    });
  }
  const controls = text.match(CONTROL);
  if (controls !== null && controls.length > Math.max(8, text.length / 100)) {
    const first = text.search(CONTROL);
    throw new ConversionError("Binary data, not text (control characters)", {
      file,
      line: lineAt(text, first, firstLine),
      stage: "decode",
    });
  }
}

/**
 * Decodes a whole file to text: BOM first, then strict UTF-8, then Windows-1252.
 *
 * @param bytes The file's bytes.
 * @param file The file, for messages.
 * @returns The text without BOM.
 * @throws {ConversionError} When the bytes are binary data, not text.
 */
export function decodeText(bytes: Uint8Array, file: string): string {
  const { encoding, bomLength } = detectEncoding(bytes);
  const body = bytes.subarray(bomLength);
  let text: string;
  if (encoding === "utf-8") {
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
    } catch {
      text = new TextDecoder("windows-1252").decode(body);
    }
  } else {
    text = new TextDecoder(encoding, { ignoreBOM: true }).decode(body);
  }
  assertText(text, file);
  return text;
}

/** Bytes at the end of `bytes` that start a UTF-8 sequence not yet complete. */
function incompleteTail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/**
 * Decodes a byte stream chunk by chunk, with the same rules as {@linkcode decodeText}: the first
 * chunk decides about BOM and UTF-16; UTF-8 falls back to Windows-1252 from the first chunk that is
 * not UTF-8.
 */
export class TextChunkDecoder {
  #mode: TextEncodingName | null = null;
  #head: Uint8Array = new Uint8Array(0);
  #utf16: TextDecoder | null = null;
  #carry: Uint8Array = new Uint8Array(0);
  #fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  #latin = new TextDecoder("windows-1252");

  /**
   * Decodes the next chunk.
   *
   * @param chunk The bytes.
   * @returns The text they complete.
   */
  decode(chunk: Uint8Array): string {
    if (this.#mode === null) {
      // Decide on the encoding from the first 512 bytes, however the stream is chunked.
      if (this.#head.length + chunk.length < 512) {
        const joined = new Uint8Array(this.#head.length + chunk.length);
        joined.set(this.#head);
        joined.set(chunk, this.#head.length);
        this.#head = joined;
        return "";
      }
      if (this.#head.length > 0) {
        const joined = new Uint8Array(this.#head.length + chunk.length);
        joined.set(this.#head);
        joined.set(chunk, this.#head.length);
        this.#head = new Uint8Array(0);
        chunk = joined;
      }
      const { encoding, bomLength } = detectEncoding(chunk);
      this.#mode = encoding;
      chunk = chunk.subarray(bomLength);
      if (encoding !== "utf-8") this.#utf16 = new TextDecoder(encoding, { ignoreBOM: true });
    }
    if (this.#utf16 !== null) return this.#utf16.decode(chunk, { stream: true });
    if (this.#mode === "windows-1252") return this.#latin.decode(chunk);
    let bytes = chunk;
    if (this.#carry.length > 0) {
      bytes = new Uint8Array(this.#carry.length + chunk.length);
      bytes.set(this.#carry);
      bytes.set(chunk, this.#carry.length);
    }
    const tail = incompleteTail(bytes);
    this.#carry = bytes.slice(bytes.length - tail);
    const whole = bytes.subarray(0, bytes.length - tail);
    try {
      return this.#fatal.decode(whole);
    } catch {
      // Not UTF-8 after all: read the rest as Windows-1252 (earlier chunks were plain ASCII/UTF-8).
      this.#mode = "windows-1252";
      const carry = this.#carry;
      this.#carry = new Uint8Array(0);
      return this.#latin.decode(whole) + this.#latin.decode(carry);
    }
  }

  /** Decodes `chunk` as the first chunk, deciding on the encoding whatever its length. */
  #decideAndDecode(chunk: Uint8Array): string {
    const { encoding, bomLength } = detectEncoding(chunk);
    this.#mode = encoding;
    if (encoding !== "utf-8") this.#utf16 = new TextDecoder(encoding, { ignoreBOM: true });
    return this.decode(chunk.subarray(bomLength));
  }

  /**
   * Flushes what the last chunk left incomplete.
   *
   * @returns The remaining text.
   */
  end(): string {
    if (this.#mode === null) {
      if (this.#head.length === 0) return "";
      const head = this.#head;
      this.#head = new Uint8Array(0);
      return this.#decideAndDecode(head) + this.end();
    }
    if (this.#utf16 !== null) return this.#utf16.decode();
    const carry = this.#carry;
    this.#carry = new Uint8Array(0);
    return carry.length === 0 ? "" : this.#latin.decode(carry);
  }
}

/** One line of a text stream. */
export interface TextLine {
  /** The line without its terminator. */
  text: string;
  /** 1-based line number. */
  line: number;
}

/** Options of {@linkcode lines}. */
export interface LinesOptions {
  /** The file, for messages. */
  file: string;
  /** Longest line accepted, in characters; 16 Mi by default. */
  maxLineLength?: number;
  /** Stops reading when aborted. */
  signal?: AbortSignal;
}

/**
 * Streams a file line by line with line numbers; CRLF, LF and CR all end a line. Decoding follows
 * {@linkcode decodeText}; binary data is refused where it is found.
 *
 * @param stream The bytes.
 * @param options The file name, the longest line accepted, an abort signal.
 * @returns The lines, in order; a last line without terminator is included, a trailing empty one
 * is not.
 * @throws {ConversionError} On binary data or a line longer than the limit.
 */
export async function* lines(
  stream: ReadableStream<Uint8Array>,
  options: LinesOptions,
): AsyncGenerator<TextLine> {
  for await (const batch of lineBatches(stream, options)) yield* batch;
}

/**
 * {@linkcode lines}, handed over a chunk's worth at a time: the lines a chunk of the stream
 * completes, in one array. For readers that go through many short lines, where a hand-over per
 * line would cost more than the line.
 *
 * @param stream The bytes.
 * @param options The file name, the longest line accepted, an abort signal.
 * @returns Arrays of lines, in order, none empty.
 * @throws {ConversionError} On binary data or a line longer than the limit.
 */
export async function* lineBatches(
  stream: ReadableStream<Uint8Array>,
  options: LinesOptions,
): AsyncGenerator<TextLine[]> {
  const { file, signal } = options;
  const max = options.maxLineLength ?? 16 * 1024 * 1024;
  const decoder = new TextChunkDecoder();
  let pending = "";
  let line = 1;
  const reader = stream.getReader();
  try {
    while (true) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      let text = done ? decoder.end() : decoder.decode(value);
      if (text.length > 0) assertText(text, file, line);
      text = pending + text;
      pending = "";
      // A CR at the very end may be the first half of a CRLF.
      let cut = text.length;
      if (!done && text.endsWith("\r")) cut--;
      let start = 0;
      const hasCr = text.indexOf("\r") !== -1;
      const batch: TextLine[] = [];
      while (start < cut) {
        let nl = text.indexOf("\n", start);
        if (nl >= cut) nl = -1;
        let end = nl;
        let next = nl + 1;
        if (hasCr) {
          const cr = text.indexOf("\r", start);
          if (cr !== -1 && cr < cut && (nl === -1 || cr < nl)) {
            end = cr;
            next = text[cr + 1] === "\n" ? cr + 2 : cr + 1;
          }
        }
        if (end === -1) break;
        batch.push({ text: text.slice(start, end), line: line++ });
        start = next;
      }
      pending = text.slice(start);
      if (pending.length > max) {
        throw new ConversionError(`Line is longer than ${max} characters`, {
          file,
          line,
          stage: "read",
        });
      }
      if (done && pending.length > 0) {
        batch.push({ text: pending, line });
        pending = "";
      }
      if (batch.length > 0) yield batch;
      if (done) break;
    }
  } finally {
    reader.releaseLock();
    await stream.cancel().catch(() => {});
  }
}

/**
 * Whether text is empty or only blanks, as `text.trim() === ""` tells, without trimming the
 * common case of text that starts with a visible ASCII character.
 *
 * @param text The text.
 * @returns True when there is nothing but blanks.
 */
export function isBlank(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first > 0x20 && first < 0x7f) return false;
  return text.trim() === "";
}

/**
 * `text.trim()`, without the call when the text starts and ends with visible ASCII characters.
 *
 * @param text The text.
 * @returns The text without blanks around it.
 */
export function trimmed(text: string): string {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  if (first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f) return text;
  return text.trim();
}

/** Where a number came from, and how to read it. */
export interface NumberOptions {
  /** The file, for messages. */
  file: string;
  /** 1-based line. */
  line?: number;
  /** XML element or field name. */
  element?: string;
  /** The comma is the decimal separator (`4,95`); dots are then thousands separators when a comma
   * is also present (`1.234,5`), else the decimal point. */
  decimalComma?: boolean;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE: ReadonlyMap<string, "NaN" | "Inf" | "-Inf"> = new Map([
  ["nan", "NaN"],
  ["+nan", "NaN"],
  ["-nan", "NaN"],
  ["inf", "Inf"],
  ["+inf", "Inf"],
  ["infinity", "Inf"],
  ["+infinity", "Inf"],
  ["-inf", "-Inf"],
  ["-infinity", "-Inf"],
  ["1.#inf", "Inf"],
  ["-1.#inf", "-Inf"],
  ["1.#qnan", "NaN"],
  ["-1.#ind", "NaN"],
]);

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * A plain decimal (`-12.0450`: sign, digits, at most one point, nothing else) read without
 * `Number()`, which costs a call into the runtime for every string that is not an array index.
 *
 * The result is exactly `Number(text)`: with at most 15 digits the digits form an integer below
 * 2^53 and 10^k (k ≤ 15) is exact, so one division, which IEEE 754 rounds correctly, gives the
 * correctly rounded value of the decimal. Anything else answers `undefined`.
 *
 * @param text The text.
 * @param start Where the decimal starts in `text`.
 * @param end Where it ends.
 * @returns The number, or `undefined` when the text is not such a plain decimal.
 */
export function plainDecimal(
  text: string,
  start = 0,
  end: number = text.length,
): number | undefined {
  const n = end - start;
  if (n <= 0 || n > 17) return undefined;
  let i = start;
  let c = text.charCodeAt(i);
  const negative = c === 0x2d;
  if (negative || c === 0x2b) {
    if (n === 1) return undefined;
    i++;
  }
  let digits = 0;
  let mantissa = 0;
  let point = -1;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
    } else if (c === 0x2e && point === -1) {
      point = i;
    } else {
      return undefined;
    }
  }
  if (digits === 0 || digits > 15) return undefined;
  const scale = point === -1 ? 0 : end - 1 - point;
  const value = scale === 0 ? mantissa : mantissa / POWERS_OF_TEN[scale];
  return negative ? -value : value;
}

/**
 * Reads a number as test equipment writes it. `NaN`, `Inf`, `-Inf` (and `Infinity`, `1.#INF` …)
 * become the report model's string forms; a number too large for a double (`1e999`) is refused
 * rather than turned into infinity.
 *
 * @param text The text, surrounding blanks allowed.
 * @param options The place for messages and whether the comma is the decimal separator.
 * @returns A finite number, or `"NaN"`, `"Inf"`, `"-Inf"`.
 * @throws {ConversionError} When the text is not a number or out of range.
 */
export function parseNumber(text: string, options: NumberOptions): NumericValue {
  const plain = plainDecimal(text);
  if (plain !== undefined) return plain;
  // Fast path: what Number() reads finite is a number, except "" and 0x/0b/0o literals.
  const quick = Number(text);
  if (Number.isFinite(quick)) {
    // Starting with a sign, a point or a digit 1-9, the text is neither blank nor such a literal.
    const first = text.charCodeAt(0);
    if (first === 0x2d || first === 0x2b || first === 0x2e || (first > 0x30 && first <= 0x39)) {
      return quick;
    }
    const t = text.trim();
    const c = t.charCodeAt(1) | 0x20;
    if (t !== "" && !(t[0] === "0" && (c === 0x78 || c === 0x62 || c === 0x6f))) return quick;
  }
  let s = text.trim();
  const token = NON_FINITE.get(s.toLowerCase());
  if (token !== undefined) return token;
  if (options.decimalComma && s.includes(",")) {
    s = s.replace(/[.\s\u00a0']/g, "").replace(",", ".");
  }
  const where = { file: options.file, line: options.line, element: options.element };
  if (!NUMBER.test(s)) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    throw new ConversionError(`Not a number: "${shown}"`, { ...where, stage: "parse" });
  }
  const value = Number(s);
  if (!Number.isFinite(value)) {
    throw new ConversionError(`Number out of range: "${s}"`, { ...where, stage: "parse" });
  }
  return value;
}

/**
 * Reads a number that must be finite (a count, a code, a duration).
 *
 * @param text The text.
 * @param options The place for messages and the decimal separator.
 * @returns The number.
 * @throws {ConversionError} When the text is not a finite number.
 */
export function parseFiniteNumber(text: string, options: NumberOptions): number {
  const value = parseNumber(text, options);
  if (typeof value === "number") return value;
  throw new ConversionError(`Expected a finite number, got "${text.trim()}"`, {
    file: options.file,
    line: options.line,
    element: options.element,
    stage: "parse",
  });
}
