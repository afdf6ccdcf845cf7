/**
 * The manual-inspection calls a station running an inspection makes (internal
 * `/api/internal/ManualInspection` routes), reached as `wats.manualInspection.runtime`: a
 * definition's details and workflow file, checking misc infos, judging a string test.
 *
 * These routes are undocumented and may change; the WATS API spec gives only their names. The
 * spec calls the id of `GetMiDetailsNew/{id}` a unit id; the emulator answers it for a test
 * sequence definition's id (see its module notes).
 *
 * @module
 */

import type { Transport } from "../http/transport.ts";
import {
  type InspectionDetails,
  InspectionDetailsSchema,
  type MiscInfoEntry,
  type MiscInfoValidation,
  MiscInfoValidationSchema,
  type StringTestResult,
  StringTestResultSchema,
} from "../models/manual_inspection.ts";
import type { StringCompOp } from "../models/report/comp_op.ts";
import type { Schema } from "../models/report/schema.ts";
import { requireText } from "./_input.ts";
import { parseResponse } from "./_parse.ts";

const BASE = "/api/internal/ManualInspection";

/** A string test for {@linkcode InspectionRuntime.stringTest}. */
export interface StringTest {
  /** The value read. */
  value: string;
  /** The limit; needed by every operator but `LOG`. */
  limit?: string;
  /** The operator. Default `LOG`. */
  compOp?: StringCompOp;
}

/**
 * The station-side manual-inspection calls (see the module notes).
 *
 * @example Check what an operator typed before submitting
 * ```ts ignore
 * import { Wats } from "@wats/toolkit";
 * const wats = Wats.fromEnv();
 * const check = await wats.manualInspection.runtime.validateMiscInfo([
 *   { Description: "Fixture", Text: "F-12" },
 * ]);
 * if (!check.IsValid) console.log(check.Errors);
 * ```
 */
export class InspectionRuntime {
  #transport: Transport;

  /**
   * Creates the service on a transport.
   *
   * @param transport The HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  async #get<T>(route: string, id: string, schema: Schema<T>, operation: string): Promise<T> {
    const data = await this.#transport.send({
      method: "GET",
      path: `${BASE}/${route}/{id}`,
      params: { id: requireText(id, "a definition id", operation) },
      internal: true,
      operation,
    });
    return parseResponse(schema, data, operation);
  }

  async #put<T>(route: string, json: unknown, schema: Schema<T>, operation: string): Promise<T> {
    const data = await this.#transport.send({
      method: "PUT",
      path: `${BASE}/${route}`,
      json,
      idempotent: true,
      internal: true,
      operation,
    });
    return parseResponse(schema, data, operation);
  }

  /**
   * A definition with its relations, instance count and sequences.
   *
   * @param id The definition id.
   * @returns The details.
   * @throws {NotFoundError} When there is no such definition.
   */
  details(id: string): Promise<InspectionDetails> {
    return this.#get(
      "GetMiDetailsNew",
      id,
      InspectionDetailsSchema,
      "manualInspection.runtime.details",
    );
  }

  /**
   * {@linkcode InspectionRuntime.details} through the older route, for servers before it.
   *
   * @param id The definition id.
   * @returns The details.
   */
  legacyDetails(id: string): Promise<InspectionDetails> {
    return this.#get(
      "GetMiDetails",
      id,
      InspectionDetailsSchema,
      "manualInspection.runtime.legacyDetails",
    );
  }

  /**
   * The definition's workflow file (its XAML).
   *
   * @param id The definition id.
   * @returns The XAML text.
   * @throws {NotFoundError} When there is no such definition or it has no workflow.
   */
  async workflow(id: string): Promise<string> {
    const operation = "manualInspection.runtime.workflow";
    const bytes = await this.#transport.send<Uint8Array>({
      method: "GET",
      path: `${BASE}/GetWatswwfContent/{id}`,
      params: { id: requireText(id, "a definition id", operation) },
      responseType: "bytes",
      internal: true,
      operation,
    });
    return new TextDecoder().decode(bytes ?? new Uint8Array());
  }

  /**
   * Checks misc infos against the report rules (description 1–100 characters and unique, text
   * at most 100).
   *
   * @param infos The misc infos.
   * @returns Whether all passed, and what is wrong by index.
   */
  validateMiscInfo(infos: readonly MiscInfoEntry[]): Promise<MiscInfoValidation> {
    if (!Array.isArray(infos)) {
      throw new TypeError("manualInspection.runtime.validateMiscInfo needs a list of misc infos");
    }
    return this.#put(
      "ValidateMiscInfo",
      infos.map((i) => ({ Description: i.Description, Text: i.Text ?? null })),
      MiscInfoValidationSchema,
      "manualInspection.runtime.validateMiscInfo",
    );
  }

  /**
   * Judges a string test as a report's string step is judged.
   *
   * @param test The value, limit and operator.
   * @returns The test with its status, `P` or `F`.
   * @throws {ValidationError} When the operator is not a string-step one or the limit is missing.
   */
  stringTest(test: StringTest): Promise<StringTestResult> {
    const operation = "manualInspection.runtime.stringTest";
    if (typeof test?.value !== "string") throw new TypeError(`${operation} needs a value`);
    return this.#put(
      "PutStringTest",
      {
        Value: test.value,
        Limit: test.limit ?? null,
        CompOp: test.compOp ?? "LOG",
      },
      StringTestResultSchema,
      operation,
    );
  }
}
