/**
 * A small, bounded zip reader over bytes: enough for vendor result bundles (XJTAG logs, Klippel
 * bundles), not a general archive tool.
 *
 * It reads the central directory, then stored (method 0) and deflated (method 8) entries, the
 * latter through `DecompressionStream("deflate-raw")`. Every limit is checked against what is
 * actually inflated, not only against the sizes the archive declares, so a lying header cannot
 * get past them: a zip bomb stops at the first byte over the limit. Entry names with `..`
 * segments, absolute paths or drive letters are refused (zip-slip), as are encrypted and ZIP64
 * archives, which result files never are.
 *
 * @module
 */
import { inflateRawSync } from "node:zlib";
import { ConversionError } from "../converters/contract.ts";
import { crc32 } from "./zip_write.ts";

/** Limits of {@linkcode readZip}. */
export interface ZipLimits {
  /** Most entries (files and folders) the archive may hold; 1 000 by default. */
  maxEntries?: number;
  /** Most bytes all entries may inflate to together; 64 MiB by default. */
  maxTotalBytes?: number;
  /** Highest inflated/compressed ratio of one entry over 1 MiB; 200 by default. */
  maxRatio?: number;
}

/** One file of an archive, as the central directory describes it. */
export interface ZipEntry {
  /** The entry's path inside the archive, with `/` separators. */
  readonly name: string;
  /** Compression method: 0 stored, 8 deflated. */
  readonly method: number;
  /** Size in the archive. */
  readonly compressedSize: number;
  /** Size the directory declares once inflated. */
  readonly size: number;
  /** CRC-32 of the inflated bytes. */
  readonly crc32: number;
  /** Offset of the local header. */
  readonly offset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Tells whether bytes start like a zip archive (`PK\x03\x04`, or an empty archive's `PK\x05\x06`).
 *
 * @param head The first bytes.
 * @returns Whether the bytes look like a zip.
 */
export function isZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b &&
    ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

/** A checked name: `/` separators, no `..`, not absolute. Returns null when unsafe. */
function safeName(raw: string): string | null {
  const name = raw.replaceAll("\\", "/");
  if (name.startsWith("/") || /^[a-zA-Z]:/.test(name) || name.includes("\0")) return null;
  if (name.split("/").some((part) => part === "..")) return null;
  return name;
}

/** A zip archive held as bytes, its directory read and checked. */
export class ZipArchive {
  #bytes: Uint8Array;
  #view: DataView;
  #file: string;
  #entries: ZipEntry[];
  #budget: number;
  #maxRatio: number;

  /**
   * Reads and checks the central directory.
   *
   * @param bytes The archive.
   * @param file The file name for messages.
   * @param limits The bounds.
   * @throws {ConversionError} When the archive is malformed, too large, or names an unsafe path.
   */
  constructor(bytes: Uint8Array, file: string, limits: ZipLimits = {}) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#file = file;
    this.#budget = limits.maxTotalBytes ?? 64 * 1024 * 1024;
    this.#maxRatio = limits.maxRatio ?? 200;
    this.#entries = this.#readDirectory(limits.maxEntries ?? 1000);
  }

  #fail(problem: string, element?: string): never {
    throw new ConversionError(problem, { file: this.#file, element, stage: "read" });
  }

  #u16(at: number): number {
    if (at + 2 > this.#bytes.length) this.#fail("Zip archive is truncated");
    return this.#view.getUint16(at, true);
  }

  #u32(at: number): number {
    if (at + 4 > this.#bytes.length) this.#fail("Zip archive is truncated");
    return this.#view.getUint32(at, true);
  }

  #findEnd(): number {
    const last = this.#bytes.length - 22;
    const first = Math.max(0, last - 0xffff);
    for (let at = last; at >= first; at--) {
      if (this.#view.getUint32(at, true) === EOCD) return at;
    }
    return this.#fail("Not a zip archive: no end of central directory");
  }

  #readDirectory(maxEntries: number): ZipEntry[] {
    if (this.#bytes.length < 22) this.#fail("Not a zip archive: too short");
    const end = this.#findEnd();
    const count = this.#u16(end + 10);
    const size = this.#u32(end + 12);
    let at = this.#u32(end + 16);
    if (count === 0xffff || at === 0xffffffff) this.#fail("ZIP64 archives are not supported");
    if (count > maxEntries) {
      this.#fail(`Zip archive holds ${count} entries, more than the limit of ${maxEntries}`);
    }
    if (at + size > end) this.#fail("Zip central directory lies outside the archive");
    const entries: ZipEntry[] = [];
    let declared = 0;
    for (let i = 0; i < count; i++) {
      if (this.#u32(at) !== CENTRAL) this.#fail("Zip central directory is corrupt");
      const flags = this.#u16(at + 8);
      const nameLength = this.#u16(at + 28);
      const skip = nameLength + this.#u16(at + 30) + this.#u16(at + 32);
      if (at + 46 + nameLength > this.#bytes.length) this.#fail("Zip archive is truncated");
      const raw = decodeEntryName(this.#bytes.subarray(at + 46, at + 46 + nameLength), flags);
      const name = safeName(raw);
      if (name === null) this.#fail(`Zip entry has an unsafe path ${JSON.stringify(raw)}`, raw);
      const entry: ZipEntry = {
        name,
        method: this.#u16(at + 10),
        crc32: this.#u32(at + 16),
        compressedSize: this.#u32(at + 20),
        size: this.#u32(at + 24),
        offset: this.#u32(at + 42),
      };
      if (flags & 1) this.#fail("Encrypted zip entries are not supported", name);
      if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff) {
        this.#fail("ZIP64 archives are not supported", name);
      }
      declared += entry.size;
      if (declared > this.#budget) {
        this.#fail(`Zip archive inflates to more than the limit of ${this.#budget} bytes`, name);
      }
      entries.push(entry);
      at += 46 + skip;
    }
    return entries;
  }

  /** The entries, in directory order (folders end with `/`). */
  get entries(): readonly ZipEntry[] {
    return this.#entries;
  }

  /**
   * Finds an entry by its full name, ignoring letter case.
   *
   * @param name The name.
   * @returns The entry or `undefined`.
   */
  find(name: string): ZipEntry | undefined {
    const wanted = name.toLowerCase();
    return this.#entries.find((e) => e.name.toLowerCase() === wanted);
  }

  /**
   * Inflates one entry, checking its size, ratio and CRC, and the archive's total budget.
   *
   * @param entry An entry of this archive.
   * @returns The inflated bytes.
   * @throws {ConversionError} When the entry is corrupt or exceeds a limit.
   */
  async read(entry: ZipEntry): Promise<Uint8Array> {
    const at = entry.offset;
    if (this.#u32(at) !== LOCAL) this.#fail("Zip local header is corrupt", entry.name);
    const start = at + 30 + this.#u16(at + 26) + this.#u16(at + 28);
    const stop = start + entry.compressedSize;
    if (stop > this.#bytes.length) this.#fail("Zip entry is truncated", entry.name);
    const packed = this.#bytes.subarray(start, stop);
    const limit = Math.min(entry.size, this.#budget);
    let out: Uint8Array;
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.size) {
        this.#fail("Stored zip entry sizes differ", entry.name);
      }
      out = packed.slice();
    } else if (entry.method === 8) {
      if (entry.size > 1024 * 1024 && entry.size / Math.max(1, packed.length) > this.#maxRatio) {
        this.#fail("Zip entry is compressed beyond the allowed ratio (a zip bomb?)", entry.name);
      }
      out = await this.#inflate(packed, limit, entry.name);
    } else {
      return this.#fail(`Zip compression method ${entry.method} is not supported`, entry.name);
    }
    if (out.length !== entry.size) this.#fail("Zip entry size does not match", entry.name);
    if (crc32(out) !== entry.crc32) this.#fail("Zip entry fails its CRC check", entry.name);
    this.#budget -= out.length;
    return out;
  }

  async #inflate(packed: Uint8Array, limit: number, name: string): Promise<Uint8Array> {
    const stream = new Blob([packed as Uint8Array<ArrayBuffer>]).stream()
      .pipeThrough(new DecompressionStream("deflate-raw"));
    const reader = stream.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.length;
        if (total > limit) {
          await reader.cancel();
          this.#fail("Zip entry inflates beyond its declared size or the limit", name);
        }
        chunks.push(value);
      }
    } catch (error) {
      if (error instanceof ConversionError) throw error;
      throw new ConversionError("Zip entry is not valid deflate data", {
        file: this.#file,
        element: name,
        stage: "read",
        cause: error,
      });
    }
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/**
 * Opens a zip archive held in memory.
 *
 * @param bytes The archive.
 * @param file The file name for messages.
 * @param limits The bounds; see {@linkcode ZipLimits}.
 * @returns The archive, its directory checked.
 * @throws {ConversionError} When the archive is malformed, too large, or names an unsafe path.
 */
export function readZip(bytes: Uint8Array, file: string, limits?: ZipLimits): ZipArchive {
  return new ZipArchive(bytes, file, limits);
}

/** An entry seen in the first bytes of an archive, for sniffing. */
export interface HeadEntry {
  /** The entry's path. */
  readonly name: string;
  /** Compression method. */
  readonly method: number;
  /** Declared inflated size. */
  readonly size: number;
  /** The stored bytes, when they lie within the head; `null` otherwise. */
  readonly data: Uint8Array | null;
}

/**
 * Lists the entries visible in the first bytes of a zip archive, without inflating anything: the
 * central directory when the whole archive is in `head`, else the local headers up to the first
 * one that does not fit (or uses a data descriptor). Never throws.
 *
 * @param head The first bytes of the file.
 * @returns The entries seen, possibly none.
 */
export function headEntries(head: Uint8Array): HeadEntry[] {
  if (!isZip(head)) return [];
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const local = (offset: number, name?: string, size?: number, packed?: number) => {
    if (offset + 30 > head.length || view.getUint32(offset, true) !== LOCAL) return null;
    const flags = view.getUint16(offset + 6, true);
    const nameLength = view.getUint16(offset + 26, true);
    const start = offset + 30 + nameLength + view.getUint16(offset + 28, true);
    const compressed = packed ?? view.getUint32(offset + 18, true);
    const entry: HeadEntry = {
      name: name ?? decodeEntryName(head.subarray(offset + 30, offset + 30 + nameLength), flags),
      method: view.getUint16(offset + 8, true),
      size: size ?? view.getUint32(offset + 22, true),
      data: start + compressed <= head.length && (packed !== undefined || !(flags & 8))
        ? head.subarray(start, start + compressed)
        : null,
    };
    return { entry, next: flags & 8 && packed === undefined ? -1 : start + compressed };
  };
  try {
    const archive = new ZipArchive(head, "head");
    return archive.entries.map((e) =>
      local(e.offset, e.name, e.size, e.compressedSize)?.entry ??
        { name: e.name, method: e.method, size: e.size, data: null }
    );
  } catch {
    const out: HeadEntry[] = [];
    let offset = 0;
    while (out.length < 1000) {
      const found = local(offset);
      if (found === null) break;
      out.push(found.entry);
      if (found.next < 0) break;
      offset = found.next;
    }
    return out;
  }
}

/**
 * The bytes of a small entry seen in the head, inflated synchronously (for `sniff`, which cannot
 * wait); bounded by `max`.
 *
 * @param entry An entry from {@linkcode headEntries}.
 * @param max Most bytes to inflate.
 * @returns The bytes, or `null` when they are not in the head, too large or corrupt.
 */
export function headEntryBytes(entry: HeadEntry, max = 65536): Uint8Array | null {
  if (entry.data === null || entry.size > max) return null;
  try {
    if (entry.method === 0) return entry.data;
    if (entry.method !== 8) return null;
    return new Uint8Array(inflateRawSync(entry.data, { maxOutputLength: max }));
  } catch {
    return null;
  }
}

/** General purpose flag bit 11: the entry name is UTF-8. */
const UTF8_FLAG = 0x800;

/** The upper half of code page 437, which zip names use without the UTF-8 flag (APPNOTE D.1). */
const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

const utf8 = new TextDecoder();

/**
 * Decodes a zip entry name: UTF-8 when the entry's flag says so, else code page 437, as the zip
 * format says (Windows' built-in zip and many testers write `ü` as one CP437 byte).
 */
function decodeEntryName(bytes: Uint8Array, flags: number): string {
  if (flags & UTF8_FLAG) return utf8.decode(bytes);
  let name = "";
  for (const byte of bytes) {
    name += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
  }
  return name;
}
