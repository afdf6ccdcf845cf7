/**
 * Processes (test, repair and WIP operations): the list from `GET /api/App/Processes` with
 * look-ups by code and by name (without case), the default test and repair codes, and the internal
 * detailed rows and repair-operation configurations (PascalCase).
 *
 * Process lists change rarely, so they are cached for a configurable time (300 s by default, as
 * pyWATS does) on the injected clock; {@linkcode ProcessService.invalidate} forgets them at once.
 *
 * @module
 */

import { type Clock, systemClock } from "../../util/clock.ts";
import type { Transport } from "../http/transport.ts";
import { type ProcessInfo, ProcessListSchema } from "../models/app.ts";
import {
  type FailCode,
  flattenFailCodes,
  type ProcessDetail,
  ProcessDetailListSchema,
  ProcessDetailSchema,
  type RepairOperationConfig,
  RepairOperationConfigMapSchema,
  RepairOperationConfigSchema,
} from "../models/process.ts";
import { TtlCache } from "./_cache.ts";
import { parseResponse } from "./_parse.ts";

/**
 * The process code WATS uses for the default test operation.
 *
 * @category Processes
 */
export const DEFAULT_TEST_CODE = 100;
/**
 * The process code WATS uses for the default repair operation.
 *
 * @category Processes
 */
export const DEFAULT_REPAIR_CODE = 500;

/**
 * Options of a {@linkcode ProcessService}.
 *
 * @category Processes
 */
export interface ProcessServiceOptions {
  /** The clock that ages the cache. Default: the system clock. */
  clock?: Clock;
  /** How long lists are cached, in milliseconds. Default 300 000; 0 turns caching off. */
  ttlMs?: number;
}

/**
 * Options of a process look-up.
 *
 * @category Processes
 */
export interface ProcessListOptions {
  /** Include inactive processes. Default false. */
  includeInactive?: boolean;
  /** Skip the cache and read the list again. */
  refresh?: boolean;
}

