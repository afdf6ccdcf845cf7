/**
 * The zod schema of a tag, shared by the product, production and asset models of this folder
 * (kept out of the public files so no zod type reaches the public API).
 *
 * @module
 */

import { z } from "zod";
import type { Setting } from "./setting.ts";

/** Zod schema of a {@linkcode Setting}. */
export const setting: z.ZodType<Setting> = z.looseObject({
  key: z.string(),
  value: z.string().nullish(),
  change: z.number().int().nullish(),
});
