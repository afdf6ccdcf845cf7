/**
 * Manual inspection models (internal `/api/internal/ManualInspection`). The JSON of these routes is
 * PascalCase, and so are these models, so a definition read can be sent back unchanged.
 *
 * A definition's lifecycle: `Draft` (0) → `Pending` (1) → `Released` (2) → `Revoked` (3); a
 * pending definition may go back to draft. Releasing a definition revokes the earlier released
 * version of the same name. Only drafts are edited; a copy of any version is a new draft with the
 * next version number.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";

/**
 * Definition statuses.
 *
 * @category Manual inspection
 */
export const InspectionStatus: {
  readonly Draft: 0;
  readonly Pending: 1;
  readonly Released: 2;
  readonly Revoked: 3;
} = Object.freeze({ Draft: 0, Pending: 1, Released: 2, Revoked: 3 });

/**
 * `OnFailRequireRepair` settings.
 *
 * @category Manual inspection
 */
export const RepairRequirement: {
  readonly Disabled: 0;
  readonly Optional: 1;
  readonly Required: 2;
} = Object.freeze({ Disabled: 0, Optional: 1, Required: 2 });

/**
 * A manual test-sequence definition.
 *
 * @category Manual inspection
 */
export interface InspectionDefinition {
  /** Id (server-assigned). */
  TestSequenceDefinitionId?: string | null;
  /** Name. */
  Name: string;
  /** Version; copies count up. */
  Version?: number | null;
  /** Description. */
  Description?: string | null;
  /** See {@linkcode InspectionStatus}. */
  Status?: number | null;
  /** Virtual folder. */
  VirtualFolderId?: string | null;
  /** Repair process used when a unit fails. */
  RepairProcessId?: string | null;
  /** Available to every product. */
  IsGlobal?: boolean | null;
  /** Jump to cleanup when a step fails. */
  OnFailGotoCleanup?: boolean | null;
  /** Require submitting when a step fails. */
  OnFailRequireSubmit?: boolean | null;
  /** Repair on failure: see {@linkcode RepairRequirement}. */
  OnFailRequireRepair?: number | null;
  /** Record the operator. */
  LogOperator?: boolean | null;
  /** Record the description. */
  LogDescription?: boolean | null;
  /** Create an unsubmitted report when a step fails. */
  CreateUnsubmittedReportOnFailedStep?: boolean | null;
  /** Add child units. */
  AddChildUnits?: boolean | null;
  /** Copy the repair's misc info into the UUT. */
  IncludeUURMiscInfoInUUT?: boolean | null;
  /** Prefill misc info from the unit's previous report. */
  LoadPreviousMiscInfo?: boolean | null;
  /** Created (UTC). */
  Created?: string | null;
  /** Who created it. */
  CreatedBy?: string | null;
  /** Modified (UTC). */
  Modified?: string | null;
  /** Who modified it. */
  ModifiedBy?: string | null;
  /** Released (UTC). */
  Released?: string | null;
  /** Who released it. */
  ReleasedBy?: string | null;
  /** Revoked (UTC). */
  Revoked?: string | null;
  /** Who revoked it. */
  RevokedBy?: string | null;
  /** Site it was created at. */
  CreatedBySite?: string | null;
  /** Its relations. */
  Relations?: InspectionRelation[] | null;
  /** Reports run with it. */
  InstancesCount?: number | null;
  /** The workflow (XAML). */
  XAML?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A change to a definition: its id and only the fields that change (as pyWATS sends it to
 * `PutDefinitionNew`).
 *
 * @category Manual inspection
 */
export type InspectionDefinitionChange =
  & { /** The definition to change. */ TestSequenceDefinitionId: string }
  & Partial<Omit<InspectionDefinition, "TestSequenceDefinitionId">>;

/**
 * What a definition applies to: a product, a process …
 *
 * @category Manual inspection
 */
export interface InspectionRelation {
  /** Id (server-assigned). */
  RelationId?: string | null;
  /** The definition. */
  TestSequenceDefinitionId: string;
  /** Kind of entity, e.g. `Product` or `Process`. */
  EntitySchema: string;
  /** The entity's name, e.g. a part number. */
  EntityName: string;
  /** A key narrowing the entity, e.g. `Revision`. */
  EntityKey?: string | null;
  /** The key's value. */
  EntityValue?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A sequence (a group of manual steps) of a definition.
 *
 * @category Manual inspection
 */
export interface InspectionSequence {
  /** Id (server-assigned). */
  SequenceId?: string | null;
  /** The definition. */
  TestSequenceDefinitionId: string;
  /** Name. */
  Name: string;
  /** Description. */
  Description?: string | null;
  /** Position among the definition's sequences. */
  SortOrder?: number | null;
  /** Keys the server sent beyond these (steps, settings). */
  [key: string]: unknown;
}

/**
 * A relation that clashes with one of another definition.
 *
 * @category Manual inspection
 */
export interface RelationConflict {
  /** The relation of the asked definition. */
  Relation?: InspectionRelation | null;
  /** The other definition. */
  ConflictingDefinitionId?: string | null;
  /** Its name. */
  ConflictingDefinitionName?: string | null;
  /** Its version. */
  ConflictingDefinitionVersion?: number | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const relation: z.ZodType<InspectionRelation> = z.looseObject({
  RelationId: z.string().nullish(),
  TestSequenceDefinitionId: z.string(),
  EntitySchema: z.string().trim().min(1, "EntitySchema must not be blank"),
  EntityName: z.string().trim().min(1, "EntityName must not be blank"),
  EntityKey: z.string().nullish(),
  EntityValue: z.string().nullish(),
});

const flag = z.boolean().nullish();
const text = z.string().nullish();

const definitionShape = z.looseObject({
  TestSequenceDefinitionId: text,
  Name: z.string().trim().min(1, "Name must not be blank"),
  Version: z.number().int().nullish(),
  Description: text,
  Status: z.number().int().min(0).max(3).nullish(),
  VirtualFolderId: text,
  RepairProcessId: text,
  IsGlobal: flag,
  OnFailGotoCleanup: flag,
  OnFailRequireSubmit: flag,
  OnFailRequireRepair: z.number().int().min(0).max(2).nullish(),
  LogOperator: flag,
  LogDescription: flag,
  CreateUnsubmittedReportOnFailedStep: flag,
  AddChildUnits: flag,
  IncludeUURMiscInfoInUUT: flag,
  LoadPreviousMiscInfo: flag,
  Created: text,
  CreatedBy: text,
  Modified: text,
  ModifiedBy: text,
  Released: text,
  ReleasedBy: text,
  Revoked: text,
  RevokedBy: text,
  CreatedBySite: text,
  Relations: z.array(relation).nullish(),
  InstancesCount: z.number().int().nullish(),
  XAML: text,
});
const definition: z.ZodType<InspectionDefinition> = definitionShape;
const definitionChange: z.ZodType<InspectionDefinitionChange> = definitionShape.partial().extend({
  TestSequenceDefinitionId: z.string().trim().min(1, "TestSequenceDefinitionId is required"),
});

const sequence: z.ZodType<InspectionSequence> = z.looseObject({
  SequenceId: text,
  TestSequenceDefinitionId: z.string(),
  Name: z.string().trim().min(1, "Name must not be blank"),
  Description: text,
  SortOrder: z.number().int().nullish(),
});

const conflict: z.ZodType<RelationConflict> = z.looseObject({
  Relation: relation.nullish(),
  ConflictingDefinitionId: text,
  ConflictingDefinitionName: text,
  ConflictingDefinitionVersion: z.number().int().nullish(),
});

/**
 * Validates an {@linkcode InspectionDefinition}.
 *
 * @category Manual inspection
 */
export const InspectionDefinitionSchema: Schema<InspectionDefinition> = definition;
/** Validates an {@linkcode InspectionDefinitionChange}: the id and any fields, none required. */
export const InspectionDefinitionChangeSchema: Schema<InspectionDefinitionChange> =
  definitionChange;
/**
 * Validates a list of {@linkcode InspectionDefinition}s.
 *
 * @category Manual inspection
 */
export const InspectionDefinitionListSchema: Schema<InspectionDefinition[]> = z.array(definition);
/**
 * Validates an {@linkcode InspectionRelation}.
 *
 * @category Manual inspection
 */
export const InspectionRelationSchema: Schema<InspectionRelation> = relation;
/**
 * Validates a list of {@linkcode InspectionRelation}s.
 *
 * @category Manual inspection
 */
export const InspectionRelationListSchema: Schema<InspectionRelation[]> = z.array(relation);
/**
 * Validates an {@linkcode InspectionSequence}.
 *
 * @category Manual inspection
 */
export const InspectionSequenceSchema: Schema<InspectionSequence> = sequence;
/**
 * Validates a list of {@linkcode InspectionSequence}s.
 *
 * @category Manual inspection
 */
export const InspectionSequenceListSchema: Schema<InspectionSequence[]> = z.array(sequence);
/**
 * Validates a list of {@linkcode RelationConflict}s.
 *
 * @category Manual inspection
 */
export const RelationConflictListSchema: Schema<RelationConflict[]> = z.array(conflict);

/** A definition with what a station needs to run it (internal `GetMiDetailsNew/{id}`). */
export interface InspectionDetails extends InspectionDefinition {
  /** Its sequences, in order. */
  Sequences?: InspectionSequence[] | null;
}

/** A misc info to check with `ValidateMiscInfo`. */
export interface MiscInfoEntry {
  /** The description: 1–100 characters, unique in the list. */
  Description: string;
  /** The value: at most 100 characters. */
  Text?: string | null;
}

/** The answer of `ValidateMiscInfo`. */
export interface MiscInfoValidation {
  /** Every entry passed. */
  IsValid: boolean;
  /** What is wrong, by the entry's index in the list. */
  Errors: { Index: number; Message: string }[];
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/** A string test judged by `PutStringTest`. */
export interface StringTestResult {
  /** The value tested. */
  Value: string;
  /** The limit; `null` with `LOG`. */
  Limit?: string | null;
  /** The operator: `LOG`, `EQ`, `NE`, `CASESENSIT` or `IGNORECASE`. */
  CompOp: string;
  /** `P` (passed) or `F` (failed). */
  Status: string;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/** Validates an {@linkcode InspectionDetails}. */
export const InspectionDetailsSchema: Schema<InspectionDetails> = definitionShape.extend({
  Sequences: z.array(sequence).nullish(),
});
/** Validates a {@linkcode MiscInfoValidation}. */
export const MiscInfoValidationSchema: Schema<MiscInfoValidation> = z.looseObject({
  IsValid: z.boolean(),
  Errors: z.array(z.object({ Index: z.number().int(), Message: z.string() })),
});
/** Validates a {@linkcode StringTestResult}. */
export const StringTestResultSchema: Schema<StringTestResult> = z.looseObject({
  Value: z.string(),
  Limit: z.string().nullish(),
  CompOp: z.string(),
  Status: z.string(),
});
