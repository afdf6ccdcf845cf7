/**
 * Converter inputs: a real file ({@linkcode fileInput}) or bytes in memory ({@linkcode bytesInput}).
 *
 * A file is streamed in 128 KiB chunks; reading it whole is allowed only below `maxWholeBytes`
 * (64 MiB by default), so a converter that needs the whole text of a huge file fails with a clear
 * message instead of exhausting memory. A file larger than `maxBytes` (100 MiB by default, the
 * service's `maxFileBytes`) is refused before any converter sees it.
 *
 * @module
 */
import { ConversionError, type ConverterInput } from "./contract.ts";
import { decodeText, formatSize as megabytes } from "./_text.ts";

/** Options of {@linkcode fileInput} and {@linkcode bytesInput}. */
export interface InputOptions {
  /** Largest size `bytes()` and `text()` read whole; 64 MiB by default. */
  maxWholeBytes?: number;
}

/** Options of {@linkcode fileInput}. */
export interface FileInputOptions extends InputOptions {
  /** Largest file accepted at all; 100 MiB by default. */
  maxBytes?: number;
}

/** Default of {@linkcode InputOptions.maxWholeBytes}: 64 MiB. */
export const DEFAULT_MAX_WHOLE_BYTES: number = 64 * 1024 * 1024;
/** Default of {@linkcode FileInputOptions.maxBytes}: 100 MiB. */
export const DEFAULT_MAX_FILE_BYTES: number = 100 * 1024 * 1024;

const CHUNK = 128 * 1024;

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

function tooLargeWhole(path: string, size: number, max: number): ConversionError {
  return new ConversionError(
    `File is ${megabytes(size)}, over the ${megabytes(max)} limit for reading whole; ` +
      "the converter must stream it",
    { file: path, stage: "read" },
  );
}

/**
 * Makes a converter input from a file on disk.
 *
 * @param path The file.
 * @param options The whole-read limit and the size limit.
 * @returns The input.
 * @throws {ConversionError} When the file is larger than `maxBytes` or cannot be opened.
 *
 * @example Read a file
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { fileInput } from "@wats/toolkit/converters";
 *
 * const folder = await Deno.makeTempDir();
 * try {
 *   const path = join(folder, "line2_results.csv");
 *   await Deno.writeTextFile(path, "Serial,Result\nSN1,Passed\n");
 *   const input = await fileInput(path);
 *   assert.equal(input.name, "line2_results.csv");
 *   assert.equal(input.size, 25);
 * } finally {
 *   await Deno.remove(folder, { recursive: true });
 * }
 * ```
 */
export async function fileInput(
  path: string,
  options: FileInputOptions = {},
): Promise<ConverterInput> {
  const maxWhole = options.maxWholeBytes ?? DEFAULT_MAX_WHOLE_BYTES;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  let size: number;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new Error("not a regular file");
    size = info.size;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConversionError(`Cannot open the file: ${reason}`, {
      file: path,
      stage: "read",
      cause: error,
    });
  }
  if (size > maxBytes) {
    throw new ConversionError(`File is ${megabytes(size)}, over the ${megabytes(maxBytes)} limit`, {
      file: path,
      stage: "read",
    });
  }
  const bytes = async (): Promise<Uint8Array> => {
    if (size > maxWhole) throw tooLargeWhole(path, size, maxWhole);
    const data = await Deno.readFile(path);
    if (data.length > maxWhole) throw tooLargeWhole(path, data.length, maxWhole);
    return data;
  };
  return {
    path,
    name: baseName(path),
    size,
    stream(): ReadableStream<Uint8Array> {
      let file: Deno.FsFile | undefined;
      return new ReadableStream<Uint8Array>({
        async start() {
          file = await Deno.open(path, { read: true });
        },
        async pull(controller) {
          const buffer = new Uint8Array(CHUNK);
          const n = await file!.read(buffer);
          if (n === null) {
            file!.close();
            file = undefined;
            controller.close();
          } else {
            controller.enqueue(buffer.subarray(0, n));
          }
        },
        cancel() {
          file?.close();
          file = undefined;
        },
      });
    },
    bytes,
    async text(): Promise<string> {
      return decodeText(await bytes(), path);
    },
  };
}

/** Options of {@linkcode bytesInput}. */
export interface BytesInputOptions extends InputOptions {
  /** The path to show in messages; the name by default. */
  path?: string;
  /** Chunk size of `stream()`; 128 KiB by default (tests use small chunks to split tokens). */
  chunkSize?: number;
}

/**
 * Makes a converter input from bytes or text in memory (tests, uploads).
 *
 * @param name The file name.
 * @param content The content; text is encoded as UTF-8.
 * @param options The path for messages, the whole-read limit, the stream's chunk size.
 * @returns The input.
 *
 * @example Convert text in memory
 * ```ts
 * import assert from "node:assert/strict";
 * import { bytesInput } from "@wats/toolkit/converters";
 *
 * const input = bytesInput("run.json", '{"type":"T"}');
 * assert.equal(await input.text(), '{"type":"T"}');
 * ```
 */
export function bytesInput(
  name: string,
  content: Uint8Array | string,
  options: BytesInputOptions = {},
): ConverterInput {
  const data = typeof content === "string" ? new TextEncoder().encode(content) : content;
  const path = options.path ?? name;
  const maxWhole = options.maxWholeBytes ?? DEFAULT_MAX_WHOLE_BYTES;
  const chunk = options.chunkSize ?? CHUNK;
  const bytes = (): Promise<Uint8Array> => {
    if (data.length > maxWhole) return Promise.reject(tooLargeWhole(path, data.length, maxWhole));
    return Promise.resolve(data);
  };
  return {
    path,
    name: baseName(name),
    size: data.length,
    stream(): ReadableStream<Uint8Array> {
      let offset = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (offset >= data.length) {
            controller.close();
            return;
          }
          controller.enqueue(data.slice(offset, offset + chunk));
          offset += chunk;
        },
      });
    },
    bytes,
    async text(): Promise<string> {
      return decodeText(await bytes(), path);
    },
  };
}
