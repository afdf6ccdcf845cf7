/**
 * The internal unit routes (`/api/internal/Production`), reached as `wats.production.units`:
 * look-ups by serial number alone, a unit's info, hierarchy, state history, phase, process and
 * contents, creating a unit, fitting and removing child units with the server's checks, and the
 * sites.
 *
 * These routes are undocumented and may change (spec §3.3); the public `wats.production` calls
 * cover the same ground where they can. What the internal ones add: `create` refuses a unit that
 * exists or a product that does not (the public save creates or updates); `fit` can check the
 * child against the parent revision's box-build template and the child's phase.
 *
 * @module
 */

import type { Transport } from "../http/transport.ts";
import type { Unit } from "../models/production.ts";
import { UnitSchema } from "../models/production.ts";
import {
  type ProductionSite,
  ProductionSiteListSchema,
  type UnitContents,
  UnitContentsSchema,
  type UnitInfo,
  UnitInfoSchema,
  type UnitPhaseState,
  UnitPhaseStateSchema,
  type UnitProcessState,
  UnitProcessStateSchema,
  type UnitStateChange,
  UnitStateHistorySchema,
} from "../models/production_units.ts";
import type { Schema } from "../models/report/schema.ts";
import { parseResponse } from "./_parse.ts";
import type { UnitRef } from "./production.ts";

/** A unit to create with {@linkcode ProductionUnits.create}. */
export interface NewUnit extends UnitRef {
  /** The revision; must exist on the product when given. */
  revision?: string;
  /** The batch. */
  batchNumber?: string;
  /** The phase, by id or name. Default: the server's (Unknown). */
  unitPhase?: number | string;
}

/** The checks {@linkcode ProductionUnits.fit} asks the server to make. */
export interface FitChecks {
  /** The child's part number must be in the parent revision's box-build template. */
  checkPartNumber?: boolean;
  /** With `checkPartNumber`, the child's revision must match too. */
  checkRevision?: boolean;
  /** A scrapped, missing or shipped child is refused. */
  checkPhase?: boolean;
  /** The language of the server's messages. Default `en-US`. */
  cultureCode?: string;
}

function requireRef(ref: UnitRef, operation: string): { serialNumber: string; partNumber: string } {
  const sn = ref?.serialNumber?.trim();
  const pn = ref?.partNumber?.trim();
  if (!sn) throw new TypeError(`${operation} needs a serial number`);
  if (!pn) throw new TypeError(`${operation} needs a part number`);
  return { serialNumber: sn, partNumber: pn };
}

/** The internal unit routes (see the module notes). */
export class ProductionUnits {
  #transport: Transport;

  /**
   * Creates the service on a transport.
   *
   * @param transport The HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  async #get<T>(
    route: string,
    query: Record<string, string | undefined>,
    schema: Schema<T>,
    operation: string,
  ): Promise<T | null> {
    const data = await this.#transport.send({
      method: "GET",
      path: `/api/internal/Production/${route}`,
      query,
      internal: true,
      operation,
    }, { allowEmpty: true });
    return data === null ? null : parseResponse(schema, data, operation);
  }

  async #post<T>(
    route: string,
    query: Record<string, string | number | boolean | undefined>,
    schema: Schema<T>,
    operation: string,
  ): Promise<T> {
    const data = await this.#transport.send({
      method: "POST",
      path: `/api/internal/Production/${route}`,
      query,
      internal: true,
      operation,
    });
    return parseResponse(schema, data, operation);
  }

  /**
   * The sites (locations) that units and reports name.
   *
   * @returns The sites, by name.
   */
  async sites(): Promise<ProductionSite[]> {
    return await this.#get("GetSites", {}, ProductionSiteListSchema, "production.units.sites") ??
      [];
  }

