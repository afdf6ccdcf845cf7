import assert from "node:assert/strict";
import { UnitListSchema, UnitPhaseFlag } from "../../../api/models/production.ts";

Deno.test("units nest sub-units and keep unknown keys; serial and part number are required", () => {
  const [unit] = UnitListSchema.parse([{
    serialNumber: "BOX-1",
    partNumber: "BOX",
    custom: "kept",
    subUnits: [{ serialNumber: "PCB-1", partNumber: "PCB", subUnits: [] }],
  }]);
  assert.equal(unit.custom, "kept");
  assert.equal(unit.subUnits?.[0].serialNumber, "PCB-1");
  assert.ok(!UnitListSchema.safeParse([{ serialNumber: "X" }]).success);
  assert.ok(
    !UnitListSchema.safeParse([{ serialNumber: "X", partNumber: "P", subUnits: [{}] }]).success,
  );
  assert.equal(UnitPhaseFlag.Finalized, 16);
});
