/**
 * Manual inspection (internal `/api/internal/ManualInspection`, PascalCase JSON): test-sequence
 * definitions with their lifecycle, relations to products and processes, sequences, workflow.
 *
 * Status changes are saves of the whole definition with a new `Status`
 * (`PUT …/PutDefinitionNew`), so they read the definition first. The server enforces the
 * lifecycle (see {@linkcode InspectionStatus}); releasing revokes the earlier release of the same
 * name. Every route is internal: the `Referer` header goes with each request.
 *
 * @module
 */

import { NotFoundError, UnexpectedResponseError } from "../http/errors.ts";
import type { ErrorMode, Found, QueryValue, Transport } from "../http/transport.ts";
import {
  type InspectionDefinition,
  type InspectionDefinitionChange,
  InspectionDefinitionChangeSchema,
  InspectionDefinitionListSchema,
  InspectionDefinitionSchema,
  type InspectionRelation,
  InspectionRelationListSchema,
  InspectionRelationSchema,
  type InspectionSequence,
  InspectionSequenceListSchema,
  InspectionSequenceSchema,
  InspectionStatus,
  type RelationConflict,
  RelationConflictListSchema,
} from "../models/manual_inspection.ts";
import type { Schema } from "../models/report/schema.ts";
import { checkInput, isSuccess, requireText, withDefaults } from "./_input.ts";
import { InspectionRuntime } from "./manual_inspection_runtime.ts";
import { parseResponse } from "./_parse.ts";

const BASE = "/api/internal/ManualInspection";

/** The defaults a new inspection definition is sent with when it leaves a flag out. */
const DEFINITION_DEFAULTS: Readonly<Partial<InspectionDefinition>> = Object.freeze({
  IsGlobal: false,
  OnFailGotoCleanup: false,
  OnFailRequireSubmit: false,
  OnFailRequireRepair: 0,
  AddChildUnits: false,
  LogOperator: true,
});

/**
 * Manual inspection definitions, reached as `wats.manualInspection`.
 *
 * @typeParam M The client's error mode: look-ups return `T` in strict mode, `T | null` otherwise.
 *
 * @example Create, relate and release a definition
 * ```ts
 * import assert from "node:assert/strict";
 * import { Wats } from "@wats/toolkit";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * const mi = wats.manualInspection;
 * const def = await mi.createDefinition({ Name: "Visual check", OnFailRequireRepair: 1 });
 * const id = def.TestSequenceDefinitionId!;
 * await mi.createRelation({
 *   TestSequenceDefinitionId: id,
 *   EntitySchema: "Product",
 *   EntityName: "PCB-1",
 * });
 * await mi.moveToPending(id);
 * await mi.release(id);
 * assert.deepEqual((await mi.relations(id)).map((r) => r.EntityName), ["PCB-1"]);
 * ```
 *
 * @category Manual inspection
 */
export class ManualInspectionService<M extends ErrorMode = ErrorMode> {
  #transport: Transport;
  /** The station-side calls: details, workflow, misc-info checks, string tests. */
  readonly runtime: InspectionRuntime;

