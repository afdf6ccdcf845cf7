/**
 * Server metadata: version, processes, levels and product groups (`/api/App`).
 *
 * @module
 */

import type { Transport } from "../http/transport.ts";
import {
  type Level,
  LevelListSchema,
  type ProcessInfo,
  ProcessListSchema,
  type ProductGroup,
  ProductGroupListSchema,
} from "../models/app.ts";
import { parseResponse } from "./_parse.ts";

/**
 * Which processes `processes()` lists; the server's defaults apply where a flag is absent.
 *
 * @category App
 */
export interface ProcessQuery {
  /** Include test operations. */
  includeTestOperations?: boolean;
  /** Include repair operations. */
  includeRepairOperations?: boolean;
  /** Include WIP operations. */
  includeWipOperations?: boolean;
  /** Include inactive processes. */
  includeInactiveProcesses?: boolean;
}

/**
 * Server metadata, reached as `wats.app`.
 *
 * @example Check the connection
 * ```ts
 * import assert from "node:assert/strict";
 * import { Wats } from "@wats/toolkit";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * assert.equal(typeof await wats.app.version(), "string");
 * ```
 *
 * @category App
 */
export class AppService {
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
   * The server's version; also the connectivity test.
   *
   * @param signal Cancels the call.
   * @returns The version text, e.g. `24.1.0`.
   */
  async version(signal?: AbortSignal): Promise<string> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/App/Version",
      operation: "app.version",
      signal,
    });
    if (data === null) return "";
    if (typeof data === "string") return data.trim();
    if (typeof data === "object" && "version" in data) return String(data.version);
    return JSON.stringify(data);
  }

  /**
   * The processes (test, repair and WIP operations) the server knows.
   *
   * @param query Which kinds to include.
   * @returns The processes.
   */
  async processes(query: ProcessQuery = {}): Promise<ProcessInfo[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/App/Processes",
      query: { ...query },
      operation: "app.processes",
    }, { allowEmpty: true });
    return parseResponse(ProcessListSchema, data ?? [], "app.processes");
  }

  /**
   * The production levels.
   *
   * @returns The levels.
   */
  async levels(): Promise<Level[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/App/Levels",
      operation: "app.levels",
    }, { allowEmpty: true });
    return parseResponse(LevelListSchema, data ?? [], "app.levels");
  }

  /**
   * The product groups.
   *
   * @param includeFilters Also answer each group's filters.
   * @returns The groups.
   */
  async productGroups(includeFilters?: boolean): Promise<ProductGroup[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/App/ProductGroups",
      query: { includeFilters },
      operation: "app.productGroups",
    }, { allowEmpty: true });
    return parseResponse(ProductGroupListSchema, data ?? [], "app.productGroups");
  }
}
