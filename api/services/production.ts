/**
 * Production (`/api/Production`): units, their verification grade, phase and process, child
 * units, serial-number allocation, unit changes with their acknowledgement, batches, and the
 * unit-phase list (internal route, cached).
 *
 * Rules kept from the spec (§3.3): a unit is named by serial and part number, both required; a
 * phase given by name or code is resolved to its id through the phase list, and an unknown phase is
 * refused before anything is sent; "passing" means every process passed on its last run; a save
 * answered with a summary whose `errorCount` is above 0 is an error. Serial-number allocation is a
 * POST and never retried: a retry after a lost answer would take a second set of numbers.
 *
 * Shifts and operators: the server's route table declares `/api/Production/Shifts` and
 * `/api/Production/Operators`, but no client calls them and nothing documents their shape (spec
 * §3.11), so this service does not offer them; reach them with `wats.request` if your server has
 * them.
 *
 * @module
 */

import { type Clock, systemClock } from "../../util/clock.ts";
import { ValidationError } from "../http/errors.ts";
import type { Transport } from "../http/transport.ts";
import {
  type Batch,
  BatchListSchema,
  BatchSchema,
  type SerialNumberRecord,
  SerialNumberRecordListSchema,
  type SerialNumberType,
  SerialNumberTypeListSchema,
  type Unit,
  type UnitChange,
  UnitChangeListSchema,
  UnitListSchema,
  type UnitPhase,
  UnitPhaseListSchema,
  UnitSchema,
  type UnitVerification,
  UnitVerificationSchema,
} from "../models/production.ts";
import { type ODataBuilder, odataBuilder, type ODataExpr } from "../odata.ts";
import { TtlCache } from "./_cache.ts";
import { requireText } from "./_input.ts";
import { isConfirmed, pages } from "./_paging.ts";
import { parseResponse } from "./_parse.ts";
import { parseTaken } from "./_serial_numbers.ts";
import { SerialNumberAdmin } from "./serial_admin.ts";
import { ProductionUnits } from "./production_units.ts";

/**
 * Unit-change fields a `$filter` may name.
 *
 * @category Production
 */
export type UnitChangeField =
  | "id"
  | "unitSerialNumber"
  | "newParentSerialNumber"
  | "newPartNumber"
  | "newRevision"
  | "newUnitPhaseId";

/**
 * Builds `$filter` expressions over unit-change fields.
 *
 * @category Production
 */
export const unitChangeFilter: ODataBuilder<UnitChangeField> = odataBuilder<UnitChangeField>();

/**
 * Names a unit.
 *
 * @category Production
 */
export interface UnitRef {
  /** The serial number. */
  serialNumber: string;
  /** The part number. */
  partNumber: string;
}

/**
 * A unit-change query.
 *
 * @category Production
 */
export interface UnitChangeQuery {
  /** Only changes of this serial number. */
  serialNumber?: string;
  /** Only changes of this part number. */
  partNumber?: string;
  /** A `$filter`, built with {@linkcode unitChangeFilter} or written by hand. */
  filter?: ODataExpr | string;
  /** `$orderby`; the server's order (oldest first) when absent. */
  orderBy?: string;
  /** The most changes to yield in all. */
  top?: number;
  /** Changes to skip at the start. */
  skip?: number;
  /** Changes asked for per request. Default 500. */
  pageSize?: number;
  /**
   * Acknowledge (delete) each change once the loop body that received it has finished and asks
   * for the next one: a change whose handling throws stays queued (at-least-once delivery).
   */
  acknowledge?: boolean;
  /** Cancels the query between and during pages. */
  signal?: AbortSignal;
}

/**
 * Options of a {@linkcode ProductionService}.
 *
 * @category Production
 */
export interface ProductionServiceOptions {
  /** The clock that ages the phase cache. Default: the system clock. */
  clock?: Clock;
  /** How long the phase list is cached, in milliseconds. Default 300 000. */
  ttlMs?: number;
}

/**
 * Options of a serial-number allocation.
 *
 * @category Production
 */
export interface TakeSerialNumbersOptions {
  /** How many. Default 1. */
  quantity?: number;
  /** The unit they are taken for (its serial number). */
  referenceSerialNumber?: string;
  /** That unit's part number. */
  referencePartNumber?: string;
  /** The station taking them. */
  stationName?: string;
}

