import assert from "node:assert/strict";
import {
  flattenFailCodes,
  processKind,
  RepairOperationConfigMapSchema,
} from "../../../api/models/process.ts";

Deno.test("fail codes are flattened at any depth under their top category", () => {
  const codes = flattenFailCodes({
    Categories: [
      {
        GUID: "c1",
        Description: "Solder",
        Failcodes: [
          { GUID: "f1", Description: "Bridge", Selectable: false },
          {
            GUID: "f2",
            Description: "Void",
            Failcodes: [{ GUID: "f3", Description: "Large void" }],
          },
        ],
      },
      { GUID: "c2", Description: "Empty" },
    ],
  });
  assert.deepEqual(codes.map((c) => [c.category, c.code, c.guid, c.categoryGuid, c.selectable]), [
    ["Solder", "Bridge", "f1", "c1", false],
    ["Solder", "Void", "f2", "c1", true],
    ["Solder", "Large void", "f3", "c1", true],
  ]);
  assert.ok(codes.every((c) => c.description === c.code));
  assert.deepEqual(flattenFailCodes({}), []);
});

Deno.test("a repair configuration map validates nested categories and keeps unknown keys", () => {
  const parsed = RepairOperationConfigMapSchema.parse({
    "500": { Description: "Repair", Categories: [{ Description: "A", Failcodes: [{ X: 1 }] }] },
  });
  assert.equal(parsed["500"].Categories?.[0].Failcodes?.[0].X, 1);
  assert.ok(
    !RepairOperationConfigMapSchema.safeParse({ "500": { Categories: [{ Failcodes: "x" }] } })
      .success,
  );
});

Deno.test("processKind names the kind of a process", () => {
  const base = { code: 1, isTestOperation: false, isRepairOperation: false, isWipOperation: false };
  assert.equal(processKind({ ...base, isTestOperation: true }), "test");
  assert.equal(processKind({ ...base, isRepairOperation: true }), "repair");
  assert.equal(processKind({ ...base, isWipOperation: true }), "wip");
  assert.equal(processKind(base), "other");
});

Deno.test("BomConstraint and ImageConstraint are read as text (as WATS answers) or as a number", () => {
  for (const value of ["0", 2]) {
    const parsed = RepairOperationConfigMapSchema.parse({
      "500": {
        BomConstraint: value,
        Categories: [{ ImageConstraint: value, Failcodes: [{ ImageConstraint: value }] }],
      },
    });
    assert.deepEqual(parsed["500"].BomConstraint, value);
    assert.deepEqual(parsed["500"].Categories?.[0].Failcodes?.[0].ImageConstraint, value);
  }
});
