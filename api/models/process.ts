/**
 * Process models beyond the public list ({@linkcode ProcessInfo} in `app.ts`): the detailed rows
 * and the repair-operation configurations of the internal `/api/internal/Process` routes
 * (PascalCase JSON), and the flattened fail code.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";
import type { ProcessInfo } from "./app.ts";

/**
 * A process with its id and properties (internal `GetProcesses`, PascalCase).
 *
 * @category Processes
 */
export interface ProcessDetail {
  /** The process code. */
  Code: number;
  /** The name. */
  Name?: string | null;
  /** A description. */
  Description?: string | null;
  /** The process's id (a GUID). */
  ProcessID?: string | null;
  /** The position in the flow. */
  ProcessIndex?: number | null;
  /** 1 active, 0 inactive. */
  State?: number | null;
  /** Free properties text. */
  Properties?: string | null;
  /** A test operation. */
  IsTestOperation?: boolean | null;
  /** A repair operation. */
  IsRepairOperation?: boolean | null;
  /** A work-in-progress operation. */
  IsWIPOperation?: boolean | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A fail-code category or a fail code of a repair operation (the same shape, nested).
 *
 * @category Processes
 */
export interface RepairCategory {
  /** The id. */
  GUID?: string | null;
  /** The text; for a fail code it is the code itself. */
  Description?: string | null;
  /** The operator may pick it. */
  Selectable?: boolean | null;
  /** Sort order. */
  SortOrder?: number | null;
  /** The kind of failure. */
  FailureType?: number | null;
  /** Whether an image is required: WATS answers it as text, older servers as a number. */
  ImageConstraint?: string | number | null;
  /** Status. */
  Status?: number | null;
  /** The fail codes (or sub-categories) under it. */
  Failcodes?: RepairCategory[] | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * The configuration of one repair operation (internal `GetRepairOperations`, PascalCase).
 *
 * @category Processes
 */
export interface RepairOperationConfig {
  /** A description. */
  Description?: string | null;
  /** Whether a UUT report is required (1 by default). */
  UUTRequired?: number | null;
  /** The mask component references must match. */
  CompRefMask?: string | null;
  /** What the mask means. */
  CompRefMaskDescription?: string | null;
  /** The BOM constraint: WATS answers it as text, older servers as a number. */
  BomConstraint?: string | number | null;
  /** Whether a BOM is required (1 by default). */
  BOMRequired?: number | null;
  /** Whether a vendor is required (2 by default). */
  VendorRequired?: number | null;
  /** The fail-code categories. */
  Categories?: RepairCategory[] | null;
  /** Misc-info definitions. */
  MiscInfos?: unknown;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A fail code flattened out of a repair operation's categories.
 *
 * @category Processes
 */
export interface FailCode {
  /** The top-level category's description. */
  category: string | null;
  /** The fail code (its description). */
  code: string | null;
  /** The fail code's description (the same text as `code`). */
  description: string | null;
  /** The fail code's id. */
  guid: string | null;
  /** The category's id. */
  categoryGuid: string | null;
  /** The operator may pick it. */
  selectable: boolean;
}

const detail: z.ZodType<ProcessDetail> = z.looseObject({
  Code: z.number().int(),
  Name: z.string().nullish(),
  Description: z.string().nullish(),
  ProcessID: z.string().nullish(),
  ProcessIndex: z.number().int().nullish(),
  State: z.number().int().nullish(),
  Properties: z.string().nullish(),
  IsTestOperation: z.boolean().nullish(),
  IsRepairOperation: z.boolean().nullish(),
  IsWIPOperation: z.boolean().nullish(),
});

const category: z.ZodType<RepairCategory> = z.looseObject({
  GUID: z.string().nullish(),
  Description: z.string().nullish(),
  Selectable: z.boolean().nullish(),
  SortOrder: z.number().nullish(),
  FailureType: z.number().nullish(),
  ImageConstraint: z.union([z.string(), z.number()]).nullish(),
  Status: z.number().nullish(),
  get Failcodes() {
    return z.array(category).nullish();
  },
});

const repairConfig: z.ZodType<RepairOperationConfig> = z.looseObject({
  Description: z.string().nullish(),
  UUTRequired: z.number().nullish(),
  CompRefMask: z.string().nullish(),
  CompRefMaskDescription: z.string().nullish(),
  BomConstraint: z.union([z.string(), z.number()]).nullish(),
  BOMRequired: z.number().nullish(),
  VendorRequired: z.number().nullish(),
  Categories: z.array(category).nullish(),
  MiscInfos: z.unknown().optional(),
});

/**
 * Validates a {@linkcode ProcessDetail}.
 *
 * @category Processes
 */
export const ProcessDetailSchema: Schema<ProcessDetail> = detail;
/**
 * Validates a list of {@linkcode ProcessDetail} rows.
 *
 * @category Processes
 */
export const ProcessDetailListSchema: Schema<ProcessDetail[]> = z.array(detail);
/**
 * Validates a {@linkcode RepairOperationConfig}.
 *
 * @category Processes
 */
export const RepairOperationConfigSchema: Schema<RepairOperationConfig> = repairConfig;
/**
 * Validates the repair-operation configurations, keyed by process code.
 *
 * @category Processes
 */
export const RepairOperationConfigMapSchema: Schema<Record<string, RepairOperationConfig>> = z
  .record(z.string(), repairConfig);

/**
 * Flattens a repair operation's categories into fail codes: every entry under a category's
 * `Failcodes`, at any depth, is a fail code of that (top-level) category.
 *
 * @param config The repair operation's configuration.
 * @returns The fail codes, in the server's order.
 *
 * @example One category with one code
 * ```ts
 * import assert from "node:assert/strict";
 * import { flattenFailCodes } from "@wats/toolkit/models";
 *
 * const codes = flattenFailCodes({
 *   Categories: [{
 *     GUID: "c1",
 *     Description: "Solder",
 *     Failcodes: [{ GUID: "f1", Description: "Bridge" }],
 *   }],
 * });
 * assert.deepEqual(codes, [{
 *   category: "Solder",
 *   code: "Bridge",
 *   description: "Bridge",
 *   guid: "f1",
 *   categoryGuid: "c1",
 *   selectable: true,
 * }]);
 * ```
 *
 * @category Processes
 */
export function flattenFailCodes(config: RepairOperationConfig): FailCode[] {
  const out: FailCode[] = [];
  function walk(top: RepairCategory, codes: readonly RepairCategory[] | null | undefined): void {
    for (const code of codes ?? []) {
      out.push({
        category: top.Description ?? null,
        code: code.Description ?? null,
        description: code.Description ?? null,
        guid: code.GUID ?? null,
        categoryGuid: top.GUID ?? null,
        selectable: code.Selectable !== false,
      });
      walk(top, code.Failcodes);
    }
  }
  for (const top of config.Categories ?? []) walk(top, top.Failcodes);
  return out;
}

/**
 * The process's kind in one word.
 *
 * @param process A process from the public list.
 * @returns `test`, `repair`, `wip`, or `other` when no flag is set.
 *
 * @example A repair operation
 * ```ts
 * import assert from "node:assert/strict";
 * import { processKind } from "@wats/toolkit/models";
 *
 * const kind = processKind({
 *   code: 500,
 *   isTestOperation: false,
 *   isRepairOperation: true,
 *   isWipOperation: false,
 * });
 * assert.equal(kind, "repair");
 * ```
 *
 * @category Processes
 */
export function processKind(process: ProcessInfo): "test" | "repair" | "wip" | "other" {
  if (process.isTestOperation) return "test";
  if (process.isRepairOperation) return "repair";
  if (process.isWipOperation) return "wip";
  return "other";
}
