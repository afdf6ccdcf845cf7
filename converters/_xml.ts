/**
 * Safe XML reading for the converters: a small streaming tokenizer that builds element trees.
 *
 * Safety: document type declarations (`<!DOCTYPE`, `<!ENTITY`) are refused where they appear, so
 * no entity is ever defined, expanded or fetched (billion laughs, XXE). Only the five predefined
 * entities and numeric character references are decoded; any other `&name;` is an error. Depth,
 * tag length and unclosed elements are bounded and reported with the line.
 *
 * Why not fast-xml-parser: measured on a 10 MB WSXF file it parses at ~38 MB/s before any mapping
 * or validation, which leaves too little of the 20 MB/s end-to-end budget, and it gives no line
 * numbers and no streaming. This tokenizer jumps with `indexOf` and sticky regexes, keeps line
 * numbers for every element, and in {@linkcode streamXml} hands over selected subtrees (each
 * `Report` of a WSXF file) as soon as they close, so a large file never sits in memory whole.
 *
 * @module
 */
import { ConversionError } from "./contract.ts";
import { TextChunkDecoder } from "./_text.ts";
import { stripPrefix, type XmlElement } from "./_xml_tree.ts";
import { decodeXmlText } from "../util/xml_text.ts";

export {
  attr,
  child,
  childrenNamed,
  childText,
  requireAttr,
  stripPrefix,
  type XmlElement,
} from "./_xml_tree.ts";

/** Options of {@linkcode parseXml} and {@linkcode streamXml}. */
export interface XmlOptions {
  /** The file, for messages. */
  file: string;
  /** Deepest nesting accepted; 256 by default. */
  maxDepth?: number;
  /** Longest tag, comment or CDATA section accepted, in characters; 16 Mi by default. */
  maxTokenLength?: number;
}

/** Options of {@linkcode streamXml}. */
export interface StreamXmlOptions extends XmlOptions {
  /**
   * Which elements to hand over, asked at each start tag: an element for which this returns true
   * is yielded whole when it closes and is not kept in its parent. Elements outside selected ones
   * are checked for well-formedness and dropped.
   */
  select: (name: string, depth: number) => boolean;
  /** Stops reading when aborted. */
  signal?: AbortSignal;
}

const DTD = /<!(DOCTYPE|ENTITY)/i;

/**
 * Refuses a document with a document type declaration or an entity definition, before any
 * parser sees it. {@linkcode parseXml} does this itself; use this before handing text to any
 * other XML reader.
 *
 * @param text The document, or its head.
 * @param file The file, for the message.
 * @throws {ConversionError} When the text holds `<!DOCTYPE` or `<!ENTITY`.
 */
export function assertNoDtd(text: string, file: string): void {
  const m = DTD.exec(text);
  if (m !== null) throw dtdError(file, lineOf(text, m.index));
}