function unitQuery(ref: UnitRef, operation: string): { serialNumber: string; partNumber: string } {
  return {
    serialNumber: requireText(ref?.serialNumber, "a serial number", operation),
    partNumber: requireText(ref?.partNumber, "a part number", operation),
  };
}

function compact(text: string | null | undefined): string {
  return (text ?? "").replace(/[\s_-]+/g, "").toLowerCase();
}

/**
 * Reads the serial numbers out of an allocation answer: XML `<SerialNumbers><SN id="…"/>` or a
 * JSON array of texts or of objects with an `id`.
 *
 * @param data The parsed answer (XML arrives as text).
 * @returns The serial numbers, in order.
 * @throws {UnexpectedResponseError} When the answer is in no known form.
 *
 * @example Read the server's serial-number XML
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSerialNumbers } from "@wats/toolkit/models";
 *
 * assert.deepEqual(
 *   parseSerialNumbers('<SerialNumbers><SN id="SN000001"/><SN id="A&amp;B"/></SerialNumbers>'),
 *   ["SN000001", "A&B"],
 * );
 * ```
 *
 * @category Production
 */
export function parseSerialNumbers(data: unknown): string[] {
  return parseTaken(data, "production.takeSerialNumbers");
}

/**
 * Production, reached as `wats.production`.
 *
 * @example Register a unit, move it on, and handle unit changes
 * ```ts
 * import assert from "node:assert/strict";
 * import { Wats } from "@wats/toolkit";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * await wats.product.save({ partNumber: "PCB-1", name: "Controller board" });
 * await wats.product.saveRevision({ partNumber: "PCB-1", revision: "A" });
 * const [sn] = await wats.production.takeSerialNumbers("SerialNumber");
 * await wats.production.saveUnit({ serialNumber: sn, partNumber: "PCB-1", revision: "A" });
 * await wats.production.setPhase({ serialNumber: sn, partNumber: "PCB-1" }, "Finalized");
 * const changes = [];
 * for await (const change of wats.production.unitChanges({ acknowledge: true })) {
 *   changes.push(change.unitSerialNumber);
 * }
 * assert.ok(changes.length > 0);
 * assert.ok(changes.every((changed) => changed === sn));
 * ```
 *
 * @category Production
 */
export class ProductionService {
  #transport: Transport;
  #phases: TtlCache<UnitPhase[]>;

  /** Serial-number pool administration: import, export, free, ranges, statistics. */
  readonly serialNumbers: SerialNumberAdmin;
  /** The internal unit routes: look-ups by serial, info, history, create, checked fitting. */
  readonly units: ProductionUnits;

  /**
   * Creates the service on a transport.
   *
   * @param transport The HTTP core.
   * @param options The clock and the phase-cache lifetime.
   */
  constructor(transport: Transport, options: ProductionServiceOptions = {}) {
    this.#transport = transport;
    this.serialNumbers = new SerialNumberAdmin(transport);
    this.units = new ProductionUnits(transport);
    this.#phases = new TtlCache(options.clock ?? systemClock, options.ttlMs ?? 300_000);
  }

