import { assert, assertEquals } from "../../_assert.ts";
import { UnitListSchema, UnitPhaseFlag } from "../../../api/models/production.ts";

Deno.test("units nest sub-units and keep unknown keys; serial and part number are required", () => {
  const [unit] = UnitListSchema.parse([{
    serialNumber: "BOX-1",
    partNumber: "BOX",
    custom: "kept",
    subUnits: [{ serialNumber: "PCB-1", partNumber: "PCB", subUnits: [] }],
  }]);
  assertEquals(unit.custom, "kept");
  assertEquals(unit.subUnits?.[0].serialNumber, "PCB-1");
  assert(!UnitListSchema.safeParse([{ serialNumber: "X" }]).success);
  assert(
    !UnitListSchema.safeParse([{ serialNumber: "X", partNumber: "P", subUnits: [{}] }]).success,
  );
  assertEquals(UnitPhaseFlag.Finalized, 16);
});
