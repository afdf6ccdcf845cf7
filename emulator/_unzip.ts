/**
 * A minimal zip reader for `POST /api/Software/Package/UploadZip/{id}`: reads the central
 * directory, then each entry's data, stored or deflated (via `DecompressionStream`). Folders are
 * skipped; zip64 and encryption are refused with a 400.
 *
 * @module
 */
import { EmulatorHttpError } from "./_http.ts";

/** One file of an archive. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  name: string;
  /** Content. */
  data: Uint8Array;
}

function bad(reason: string): EmulatorHttpError {
  return new EmulatorHttpError(400, `The body is not a readable zip archive: ${reason}`);
}

async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(
    new DecompressionStream("deflate-raw"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Read every file of a zip archive. */
export async function unzip(bytes: Uint8Array): Promise<ZipEntry[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw bad("no end of central directory");
  const count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) {
      throw bad(`central directory entry ${n + 1} is damaged`);
    }
    const flags = view.getUint16(offset + 8, true);
    const method = view.getUint16(offset + 10, true);
    const compressed = view.getUint32(offset + 20, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const local = view.getUint32(offset + 42, true);
    const name = decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith("/")) continue;
    if (flags & 1) throw bad(`${name} is encrypted`);
    if (compressed === 0xffffffff) throw bad(`${name} needs zip64`);
    if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) {
      throw bad(`the local header of ${name} is damaged`);
    }
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = bytes.subarray(start, start + compressed);
    if (raw.length !== compressed) throw bad(`${name} is cut short`);
    if (method === 0) entries.push({ name, data: raw.slice() });
    else if (method === 8) {
      try {
        entries.push({ name, data: await inflate(raw) });
      } catch {
        throw bad(`${name} does not inflate`);
      }
    } else throw bad(`${name} uses compression method ${method}`);
  }
  return entries;
}
