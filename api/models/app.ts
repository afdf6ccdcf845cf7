/**
 * Server metadata models: processes, levels and product groups (`/api/App`).
 *
 * Unknown keys the server adds are kept.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";

/**
 * A process (test, repair or WIP operation) as `GET /api/App/Processes` answers it.
 *
 * @category App
 */
export interface ProcessInfo {
  /** The process code, e.g. 100 for a test operation, 500 for repair. */
  code: number;
  /** The process name. */
  name?: string | null;
  /** A description. */
  description?: string | null;
  /** A test operation. */
  isTestOperation: boolean;
  /** A repair operation. */
  isRepairOperation: boolean;
  /** A work-in-progress operation. */
  isWipOperation: boolean;
  /** Sort order. */
  processIndex?: number | null;
  /** State (active or not). */
  state?: number | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const processInfo: z.ZodType<ProcessInfo> = z.looseObject({
  code: z.number().int(),
  name: z.string().nullish(),
  description: z.string().nullish(),
  isTestOperation: z.boolean().default(false),
  isRepairOperation: z.boolean().default(false),
  isWipOperation: z.boolean().default(false),
  processIndex: z.number().int().nullish(),
  state: z.number().int().nullish(),
});

/**
 * Validates a {@linkcode ProcessInfo}.
 *
 * @category App
 */
export const ProcessInfoSchema: Schema<ProcessInfo> = processInfo;

/**
 * A production level as `GET /api/App/Levels` answers it.
 *
 * @category App
 */
export interface Level {
  /** The level id. */
  levelId: number;
  /** The level name. */
  levelName?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const level: z.ZodType<Level> = z.looseObject({
  levelId: z.number().int(),
  levelName: z.string().nullish(),
});

/**
 * Validates a {@linkcode Level}.
 *
 * @category App
 */
export const LevelSchema: Schema<Level> = level;

/**
 * A product group as `GET /api/App/ProductGroups` answers it.
 *
 * @category App
 */
export interface ProductGroup {
  /** The group id. */
  productGroupId: number;
  /** The group name. */
  productGroupName?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const productGroup: z.ZodType<ProductGroup> = z.looseObject({
  productGroupId: z.number().int(),
  productGroupName: z.string().nullish(),
});

/**
 * Validates a {@linkcode ProductGroup}.
 *
 * @category App
 */
export const ProductGroupSchema: Schema<ProductGroup> = productGroup;

/**
 * Validates a list of processes.
 *
 * @category App
 */
export const ProcessListSchema: Schema<ProcessInfo[]> = z.array(processInfo);
/**
 * Validates a list of levels.
 *
 * @category App
 */
export const LevelListSchema: Schema<Level[]> = z.array(level);
/**
 * Validates a list of product groups.
 *
 * @category App
 */
export const ProductGroupListSchema: Schema<ProductGroup[]> = z.array(productGroup);