function sameName(a: string | null | undefined, b: string): boolean {
  return (a ?? "").trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * Processes, reached as `wats.process`.
 *
 * @example Find the default codes and a process by name
 * ```ts
 * import assert from "node:assert/strict";
 * import { Wats } from "@wats/toolkit";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * const test = await wats.process.defaultTestCode(); // 100 when the server has it
 * const first = (await wats.process.list())[0];
 * const found = await wats.process.byName(first.name!.toUpperCase()); // names match without case
 * assert.equal(typeof test, "number");
 * assert.equal(found?.code, first.code);
 * ```
 *
 * @category Processes
 */
export class ProcessService {
  #transport: Transport;
  #lists: TtlCache<ProcessInfo[]>;
  #details: TtlCache<ProcessDetail[]>;
  #repairs: TtlCache<Record<string, RepairOperationConfig>>;

  /**
   * Creates the service on a transport.
   *
   * @param transport The HTTP core.
   * @param options The clock and the cache lifetime.
   */
  constructor(transport: Transport, options: ProcessServiceOptions = {}) {
    this.#transport = transport;
    const clock = options.clock ?? systemClock;
    const ttl = options.ttlMs ?? 300_000;
    this.#lists = new TtlCache(clock, ttl);
    this.#details = new TtlCache(clock, ttl);
    this.#repairs = new TtlCache(clock, ttl);
  }

  /**
   * Every process (test, repair and WIP), cached.
   *
   * @param options Inactive processes, cache bypass.
   * @returns The processes in the server's order.
   */
  list(options: ProcessListOptions = {}): Promise<ProcessInfo[]> {
    const inactive = options.includeInactive === true;
    const key = inactive ? "all" : "active";
    if (options.refresh) this.#lists.clear();
    return this.#lists.get(key, async () => {
      const data = await this.#transport.send({
        method: "GET",
        path: "/api/App/Processes",
        query: {
          includeTestOperations: true,
          includeRepairOperations: true,
          includeWipOperations: true,
          includeInactiveProcesses: inactive,
        },
        operation: "process.list",
      }, { allowEmpty: true });
      return parseResponse(ProcessListSchema, data ?? [], "process.list");
    });
  }

  /**
   * The test operations.
   *
   * @param options Inactive processes, cache bypass.
   * @returns The processes with `isTestOperation`.
   */
  async testOperations(options: ProcessListOptions = {}): Promise<ProcessInfo[]> {
    return (await this.list(options)).filter((p) => p.isTestOperation);
  }

  /**
   * The repair operations.
   *
   * @param options Inactive processes, cache bypass.
   * @returns The processes with `isRepairOperation`.
   */
  async repairOperations(options: ProcessListOptions = {}): Promise<ProcessInfo[]> {
    return (await this.list(options)).filter((p) => p.isRepairOperation);
  }

  /**
   * The work-in-progress operations.
   *
   * @param options Inactive processes, cache bypass.
   * @returns The processes with `isWipOperation`.
   */
  async wipOperations(options: ProcessListOptions = {}): Promise<ProcessInfo[]> {
    return (await this.list(options)).filter((p) => p.isWipOperation);
  }

  /**
   * A process by its code.
   *
   * @param code The process code.
   * @param options Inactive processes, cache bypass.
   * @returns The process, or `null` when there is none.
   */
  async byCode(code: number, options: ProcessListOptions = {}): Promise<ProcessInfo | null> {
    return (await this.list(options)).find((p) => p.code === code) ?? null;
  }

  /**
   * A process by its name, compared without case and surrounding blanks.
   *
   * @param name The process name, e.g. `final function test`.
   * @param options Inactive processes, cache bypass.
   * @returns The process, or `null` when there is none.
   */
  async byName(name: string, options: ProcessListOptions = {}): Promise<ProcessInfo | null> {
    return (await this.list(options)).find((p) => sameName(p.name, name)) ?? null;
  }

  /**
   * Whether a code names a test operation.
   *
   * @param code The process code.
   * @returns `true` for a test operation.
   */
  async isTestOperation(code: number): Promise<boolean> {
    return (await this.byCode(code))?.isTestOperation === true;
  }

  /**
   * Whether a code names a repair operation.
   *
   * @param code The process code.
   * @returns `true` for a repair operation.
   */
  async isRepairOperation(code: number): Promise<boolean> {
    return (await this.byCode(code))?.isRepairOperation === true;
  }

  /**
   * The default test code: 100 when it is a test operation, else the first test operation.
   *
   * @returns The code, or `null` when the server has no test operation.
   */
  async defaultTestCode(): Promise<number | null> {
    const tests = await this.testOperations();
    return (tests.find((p) => p.code === DEFAULT_TEST_CODE) ?? tests[0])?.code ?? null;
  }

  /**
   * The default repair code: 500 when it is a repair operation, else the first repair operation.
   *
   * @returns The code, or `null` when the server has no repair operation.
   */
  async defaultRepairCode(): Promise<number | null> {
    const repairs = await this.repairOperations();
    return (repairs.find((p) => p.code === DEFAULT_REPAIR_CODE) ?? repairs[0])?.code ?? null;
  }

  /**
   * The processes with their ids and properties (internal route), cached.
   *
   * @param options Cache bypass.
   * @returns The rows, PascalCase.
   */
  detailed(options: { refresh?: boolean } = {}): Promise<ProcessDetail[]> {
    if (options.refresh) this.#details.clear();
    return this.#details.get("all", async () => {
      const data = await this.#transport.send({
        method: "GET",
        path: "/api/internal/Process/GetProcesses",
        internal: true,
        operation: "process.detailed",
      }, { allowEmpty: true });
      return parseResponse(ProcessDetailListSchema, data ?? [], "process.detailed");
    });
  }

  /**
   * One process with its id and properties (internal route).
   *
   * @param processId The process's id (`ProcessID`).
   * @returns The row, or `null` when there is none.
   */
  async detail(processId: string): Promise<ProcessDetail | null> {
    if (!processId?.trim()) throw new TypeError("process.detail needs a process id");
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/internal/Process/GetProcess/{id}",
      params: { id: processId.trim() },
      internal: true,
      operation: "process.detail",
    }, { allowEmpty: true });
    return data === null ? null : parseResponse(ProcessDetailSchema, data, "process.detail");
  }

  /**
   * The configuration of every repair operation, keyed by process code (internal route), cached.
   *
   * @param options Cache bypass.
   * @returns The configurations.
   */
  repairOperationConfigs(
    options: { refresh?: boolean } = {},
  ): Promise<Record<string, RepairOperationConfig>> {
    if (options.refresh) this.#repairs.clear();
    return this.#repairs.get("all", async () => {
      const data = await this.#transport.send({
        method: "GET",
        path: "/api/internal/Process/GetRepairOperations",
        internal: true,
        operation: "process.repairOperationConfigs",
      }, { allowEmpty: true });
      return parseResponse(
        RepairOperationConfigMapSchema,
        data ?? {},
        "process.repairOperationConfigs",
      );
    });
  }

  /**
   * One repair operation's configuration (internal route).
   *
   * @param id The repair operation's id (its process id).
   * @param processCode The repair process code, when the server needs it.
   * @returns The configuration, or `null` when there is none.
   */
  async repairOperation(id: string, processCode?: number): Promise<RepairOperationConfig | null> {
    if (!id?.trim()) throw new TypeError("process.repairOperation needs an id");
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/internal/Process/GetRepairOperation/{id}",
      params: { id: id.trim() },
      query: { processCode },
      internal: true,
      operation: "process.repairOperation",
    }, { allowEmpty: true });
    return data === null
      ? null
      : parseResponse(RepairOperationConfigSchema, data, "process.repairOperation");
  }

  /**
   * The fail codes of a repair operation, flattened out of its categories.
   *
   * @param repairCode The repair process code. Default 500.
   * @returns The fail codes; empty when the operation has none or is not configured.
   */
  async failCodes(repairCode: number = DEFAULT_REPAIR_CODE): Promise<FailCode[]> {
    const config = (await this.repairOperationConfigs())[String(repairCode)];
    return config ? flattenFailCodes(config) : [];
  }

  /** Forgets every cached list, so the next call reads the server again. */
  invalidate(): void {
    this.#lists.clear();
    this.#details.clear();
    this.#repairs.clear();
  }
}
