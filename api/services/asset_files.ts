/**
 * The files of an asset (internal `/api/internal/Blob` routes), reached as `wats.asset.files`:
 * upload a file under a name (a second upload of the name replaces it), download it, list the
 * names, delete some.
 *
 * These routes are undocumented and may change (the WATS API spec §3.4). The spec marks that
 * pyWATS means to send the names to delete as the body of `DELETE Blob/Assets` but drops them;
 * this client sends them.
 *
 * @module
 */

import type { Transport } from "../http/transport.ts";
import { AssetFileNameListSchema } from "../models/asset.ts";
import { isSuccess, requireText } from "./_input.ts";
import { parseResponse } from "./_parse.ts";

function fileName(filename: string, operation: string): string {
  const name = requireText(filename, "a file name", operation).trim();
  if (/[/\\]/.test(name)) throw new TypeError(`${operation} needs a file name without a path`);
  return name;
}

/**
 * The files of assets (see the module notes).
 *
 * @example Keep a calibration certificate with the asset
 * ```ts ignore
 * import { Wats } from "@wats/toolkit";
 * const wats = Wats.fromEnv();
 * const asset = await wats.asset.get({ serialNumber: "DMM-7" });
 * await wats.asset.files.upload(asset!.assetId!, "cal.pdf", await Deno.readFile("cal.pdf"));
 * console.log(await wats.asset.files.list(asset!.assetId!)); // ["cal.pdf"]
 * ```
 */
export class AssetFiles {
  #transport: Transport;

  /**
   * Creates the service on a transport.
   *
   * @param transport The HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Stores a file with an asset, replacing a file of the same name.
   *
   * @param assetId The asset id.
   * @param filename The file name, without a path.
   * @param content The bytes.
   * @returns Whether the server stored it.
   * @throws {TypeError} When the id or name is blank or the name holds a path; nothing is sent.
   */
  async upload(assetId: string, filename: string, content: Uint8Array): Promise<boolean> {
    const operation = "asset.files.upload";
    const data = await this.#transport.send({
      method: "POST",
      path: "/api/internal/Blob/Asset",
      query: {
        assetId: requireText(assetId, "an asset id", operation),
        filename: fileName(filename, operation),
      },
      body: content,
      contentType: "application/octet-stream",
      idempotent: true,
      internal: true,
      operation,
    }, { allowEmpty: true });
    return isSuccess(data);
  }

  /**
   * The content of a file of an asset.
   *
   * @param assetId The asset id.
   * @param filename The file name.
   * @returns The bytes, or `null` in lenient mode when there is no such file.
   * @throws {NotFoundError} In strict mode when there is no such asset or file.
   */
  download(assetId: string, filename: string): Promise<Uint8Array | null> {
    const operation = "asset.files.download";
    return this.#transport.send<Uint8Array>({
      method: "GET",
      path: "/api/internal/Blob/Asset",
      query: {
        assetId: requireText(assetId, "an asset id", operation),
        filename: fileName(filename, operation),
      },
      responseType: "bytes",
      internal: true,
      operation,
    });
  }

  /**
   * The names of an asset's files.
   *
   * @param assetId The asset id.
   * @returns The names, sorted.
   */
  async list(assetId: string): Promise<string[]> {
    const operation = "asset.files.list";
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/internal/Blob/Asset/List/{assetId}",
      params: { assetId: requireText(assetId, "an asset id", operation) },
      internal: true,
      operation,
    }, { allowEmpty: true });
    return parseResponse(AssetFileNameListSchema, data ?? [], operation);
  }

  /**
   * Deletes files of an asset.
   *
   * @param assetId The asset id.
   * @param filenames The names of the files; at least one.
   * @returns Whether the server deleted them.
   * @throws {NotFoundError} When the asset lacks one of them; none is deleted.
   */
  async delete(assetId: string, filenames: readonly string[]): Promise<boolean> {
    const operation = "asset.files.delete";
    if (!Array.isArray(filenames) || filenames.length === 0) {
      throw new TypeError(`${operation} needs at least one file name`);
    }
    const data = await this.#transport.send({
      method: "DELETE",
      path: "/api/internal/Blob/Assets",
      query: { assetId: requireText(assetId, "an asset id", operation) },
      json: filenames.map((n) => fileName(n, operation)),
      internal: true,
      operation,
    }, { allowEmpty: true });
    return isSuccess(data);
  }
}
