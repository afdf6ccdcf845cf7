/**
 * A small zip writer over bytes: stored or deflated entries, local headers, central directory and
 * end record, with UTF-8 names. It serves the emulator (`GET /api/Report/Attachments/{id}` answers
 * a report's attachments as one zip) and the tests, which can also make it write a lying size or
 * CRC. Also the CRC-32 the reader in `zip.ts` checks entries with.
 *
 * @module
 */
import { deflateRawSync } from "node:zlib";

/** One file to put in an archive. */
export interface ZipFile {
  /** Path inside the archive, `/`-separated. */
  name: string;
  /** Content; a string is written as UTF-8. */
  data: Uint8Array | string;
  /** 0 stored (default), 8 deflated. */
  method?: 0 | 8;
  /** Inflated size to declare instead of the real one. */
  declaredSize?: number;
  /** CRC to declare instead of the real one. */
  crc?: number;
}

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** 1980-01-01, the earliest date a zip entry can carry. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** Bit 11 of the flags: the name is UTF-8. */
const UTF8_NAMES = 0x0800;

/**
 * CRC-32 (IEEE) of the bytes.
 *
 * @param bytes The bytes.
 * @returns The CRC, unsigned.
 */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Builds a zip archive.
 *
 * @param files The files, in order.
 * @returns The archive.
 */
export function writeZip(files: readonly ZipFile[]): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const file of files) {
    const data = typeof file.data === "string" ? encoder.encode(file.data) : file.data;
    const method = file.method ?? 0;
    const packed = method === 8 ? new Uint8Array(deflateRawSync(data)) : data;
    const name = encoder.encode(file.name);
    const crc = file.crc ?? crc32(data);
    const size = file.declaredSize ?? data.length;
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, UTF8_NAMES, true);
    lv.setUint16(8, method, true);
    lv.setUint16(12, DOS_DATE, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, packed.length, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, UTF8_NAMES, true);
    cv.setUint16(10, method, true);
    cv.setUint16(14, DOS_DATE, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, packed.length, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, packed);
    centrals.push(central);
    offset += local.length + packed.length;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + centralSize + end.length);
  let at = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
