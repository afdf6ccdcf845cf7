import assert from "node:assert/strict";
import { editTags, SettingChange, SettingListSchema } from "../../../api/models/setting.ts";

Deno.test("editTags marks the edited key add, update or delete and the others unchanged", () => {
  const tags = [{ key: "Owner", value: "QA", change: 0 }, { key: "Line", value: "3" }];
  assert.deepEqual(editTags(tags, "Station", "7"), [
    { key: "Owner", value: "QA", change: SettingChange.None },
    { key: "Line", value: "3", change: SettingChange.None },
    { key: "Station", value: "7", change: SettingChange.Add },
  ]);
  assert.deepEqual(editTags(tags, "owner", "Test")[0], {
    key: "Owner",
    value: "Test",
    change: SettingChange.Update,
  });
  assert.deepEqual(editTags(tags, " LINE ", null)[1], {
    key: "Line",
    value: "3",
    change: SettingChange.Delete,
  });
  assert.deepEqual(editTags(null, "Gone", null), [], "deleting a missing key sends nothing new");
  assert.equal(tags[0].value, "QA", "the input is not changed");
  let error: unknown;
  try {
    editTags(tags, "  ", "x");
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof TypeError);
});

Deno.test("settings keep unknown keys and need a key", () => {
  const parsed = SettingListSchema.parse([{ key: "A", value: null, extra: 1 }]);
  assert.equal(parsed[0].extra, 1);
  assert.ok(!SettingListSchema.safeParse([{ value: "x" }]).success);
});