  /**
   * Creates the service on a transport.
   *
   * @param transport The HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
    this.runtime = new InspectionRuntime(transport);
  }

  async #call<T>(
    method: "GET" | "POST" | "PUT" | "DELETE",
    route: string,
    schema: Schema<T> | null,
    options: {
      query?: Record<string, QueryValue>;
      params?: Record<string, string>;
      json?: unknown;
      allowEmpty?: boolean;
      operation: string;
    },
  ): Promise<T | null> {
    const data = await this.#transport.send({
      method,
      path: `${BASE}/${route}`,
      query: options.query,
      params: options.params,
      json: options.json,
      internal: true,
      operation: options.operation,
    }, { allowEmpty: options.allowEmpty ?? true });
    if (schema === null || data === null) return data as T | null;
    return parseResponse(schema, data, options.operation);
  }

  /**
   * The definitions.
   *
   * @param global Only global (`true`) or only product-bound (`false`) ones; all when absent.
   * @returns The definitions.
   */
  async definitions(global?: boolean): Promise<InspectionDefinition[]> {
    return await this.#call("GET", "GetTestSequenceDefinitions", InspectionDefinitionListSchema, {
      query: { isGlobalDefinitions: global },
      operation: "manualInspection.definitions",
    }) ?? [];
  }

  /**
   * One definition.
   *
   * @param definitionId The definition id.
   * @returns The definition, or `null` in lenient mode when there is none.
   * @throws {NotFoundError} In strict mode when there is none.
   */
  definition(definitionId: string): Promise<Found<InspectionDefinition, M>> {
    const operation = "manualInspection.definition";
    return this.#call("GET", "GetTestSequenceDefinition", InspectionDefinitionSchema, {
      query: { definitionId: requireText(definitionId, "a definition id", operation) },
      allowEmpty: false,
      operation,
    }) as Promise<Found<InspectionDefinition, M>>;
  }

  /**
   * Copies a definition into a new draft with the next version.
   *
   * @param definitionId The definition to copy.
   * @returns The new draft.
   */
  async copyDefinition(definitionId: string): Promise<InspectionDefinition> {
    const operation = "manualInspection.copyDefinition";
    const copy = await this.#call("GET", "GetDefinitionCopy/{id}", InspectionDefinitionSchema, {
      params: { id: requireText(definitionId, "a definition id", operation) },
      allowEmpty: false,
      operation,
    });
    return copy ?? notFound(operation, definitionId);
  }

  /**
   * How many inspections were run with a definition.
   *
   * @param definitionId The definition id.
   * @returns The count.
   */
  async instancesCount(definitionId: string): Promise<number> {
    const operation = "manualInspection.instancesCount";
    const data = await this.#call<unknown>("GET", "GetInstancesCount/{id}", null, {
      params: { id: requireText(definitionId, "a definition id", operation) },
      operation,
    });
    const count = Number(data ?? 0);
    if (!Number.isInteger(count)) {
      throw new TypeError(`${operation} failed: the server answered ${JSON.stringify(data)}`);
    }
    return count;
  }

  /**
   * Creates a definition (as a draft). The flags it leaves out are sent with their documented
   * defaults (`IsGlobal`, `OnFailGotoCleanup`, `OnFailRequireSubmit`, `AddChildUnits` false,
   * `OnFailRequireRepair` 0, `LogOperator` true), as pyWATS sends them.
   *
   * @param definition The definition; `Name` is required.
   * @returns The created definition, with its id.
   * @throws {TypeError} When the definition does not fit the model; nothing is sent.
   */
  async createDefinition(definition: InspectionDefinition): Promise<InspectionDefinition> {
    const operation = "manualInspection.createDefinition";
    const body = checkInput(InspectionDefinitionSchema, definition, operation);
    const created = await this.#call("POST", "PostDefinition", InspectionDefinitionSchema, {
      json: withDefaults(body, DEFINITION_DEFAULTS),
      allowEmpty: false,
      operation,
    });
    return created ?? nothing(operation);
  }

  /**
   * Changes a definition: sends its id and only the fields given, as pyWATS does; the server
   * keeps every other field. Field edits need a draft; a `Status` moves it through its lifecycle.
   *
   * @param change The definition's `TestSequenceDefinitionId` and the fields that change (a
   * whole definition, as {@linkcode ManualInspectionService.definition} answers it, works too).
   * @returns The saved definition.
   * @throws {TypeError} When the change has no id or a field does not fit; nothing is sent.
   */
  async updateDefinition(
    change: InspectionDefinitionChange | InspectionDefinition,
  ): Promise<InspectionDefinition> {
    const operation = "manualInspection.updateDefinition";
    const body = checkInput(InspectionDefinitionChangeSchema, change, operation);
    const saved = await this.#call("PUT", "PutDefinitionNew", InspectionDefinitionSchema, {
      json: body,
      allowEmpty: false,
      operation,
    });
    return saved ?? nothing(operation);
  }

  #setStatus(definitionId: string, status: number, operation: string) {
    const id = requireText(definitionId, "a definition id", operation);
    return this.updateDefinition({ TestSequenceDefinitionId: id, Status: status });
  }

  /**
   * Draft → Pending.
   *
   * @param definitionId The definition id.
   * @returns The saved definition.
   */
  moveToPending(definitionId: string): Promise<InspectionDefinition> {
    return this.#setStatus(
      definitionId,
      InspectionStatus.Pending,
      "manualInspection.moveToPending",
    );
  }

  /**
   * Pending → Draft.
   *
   * @param definitionId The definition id.
   * @returns The saved definition.
   */
  moveToDraft(definitionId: string): Promise<InspectionDefinition> {
    return this.#setStatus(definitionId, InspectionStatus.Draft, "manualInspection.moveToDraft");
  }

  /**
   * Pending → Released; the earlier release of the same name is revoked.
   *
   * @param definitionId The definition id.
   * @returns The saved definition.
   */
  release(definitionId: string): Promise<InspectionDefinition> {
    return this.#setStatus(definitionId, InspectionStatus.Released, "manualInspection.release");
  }

  /**
   * Released → Revoked.
   *
   * @param definitionId The definition id.
   * @returns The saved definition.
   */
  revoke(definitionId: string): Promise<InspectionDefinition> {
    return this.#setStatus(definitionId, InspectionStatus.Revoked, "manualInspection.revoke");
  }

  /**
   * The relations of a definition.
   *
   * @param definitionId The definition id.
   * @returns The relations.
   */
  async relations(definitionId: string): Promise<InspectionRelation[]> {
    const operation = "manualInspection.relations";
    return await this.#call("GET", "GetRelations/{id}", InspectionRelationListSchema, {
      params: { id: requireText(definitionId, "a definition id", operation) },
      operation,
    }) ?? [];
  }

  /**
   * Relations of a definition that other live definitions also have.
   *
   * @param definitionId The definition id.
   * @returns The conflicts.
   */
  async relationConflicts(definitionId: string): Promise<RelationConflict[]> {
    const operation = "manualInspection.relationConflicts";
    return await this.#call("GET", "GetRelationConflictsNew/{id}", RelationConflictListSchema, {
      params: { id: requireText(definitionId, "a definition id", operation) },
      operation,
    }) ?? [];
  }

  /**
   * Relates a definition to an entity (a product, a process …).
   *
   * @param relation The relation.
   * @returns The saved relation, with its id.
   */
  async createRelation(relation: InspectionRelation): Promise<InspectionRelation> {
    const operation = "manualInspection.createRelation";
    const body = checkInput(InspectionRelationSchema, relation, operation);
    const saved = await this.#call("POST", "PostRelation", InspectionRelationSchema, {
      json: body,
      allowEmpty: false,
      operation,
    });
    return saved ?? nothing(operation);
  }

  /**
   * Saves a changed relation.
   *
   * @param relation The relation, with its `RelationId`.
   * @returns The saved relation.
   */
  async updateRelation(relation: InspectionRelation): Promise<InspectionRelation> {
    const operation = "manualInspection.updateRelation";
    const body = checkInput(InspectionRelationSchema, relation, operation);
    requireText(body.RelationId, "the RelationId", operation);
    const saved = await this.#call("PUT", "PutRelation", InspectionRelationSchema, {
      json: body,
      allowEmpty: false,
      operation,
    });
    return saved ?? nothing(operation);
  }

  /**
   * Removes a relation.
   *
   * @param relation The relation (its `RelationId`, or its definition and entity).
   * @returns Whether the server removed it.
   */
  async deleteRelation(relation: InspectionRelation): Promise<boolean> {
    const operation = "manualInspection.deleteRelation";
    const body = checkInput(InspectionRelationSchema, relation, operation);
    return isSuccess(
      await this.#call<unknown>("PUT", "DeleteRelationNew", null, { json: body, operation }),
    );
  }

  /**
   * Sequences, of one definition or of all.
   *
   * @param definitionId The definition id; all sequences when absent.
   * @returns The sequences, in `SortOrder`.
   */
  async sequences(definitionId?: string): Promise<InspectionSequence[]> {
    return await this.#call("GET", "GetSequences", InspectionSequenceListSchema, {
      query: { definitionId },
      operation: "manualInspection.sequences",
    }) ?? [];
  }

  /**
   * Creates or saves a sequence.
   *
   * @param sequence The sequence; without `SequenceId` a new one is made.
   * @returns The saved sequence.
   */
  async saveSequence(sequence: InspectionSequence): Promise<InspectionSequence> {
    const operation = "manualInspection.saveSequence";
    const body = checkInput(InspectionSequenceSchema, sequence, operation);
    const saved = await this.#call("PUT", "PutSequence", InspectionSequenceSchema, {
      json: body,
      allowEmpty: false,
      operation,
    });
    return saved ?? nothing(operation);
  }

  /**
   * Deletes a sequence.
   *
   * @param sequenceId The sequence id.
   * @returns Whether the server deleted it.
   */
  async deleteSequence(sequenceId: string): Promise<boolean> {
    const operation = "manualInspection.deleteSequence";
    return isSuccess(
      await this.#call<unknown>("DELETE", "DeleteSequence/{id}", null, {
        params: { id: requireText(sequenceId, "a sequence id", operation) },
        operation,
      }),
    );
  }

  /**
   * The workflow (XAML) of a definition.
   *
   * @param definitionId The definition id.
   * @returns The XAML, or `null` when it has none.
   */
  async xaml(definitionId: string): Promise<string | null> {
    const operation = "manualInspection.xaml";
    const data = await this.#call<unknown>("GET", "GetTestSequenceDefinitionXaml", null, {
      query: { definitionId: requireText(definitionId, "a definition id", operation) },
      operation,
    });
    return typeof data === "string" ? data : null;
  }

  /**
   * Saves the workflow (XAML) of a draft definition.
   *
   * @param definitionId The definition id.
   * @param xaml The XAML.
   * @returns Whether the server saved it.
   */
  async setXaml(definitionId: string, xaml: string): Promise<boolean> {
    const operation = "manualInspection.setXaml";
    return isSuccess(
      await this.#call<unknown>("PUT", "PutTestSequenceDefinitionXaml", null, {
        json: {
          TestSequenceDefinitionId: requireText(definitionId, "a definition id", operation),
          XAML: xaml,
        },
        operation,
      }),
    );
  }
}

function nothing(operation: string): never {
  throw new UnexpectedResponseError(`${operation} failed: the server answered nothing`, {
    operation,
  });
}

function notFound(operation: string, id: string): never {
  throw new NotFoundError(`${operation} failed: definition ${id} was not found`, {
    operation,
    status: 404,
  });
}