function dtdError(file: string, line: number): ConversionError {
  return new ConversionError(
    "XML document type declarations are refused (entities are not expanded or fetched)",
    { file, line, stage: "parse" },
  );
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

const NAME = /[^\s/>=<"'!?]+/y;
const ATTR = /([^\s/>=<"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
const QUOTE_OR_GT = /[>"']/g;

const ENOUGH = Symbol("need more");

/** The tokenizer and tree builder behind {@linkcode parseXml} and {@linkcode streamXml}. */
class XmlReader {
  #file: string;
  #maxDepth: number;
  #maxToken: number;
  #select: ((name: string, depth: number) => boolean) | null;
  #buf = "";
  #pos = 0;
  #line = 1;
  #lineScan = 0;
  #nextNl = -1;
  #nlEnd = 0;
  #stack: XmlElement[] = [];
  #keep: boolean[] = [];
  #selectedDepth = -1;
  #root: XmlElement | null = null;
  #closedRoot = false;
  #resumeAt = -1;
  #resumeFrom = 0;
  readonly out: XmlElement[] = [];

  constructor(options: XmlOptions, select: ((name: string, depth: number) => boolean) | null) {
    this.#file = options.file;
    this.#maxDepth = options.maxDepth ?? 256;
    this.#maxToken = options.maxTokenLength ?? 16 * 1024 * 1024;
    this.#select = select;
  }

  get root(): XmlElement | null {
    return this.#root;
  }

  /** The line of `index`; indexes must not go backwards. */
  #lineAt(index: number): number {
    const buf = this.#buf;
    let nl = this.#nextNl;
    if (nl === -1 && this.#nlEnd < buf.length) {
      nl = buf.indexOf("\n", Math.max(this.#lineScan, this.#nlEnd));
      this.#nlEnd = buf.length;
    }
    while (nl !== -1 && nl < index) {
      this.#line++;
      nl = buf.indexOf("\n", nl + 1);
      this.#nlEnd = buf.length;
    }
    this.#nextNl = nl;
    if (index > this.#lineScan) this.#lineScan = index;
    return this.#line;
  }

  #error(problem: string, at: number, element?: string): ConversionError {
    return new ConversionError(problem, {
      file: this.#file,
      line: this.#lineAt(Math.max(at, this.#lineScan)),
      element,
      stage: "parse",
    });
  }

  #decode(raw: string, at: number): string {
    if (raw.indexOf("&") === -1) return raw;
    return decodeXmlText(raw, {
      onUnknown: (whole) => {
        throw this.#error(
          whole.startsWith("&#")
            ? `Invalid character reference ${whole}`
            : `Unknown entity ${whole} (only the XML built-in entities are read)`,
          at,
        );
      },
    });
  }

  feed(text: string, final: boolean): void {
    if (this.#pos > 0) {
      this.#lineAt(this.#pos);
      this.#buf = this.#buf.slice(this.#pos);
      if (this.#resumeAt >= 0) {
        this.#resumeAt -= this.#pos;
        this.#resumeFrom -= this.#pos;
      }
      this.#lineScan = 0;
      if (this.#nextNl !== -1) this.#nextNl -= this.#pos;
      this.#nlEnd = Math.max(0, this.#nlEnd - this.#pos);
      this.#pos = 0;
    }
    this.#buf += text;
    this.#run(final);
    if (final) this.#finish();
  }

  #text(raw: string, at: number): void {
    const top = this.#stack[this.#stack.length - 1];
    if (top === undefined) {
      if (raw.trim() !== "") {
        throw this.#error(
          this.#closedRoot ? "Text after the root element" : "Text before the root element",
          at,
        );
      }
      return;
    }
    if (this.#keep[this.#keep.length - 1]) top.text += this.#decode(raw, at);
  }

  /** Finds `marker` for the token starting at `pos`, resuming an earlier search. */
  #find(marker: string, pos: number, from: number): number {
    const start = this.#resumeAt === pos ? Math.max(from, this.#resumeFrom) : from;
    const end = this.#buf.indexOf(marker, start);
    if (end === -1) {
      this.#resumeAt = pos;
      this.#resumeFrom = Math.max(from, this.#buf.length - marker.length);
    }
    return end;
  }

  #tooLong(pos: number, final: boolean, what: string): typeof ENOUGH {
    if (final) throw this.#error(`Truncated XML: ${what} is not closed`, pos);
    if (this.#buf.length - pos > this.#maxToken) {
      throw this.#error(`${what} is longer than ${this.#maxToken} characters`, pos);
    }
    return ENOUGH;
  }

  #run(final: boolean): void {
    const buf = this.#buf;
    const n = buf.length;
    let pos = this.#pos;
    while (pos < n) {
      if (buf.charCodeAt(pos) !== 60) {
        let end = buf.indexOf("<", pos);
        if (end === -1) {
          if (!final) {
            // Keep an entity that may continue in the next chunk.
            const amp = buf.lastIndexOf("&");
            end = amp >= pos && buf.indexOf(";", amp) === -1 ? amp : n;
            if (end === pos) break;
          } else end = n;
        }
        this.#text(buf.slice(pos, end), pos);
        pos = end;
        continue;
      }
      const step = this.#token(pos, final);
      if (step === ENOUGH) break;
      pos = step;
    }
    this.#pos = pos;
  }

  #token(pos: number, final: boolean): number | typeof ENOUGH {
    const buf = this.#buf;
    const c = buf.charCodeAt(pos + 1);
    if (Number.isNaN(c)) return final ? this.#tooLong(pos, final, "A tag") : ENOUGH;
    if (c === 47) return this.#closeTag(pos, final);
    if (c === 33) {
      if (buf.startsWith("<!--", pos)) {
        const end = this.#find("-->", pos, pos + 4);
        return end === -1 ? this.#tooLong(pos, final, "A comment") : end + 3;
      }
      if (buf.startsWith("<![CDATA[", pos)) {
        const end = this.#find("]]>", pos, pos + 9);
        if (end === -1) return this.#tooLong(pos, final, "A CDATA section");
        const top = this.#stack[this.#stack.length - 1];
        if (top === undefined) throw this.#error("CDATA outside the root element", pos);
        if (this.#keep[this.#keep.length - 1]) top.text += buf.slice(pos + 9, end);
        return end + 3;
      }
      if (buf.length - pos < 9 && !final) return ENOUGH;
      if (DTD.test(buf.slice(pos, pos + 9))) throw dtdError(this.#file, this.#lineAt(pos));
      throw this.#error("Unexpected markup after <!", pos);
    }
    if (c === 63) {
      const end = this.#find("?>", pos, pos + 2);
      return end === -1 ? this.#tooLong(pos, final, "A processing instruction") : end + 2;
    }
    return this.#startTag(pos, final);
  }

  #closeTag(pos: number, final: boolean): number | typeof ENOUGH {
    const buf = this.#buf;
    const end = buf.indexOf(">", pos);
    if (end === -1) return this.#tooLong(pos, final, "A closing tag");
    const qname = buf.slice(pos + 2, end).trim();
    const top = this.#stack.pop();
    if (top === undefined) throw this.#error(`Closing tag </${qname}> without a start tag`, pos);
    if (top.qname !== qname) {
      throw this.#error(
        `Expected </${top.qname}> (opened on line ${top.line}), found </${qname}>`,
        pos,
        top.name,
      );
    }
    this.#closed(top);
    return end + 1;
  }

  /** Finds the `>` that ends a start tag, skipping quoted values; -1 when not in the buffer. */
  #tagEnd(pos: number): number {
    const buf = this.#buf;
    QUOTE_OR_GT.lastIndex = pos;
    while (true) {
      const m = QUOTE_OR_GT.exec(buf);
      if (m === null) return -1;
      if (m[0] === ">") return m.index;
      const close = buf.indexOf(m[0], m.index + 1);
      if (close === -1) return -1;
      QUOTE_OR_GT.lastIndex = close + 1;
    }
  }

  #startTag(pos: number, final: boolean): number | typeof ENOUGH {
    const buf = this.#buf;
    NAME.lastIndex = pos + 1;
    const nameMatch = NAME.exec(buf);
    if (nameMatch === null) return this.#badTag(pos, final, "Malformed start tag", "");
    const qname = nameMatch[0];
    const attrs: Record<string, string> = {};
    let p = NAME.lastIndex;
    while (true) {
      let c = buf.charCodeAt(p);
      let spaced = false;
      while (c === 32 || c === 10 || c === 13 || c === 9) {
        c = buf.charCodeAt(++p);
        spaced = true;
      }
      if (c === 62) return this.#open(qname, attrs, pos, false, p + 1);
      if (c === 47 && buf.charCodeAt(p + 1) === 62) {
        return this.#open(qname, attrs, pos, true, p + 2);
      }
      ATTR.lastIndex = p;
      const a = spaced ? ATTR.exec(buf) : null;
      if (a === null) return this.#badTag(pos, final, `Malformed attribute in <${qname}>`, qname);
      const raw = a[2] ?? a[3];
      if (raw.indexOf("<") !== -1) {
        throw this.#error(`"<" in the value of attribute ${a[1]}`, pos, stripPrefix(qname));
      }
      if (a[1] in attrs) {
        throw this.#error(`Attribute ${a[1]} given twice`, pos, stripPrefix(qname));
      }
      attrs[a[1]] = this.#decode(raw, pos);
      p = ATTR.lastIndex;
    }
  }

  /** A start tag did not parse: malformed, or not all in the buffer yet. */
  #badTag(pos: number, final: boolean, problem: string, qname: string): typeof ENOUGH {
    if (!final && this.#tagEnd(pos + 1) === -1) return this.#tooLong(pos, final, "A start tag");
    throw this.#error(problem, pos, qname === "" ? undefined : stripPrefix(qname));
  }

  #open(
    qname: string,
    attrs: Record<string, string>,
    pos: number,
    selfClosing: boolean,
    next: number,
  ): number {
    if (this.#closedRoot) throw this.#error(`A second root element <${qname}>`, pos);
    const depth = this.#stack.length;
    if (depth >= this.#maxDepth) {
      throw this.#error(`Elements nested deeper than ${this.#maxDepth}`, pos, stripPrefix(qname));
    }
    const name = stripPrefix(qname);
    const el: XmlElement = { name, qname, attrs, children: [], text: "", line: this.#lineAt(pos) };
    const parent = this.#stack[depth - 1];
    let keep = true;
    if (this.#select !== null && this.#selectedDepth === -1) {
      if (this.#select(name, depth)) this.#selectedDepth = depth;
      else keep = false;
    }
    if (parent === undefined) this.#root = el;
    else if (this.#keep[depth - 1] && this.#selectedDepth !== depth) parent.children.push(el);
    if (selfClosing) {
      this.#stack.push(el);
      this.#keep.push(keep);
      this.#stack.pop();
      this.#closed(el);
    } else {
      this.#stack.push(el);
      this.#keep.push(keep);
    }
    return next;
  }

  #closed(el: XmlElement): void {
    this.#keep.pop();
    const depth = this.#stack.length;
    if (depth === this.#selectedDepth) {
      this.#selectedDepth = -1;
      this.out.push(el);
    }
    if (depth === 0) this.#closedRoot = true;
  }

  #finish(): void {
    const open = this.#stack[this.#stack.length - 1];
    if (open !== undefined) {
      throw new ConversionError(
        `Truncated XML: <${open.qname}> opened on line ${open.line} is not closed`,
        { file: this.#file, line: this.#lineAt(this.#buf.length), element: open.name },
      );
    }
    if (this.#root === null) {
      throw new ConversionError("No XML element found", { file: this.#file, stage: "parse" });
    }
  }
}

/**
 * Parses a whole XML document into an element tree.
 *
 * @param text The document.
 * @param options The file name and limits.
 * @returns The root element.
 * @throws {ConversionError} On a DTD or entity definition, an unknown entity, malformed or
 * truncated XML; the message names the line and element.
 */
export function parseXml(text: string, options: XmlOptions): XmlElement {
  const reader = new XmlReader(options, null);
  reader.feed(text, true);
  return reader.root!;
}

/**
 * Reads XML from a byte stream and yields the selected elements as each closes, so memory holds
 * one of them at a time. Decoding follows `decodeText` (BOM, UTF-8, Windows-1252).
 *
 * @param stream The bytes.
 * @param options The file name, the selection, limits and an abort signal.
 * @returns The selected elements in document order.
 * @throws {ConversionError} As {@linkcode parseXml}, at the place of the problem.
 */
export async function* streamXml(
  stream: ReadableStream<Uint8Array>,
  options: StreamXmlOptions,
): AsyncGenerator<XmlElement> {
  const reader = new XmlReader(options, options.select);
  const decoder = new TextChunkDecoder();
  const bytes = stream.getReader();
  try {
    while (true) {
      options.signal?.throwIfAborted();
      const { done, value } = await bytes.read();
      const text = done ? decoder.end() : decoder.decode(value);
      if (text.indexOf("\0") !== -1) {
        throw new ConversionError("Binary data, not text (a NUL byte)", {
          file: options.file,
          stage: "decode",
        });
      }
      reader.feed(text, done);
      for (const el of reader.out) yield el;
      reader.out.length = 0;
      if (done) break;
    }
  } finally {
    bytes.releaseLock();
    await stream.cancel().catch(() => {});
  }
}