  /**
   * A unit found by its serial number, with the part number only where several products share it.
   *
   * @param serialNumber The serial number.
   * @param partNumber The part number, when the serial number alone is ambiguous.
   * @returns The unit, or `null` in lenient mode when there is none.
   * @throws {ValidationError} When several products have a unit of that serial number.
   */
  async find(serialNumber: string, partNumber?: string): Promise<Unit | null> {
    if (!serialNumber?.trim()) throw new TypeError("production.units.find needs a serial number");
    return await this.#get(
      "GetUnit",
      { serialNumber: serialNumber.trim(), partNumber },
      UnitSchema,
      "production.units.find",
    );
  }

  /**
   * A unit with its children and the names of its product and process.
   *
   * @param ref The unit.
   * @returns The info, or `null` in lenient mode when there is no such unit.
   */
  async info(ref: UnitRef): Promise<UnitInfo | null> {
    const operation = "production.units.info";
    return await this.#get("GetUnitInfo", requireRef(ref, operation), UnitInfoSchema, operation);
  }

  /**
   * A unit with its children, their children, and so on.
   *
   * @param ref The unit.
   * @returns The unit tree, or `null` in lenient mode when there is no such unit.
   */
  async hierarchy(ref: UnitRef): Promise<Unit | null> {
    const operation = "production.units.hierarchy";
    return await this.#get("GetUnitHierarchy", requireRef(ref, operation), UnitSchema, operation);
  }

  /**
   * Every change of a unit, oldest first (acknowledged ones included).
   *
   * @param ref The unit.
   * @returns The changes.
   */
  async stateHistory(ref: UnitRef): Promise<UnitStateChange[]> {
    const operation = "production.units.stateHistory";
    return await this.#get(
      "GetUnitStateHistory",
      requireRef(ref, operation),
      UnitStateHistorySchema,
      operation,
    ) ?? [];
  }

  /**
   * The phase a unit is in.
   *
   * @param ref The unit.
   * @returns The phase, or `null` in lenient mode when there is no such unit.
   */
  async phase(ref: UnitRef): Promise<UnitPhaseState | null> {
    const operation = "production.units.phase";
    return await this.#get(
      "GetUnitPhase",
      requireRef(ref, operation),
      UnitPhaseStateSchema,
      operation,
    );
  }

  /**
   * The process a unit is at.
   *
   * @param ref The unit.
   * @returns The process, or `null` in lenient mode when there is no such unit.
   */
  async process(ref: UnitRef): Promise<UnitProcessState | null> {
    const operation = "production.units.process";
    return await this.#get(
      "GetUnitProcess",
      requireRef(ref, operation),
      UnitProcessStateSchema,
      operation,
    );
  }

  /**
   * A unit's children against its revision's box-build template.
   *
   * @param ref The unit.
   * @param revision The revision the unit must be.
   * @returns The contents, or `null` in lenient mode when there is no such unit.
   */
  async contents(ref: UnitRef, revision?: string): Promise<UnitContents | null> {
    const operation = "production.units.contents";
    return await this.#get(
      "GetUnitContents",
      { ...requireRef(ref, operation), revision },
      UnitContentsSchema,
      operation,
    );
  }

  /**
   * Creates a unit of a known product; never updates one.
   *
   * @param unit The unit.
   * @returns The unit as created.
   * @throws {NotFoundError} When the product or revision does not exist.
   * @throws {ConflictError} When the unit exists already.
   */
  async create(unit: NewUnit): Promise<Unit> {
    const operation = "production.units.create";
    return await this.#post(
      "CreateUnit",
      {
        ...requireRef(unit, operation),
        revision: unit.revision,
        batchNumber: unit.batchNumber,
        unitPhase: unit.unitPhase,
      },
      UnitSchema,
      operation,
    );
  }

  /**
   * Fits a child unit into a parent, with the checks asked for.
   *
   * @param parent The parent unit.
   * @param child The child unit.
   * @param checks What the server checks first.
   * @returns The parent's contents after the change.
   * @throws {ValidationError} When a check fails or the child is the parent or one of its parents.
   * @throws {ConflictError} When the child is fitted in another unit.
   */
  async fit(parent: UnitRef, child: UnitRef, checks: FitChecks = {}): Promise<UnitContents> {
    const operation = "production.units.fit";
    const up = requireRef(parent, operation);
    const down = requireRef(child, operation);
    return await this.#post(
      "AddChildUnit",
      {
        ...up,
        childSerialNumber: down.serialNumber,
        childPartNumber: down.partNumber,
        checkPartNumber: checks.checkPartNumber ?? false,
        checkRevision: checks.checkRevision ?? false,
        cultureCode: checks.cultureCode ?? "en-US",
        checkPhase: checks.checkPhase ?? false,
      },
      UnitContentsSchema,
      operation,
    );
  }

  /**
   * Removes a child unit from its parent.
   *
   * @param parent The parent unit.
   * @param child The child unit.
   * @param cultureCode The language of the server's messages. Default `en-US`.
   * @returns The parent's contents after the change.
   */
  async remove(parent: UnitRef, child: UnitRef, cultureCode = "en-US"): Promise<UnitContents> {
    const operation = "production.units.remove";
    const down = requireRef(child, operation);
    return await this.#post(
      "RemoveChildUnit",
      {
        ...requireRef(parent, operation),
        childSerialNumber: down.serialNumber,
        childPartNumber: down.partNumber,
        cultureCode,
      },
      UnitContentsSchema,
      operation,
    );
  }

  /**
   * Removes every child unit from a parent.
   *
   * @param parent The parent unit.
   * @param cultureCode The language of the server's messages. Default `en-US`.
   * @returns How many children were removed.
   */
  async removeAll(parent: UnitRef, cultureCode = "en-US"): Promise<number> {
    const operation = "production.units.removeAll";
    const data = await this.#transport.send({
      method: "POST",
      path: "/api/internal/Production/RemoveAllChildUnits",
      query: { ...requireRef(parent, operation), cultureCode },
      internal: true,
      operation,
    }, { allowEmpty: true });
    return Number(data ?? 0);
  }

  /**
   * Checks a parent's children against its box-build template.
   *
   * @param parent The parent unit.
   * @param cultureCode The language of the server's messages. Default `en-US`.
   * @returns The contents, with `isComplete`, or `null` in lenient mode when there is no such unit.
   */
  async check(parent: UnitRef, cultureCode = "en-US"): Promise<UnitContents | null> {
    const operation = "production.units.check";
    const ref = requireRef(parent, operation);
    return await this.#get(
      "CheckChildUnits",
      {
        ParentSerialNumber: ref.serialNumber,
        ParentPartNumber: ref.partNumber,
        CultureCode: cultureCode,
      },
      UnitContentsSchema,
      operation,
    );
  }
}