  /**
   * One unit, with its sub-units.
   *
   * @param ref The unit.
   * @returns The unit, or `null` in lenient mode when it does not exist.
   * @throws {NotFoundError} In strict mode when it does not exist.
   */
  async unit(ref: UnitRef): Promise<Unit | null> {
    const q = unitQuery(ref, "production.unit");
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Production/Unit/{sn}/{pn}",
      params: { sn: q.serialNumber, pn: q.partNumber },
      operation: "production.unit",
    }, { allowEmpty: true });
    return data === null ? null : parseResponse(UnitSchema, data, "production.unit");
  }

  /**
   * The unit's verification: per process its runs and results, and the grade flags.
   *
   * @param ref The unit.
   * @param revision Only reports of this revision.
   * @returns The verification, or `null` when the server answered nothing.
   */
  async verify(ref: UnitRef, revision?: string): Promise<UnitVerification | null> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Production/UnitVerification",
      query: { ...unitQuery(ref, "production.verify"), revision },
      operation: "production.verify",
    }, { allowEmpty: true });
    return data === null ? null : parseResponse(UnitVerificationSchema, data, "production.verify");
  }

  /**
   * The unit's grade.
   *
   * @param ref The unit.
   * @param revision Only reports of this revision.
   * @returns The grade, or `null` when the unit has none.
   */
  async grade(ref: UnitRef, revision?: string): Promise<string | null> {
    return (await this.verify(ref, revision))?.grade ?? null;
  }

  /**
   * Whether the unit is passing: every process passed on its last run.
   *
   * @param ref The unit.
   * @param revision Only reports of this revision.
   * @returns `true` when passing.
   */
  async isPassing(ref: UnitRef, revision?: string): Promise<boolean> {
    return (await this.verify(ref, revision))?.allProcessesPassedLastRun === true;
  }

  /**
   * Creates or updates units.
   *
   * @param units The units; each needs its serial and part number.
   * @returns The units as saved (as sent, when the server answers only a summary).
   * @throws {ValidationError} When the server's summary counts errors.
   */
  async saveUnits(units: readonly Unit[]): Promise<Unit[]> {
    const body = units.map((u) => ({ ...u, ...unitQuery(u, "production.saveUnits") }));
    if (body.length === 0) return [];
    const data = await this.#transport.send({
      method: "PUT",
      path: "/api/Production/Units",
      json: body,
      operation: "production.saveUnits",
    }, { allowEmpty: true });
    if (data && typeof data === "object" && !Array.isArray(data)) {
      const summary = data as Record<string, unknown>;
      const errors = Number(summary.errorCount ?? summary.ErrorCount ?? 0);
      if (errors > 0) {
        const said = typeof summary.message === "string" ? `: ${summary.message}` : "";
        throw new ValidationError(
          `production.saveUnits failed: the server refused ${errors} of ${body.length} units${said}`,
          { operation: "production.saveUnits", method: "PUT", path: "/api/Production/Units" },
        );
      }
      return body;
    }
    return data === null ? body : parseResponse(UnitListSchema, data, "production.saveUnits");
  }

  /**
   * Creates or updates one unit.
   *
   * @param unit The unit.
   * @returns The unit as saved.
   */
  async saveUnit(unit: Unit): Promise<Unit> {
    const [saved] = await this.saveUnits([unit]);
    return saved;
  }

  /**
   * The unit phases (internal route), cached.
   *
   * @param options Cache bypass.
   * @returns The phases.
   */
  phases(options: { refresh?: boolean } = {}): Promise<UnitPhase[]> {
    if (options.refresh) this.#phases.clear();
    return this.#phases.get("all", async () => {
      const data = await this.#transport.send({
        method: "GET",
        path: "/api/internal/Mes/GetUnitPhases",
        internal: true,
        operation: "production.phases",
      }, { allowEmpty: true });
      return parseResponse(UnitPhaseListSchema, data ?? [], "production.phases");
    });
  }

  /**
   * Resolves a phase given by id, code or name (without case, blanks ignored) to its id.
   *
   * @param phase The id (e.g. 16), code (`Finalized`) or name (`Under production`).
   * @returns The phase id.
   * @throws {RangeError} When no phase matches.
   */
  async phaseId(phase: number | string): Promise<number> {
    const phases = await this.phases();
    const found = typeof phase === "number"
      ? phases.find((p) => p.UnitPhaseId === phase)
      : phases.find((p) =>
        compact(p.Code) === compact(phase) || compact(p.Name) === compact(phase) ||
        String(p.UnitPhaseId) === phase.trim()
      );
    if (!found) {
      const known = phases.map((p) => p.Name ?? p.Code ?? p.UnitPhaseId).join(", ");
      throw new RangeError(`Unknown unit phase ${JSON.stringify(phase)}; known phases: ${known}`);
    }
    return found.UnitPhaseId;
  }

  /**
   * Sets the unit's phase.
   *
   * @param ref The unit.
   * @param phase The phase's id, code or name.
   * @param comment A comment for the unit's history.
   * @returns `true` when the server confirmed it.
   */
  async setPhase(ref: UnitRef, phase: number | string, comment?: string): Promise<boolean> {
    const q = unitQuery(ref, "production.setPhase");
    const id = await this.phaseId(phase);
    return await this.#flag("PUT", "/api/Production/SetUnitPhase", "production.setPhase", {
      ...q,
      phase: id,
      comment,
    });
  }

  /**
   * Sets the process the unit is at.
   *
   * @param ref The unit.
   * @param processCode The process code.
   * @param comment A comment for the unit's history.
   * @returns `true` when the server confirmed it.
   */
  async setProcess(ref: UnitRef, processCode: number, comment?: string): Promise<boolean> {
    if (!Number.isInteger(processCode)) {
      throw new TypeError(`production.setProcess needs a whole process code, got ${processCode}`);
    }
    return await this.#flag("PUT", "/api/Production/SetUnitProcess", "production.setProcess", {
      ...unitQuery(ref, "production.setProcess"),
      processCode,
      comment,
    });
  }

  /**
   * Fits a child unit into a parent (assembly).
   *
   * @param parent The parent unit.
   * @param child The child unit.
   * @returns `true` when the server confirmed it.
   */
  async addChild(parent: UnitRef, child: UnitRef): Promise<boolean> {
    return await this.#child("AddChildUnit", "production.addChild", parent, child);
  }

  /**
   * Removes a child unit from its parent.
   *
   * @param parent The parent unit.
   * @param child The child unit.
   * @returns `true` when the server confirmed it.
   */
  async removeChild(parent: UnitRef, child: UnitRef): Promise<boolean> {
    return await this.#child("RemoveChildUnit", "production.removeChild", parent, child);
  }

  /**
   * Checks a unit's children against its box-build template.
   *
   * @param ref The parent unit.
   * @param revision The parent's revision.
   * @returns The server's check result.
   */
  async checkChildren(ref: UnitRef, revision?: string): Promise<Record<string, unknown> | null> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Production/CheckChildUnits",
      query: { ...unitQuery(ref, "production.checkChildren"), revision },
      operation: "production.checkChildren",
    }, { allowEmpty: true });
    return data && typeof data === "object" ? data as Record<string, unknown> : null;
  }

  /**
   * The serial-number types.
   *
   * @returns The types.
   */
  async serialNumberTypes(): Promise<SerialNumberType[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Production/SerialNumbers/Types",
      operation: "production.serialNumberTypes",
    }, { allowEmpty: true });
    return parseResponse(SerialNumberTypeListSchema, data ?? [], "production.serialNumberTypes");
  }

  /**
   * Takes (allocates) serial numbers of a type; a number is never handed out twice.
   *
   * @param type The serial-number type's name.
   * @param options How many, and the unit and station they are taken for.
   * @returns The serial numbers, in order (fewer than asked when the pool ran dry).
   */
  async takeSerialNumbers(
    type: string,
    options: TakeSerialNumbersOptions = {},
  ): Promise<string[]> {
    const quantity = options.quantity ?? 1;
    if (!Number.isInteger(quantity) || quantity < 1) {
      throw new RangeError(`production.takeSerialNumbers needs a quantity >= 1, got ${quantity}`);
    }
    const res = await this.#transport.request({
      method: "POST",
      path: "/api/Production/SerialNumbers/Take",
      query: {
        serialNumberType: requireText(type, "a serial-number type", "production.takeSerialNumbers"),
        quantity,
        refSN: options.referenceSerialNumber,
        refPN: options.referencePartNumber,
        stationName: options.stationName,
      },
      operation: "production.takeSerialNumbers",
    });
    return parseSerialNumbers(res.data);
  }

  /**
   * The serial numbers of a type taken between two values.
   *
   * @param type The serial-number type's name.
   * @param from The first serial number.
   * @param to The last serial number.
   * @returns The records.
   */
  async serialNumbersInRange(
    type: string,
    from: string,
    to: string,
  ): Promise<SerialNumberRecord[]> {
    const operation = "production.serialNumbersInRange";
    return await this.#records("/api/Production/SerialNumbers/ByRange", operation, {
      typeName: requireText(type, "a serial-number type", operation),
      from: requireText(from, "the first serial number", operation),
      to: requireText(to, "the last serial number", operation),
    });
  }

  /**
   * The serial numbers of a type taken for a unit.
   *
   * @param type The serial-number type's name.
   * @param reference The unit they were taken for.
   * @returns The records.
   */
  async serialNumbersByReference(
    type: string,
    reference: { serialNumber?: string; partNumber?: string },
  ): Promise<SerialNumberRecord[]> {
    const operation = "production.serialNumbersByReference";
    if (!reference?.serialNumber && !reference?.partNumber) {
      throw new TypeError(`${operation} needs a reference serial or part number`);
    }
    return await this.#records("/api/Production/SerialNumbers/ByReference", operation, {
      typeName: requireText(type, "a serial-number type", operation),
      referenceSerialNumber: reference.serialNumber,
      referencePartNumber: reference.partNumber,
    });
  }

  /**
   * Reads the unit changes page by page; with `acknowledge` each is acknowledged once handled.
   *
   * @param query Unit, filter, paging, acknowledgement.
   * @returns The changes, lazily.
   */
  async *unitChanges(query: UnitChangeQuery = {}): AsyncGenerator<UnitChange> {
    let acknowledged = 0;
    const source = pages(this.#transport, {
      path: "/api/Production/Units/Changes",
      operation: "production.unitChanges",
      schema: UnitChangeListSchema,
      query: { serialNumber: query.serialNumber, partNumber: query.partNumber },
      consumed: () => {
        const n = acknowledged;
        acknowledged = 0;
        return n;
      },
    }, query);
    for await (const change of source) {
      yield change;
      if (query.acknowledge) {
        await this.acknowledgeChange(change.id);
        acknowledged++;
      }
    }
  }

  /**
   * Acknowledges (deletes) a unit change.
   *
   * @param id The change's id.
   * @returns `true` when the server confirmed it.
   */
  async acknowledgeChange(id: number): Promise<boolean> {
    if (!Number.isInteger(id)) throw new TypeError(`A unit change id is a whole number, got ${id}`);
    const data = await this.#transport.send({
      method: "DELETE",
      path: "/api/Production/Units/Changes/{id}",
      params: { id },
      operation: "production.acknowledgeChange",
    }, { allowEmpty: true });
    return isConfirmed(data);
  }

  /**
   * The batches, optionally of one product or one batch.
   *
   * @param query A part number and/or a batch id.
   * @returns The batches.
   */
  async batches(query: { partNumber?: string; batchId?: string } = {}): Promise<Batch[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Production/Batches",
      query: { partNumber: query.partNumber, batchId: query.batchId },
      operation: "production.batches",
    }, { allowEmpty: true });
    return parseResponse(BatchListSchema, data ?? [], "production.batches");
  }

  /**
   * Creates or updates a batch.
   *
   * @param batch The batch; `batchNumber` is required.
   * @returns The batch as saved.
   */
  async saveBatch(batch: Batch): Promise<Batch> {
    const batchNumber = requireText(batch?.batchNumber, "a batch number", "production.saveBatch");
    const data = await this.#transport.send({
      method: "PUT",
      path: "/api/Production/Batch",
      json: { ...batch, batchNumber },
      operation: "production.saveBatch",
    });
    return parseResponse(BatchSchema, data, "production.saveBatch");
  }

  /**
   * Creates or updates many batches in one request.
   *
   * @param batches The batches.
   * @returns The batches as saved.
   */
  async saveBatches(batches: readonly Batch[]): Promise<Batch[]> {
    const body = batches.map((b) => ({
      ...b,
      batchNumber: requireText(b?.batchNumber, "a batch number", "production.saveBatches"),
    }));
    if (body.length === 0) return [];
    const data = await this.#transport.send({
      method: "PUT",
      path: "/api/Production/Batches",
      json: body,
      operation: "production.saveBatches",
    });
    return parseResponse(BatchListSchema, data, "production.saveBatches");
  }

  /**
   * Whether the production module answers (internal route).
   *
   * @returns `true` when it answered anything.
   */
  async isConnected(): Promise<boolean> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/internal/Production/isConnected",
      internal: true,
      operation: "production.isConnected",
    }, { allowEmpty: true });
    return data !== null && data !== false;
  }

  async #flag(
    method: "PUT" | "POST",
    path: string,
    operation: string,
    query: Record<string, string | number | undefined>,
  ): Promise<boolean> {
    const data = await this.#transport.send({ method, path, query, operation }, {
      allowEmpty: true,
    });
    return isConfirmed(data);
  }

  async #child(
    route: "AddChildUnit" | "RemoveChildUnit",
    operation: string,
    parent: UnitRef,
    child: UnitRef,
  ): Promise<boolean> {
    const up = unitQuery(parent, operation);
    const down = unitQuery(child, operation);
    return await this.#flag("POST", `/api/Production/${route}`, operation, {
      parentSerialNumber: up.serialNumber,
      parentPartNumber: up.partNumber,
      childSerialNumber: down.serialNumber,
      childPartNumber: down.partNumber,
    });
  }

  async #records(
    path: string,
    operation: string,
    query: Record<string, string | undefined>,
  ): Promise<SerialNumberRecord[]> {
    const data = await this.#transport.send({ method: "GET", path, query, operation }, {
      allowEmpty: true,
    });
    return parseResponse(SerialNumberRecordListSchema, data ?? [], operation);
  }
}
