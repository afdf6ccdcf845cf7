/**
 * The key/value tag (`Setting`) that products, revisions, units and assets carry in `tags[]`.
 *
 * A tag sent in a save carries a `change` code: 1 adds, 2 updates, 3 deletes; 0 (or none) means
 * unchanged. A tag left out of a save is kept by the server, so removing one takes an explicit
 * `change: 3`.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";
import { setting } from "./_setting.ts";

/**
 * The `change` codes of a {@linkcode Setting}.
 *
 * @category Products
 */
export const SettingChange: {
  readonly None: 0;
  readonly Add: 1;
  readonly Update: 2;
  readonly Delete: 3;
} = { None: 0, Add: 1, Update: 2, Delete: 3 };

/**
 * A key/value tag.
 *
 * @category Products
 */
export interface Setting {
  /** The tag's key (compared without case by the server). */
  key: string;
  /** The tag's value. */
  value?: string | null;
  /** 0 none, 1 add, 2 update, 3 delete; see {@linkcode SettingChange}. */
  change?: number | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * Validates a {@linkcode Setting}.
 *
 * @category Products
 */
export const SettingSchema: Schema<Setting> = setting;

/**
 * The tags after one edit, ready to send: the edited key carries `change` 1 (new) or 2 (changed),
 * or 3 when `value` is `null` (delete); the others are sent unchanged (`change` 0).
 *
 * @param tags The tags as read from the server.
 * @param key The key to set or delete (matched without case).
 * @param value The new value, or `null` to delete the tag.
 * @returns The tag list to send in the next save.
 *
 * @example Set one tag, delete another
 * ```ts
 * import assert from "node:assert/strict";
 * import { editTags } from "@wats/toolkit/models";
 *
 * const tags = [{ key: "Owner", value: "QA" }];
 * assert.deepEqual(editTags(tags, "Line", "3"), [
 *   { key: "Owner", value: "QA", change: 0 },
 *   { key: "Line", value: "3", change: 1 },
 * ]);
 * assert.deepEqual(editTags(tags, "owner", null), [{ key: "Owner", value: "QA", change: 3 }]);
 * ```
 *
 * @category Products
 */
export function editTags(
  tags: readonly Setting[] | null | undefined,
  key: string,
  value: string | null,
): Setting[] {
  if (typeof key !== "string" || key.trim() === "") throw new TypeError("A tag needs a key");
  const wanted = key.trim().toLowerCase();
  const out: Setting[] = [];
  let found = false;
  for (const tag of tags ?? []) {
    if (tag.key.toLowerCase() !== wanted) {
      out.push({ ...tag, change: SettingChange.None });
      continue;
    }
    found = true;
    out.push(
      value === null
        ? { ...tag, change: SettingChange.Delete }
        : { ...tag, value, change: SettingChange.Update },
    );
  }
  if (!found && value !== null) out.push({ key: key.trim(), value, change: SettingChange.Add });
  return out;
}

/**
 * Validates a list of {@linkcode Setting}s.
 *
 * @category Products
 */
export const SettingListSchema: Schema<Setting[]> = z.array(setting);
