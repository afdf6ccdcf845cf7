import assert from "node:assert/strict";
import { odataBuilder, odataLiteral } from "../../api/odata.ts";
import { headerFilter as f } from "../../api/services/report.ts";

Deno.test("odataLiteral quotes strings with doubled quotes and writes UTC dates", () => {
  assert.equal(odataLiteral("O'Brien's"), "'O''Brien''s'");
  assert.equal(odataLiteral(""), "''");
  assert.equal(odataLiteral(42.5), "42.5");
  assert.equal(odataLiteral(false), "false");
  assert.equal(odataLiteral(null), "null");
  assert.equal(odataLiteral(new Date("2026-01-30T22:01:41+01:00")), "2026-01-30T21:01:41Z");
  assert.equal(odataLiteral(new Date("2026-01-30T21:01:41.250Z")), "2026-01-30T21:01:41.250Z");
  assert.throws(() => odataLiteral(Number.NaN), RangeError);
  assert.throws(() => odataLiteral(new Date("nope")), RangeError);
});

Deno.test("comparisons, and/or/not and contains build the $filter text", () => {
  assert.equal(f.eq("serialNumber", "SN'1").text, "serialNumber eq 'SN''1'");
  assert.equal(
    String(f.and(f.eq("partNumber", "P"), f.or(f.eq("result", "Failed"), f.eq("result", "Error")))),
    "(partNumber eq 'P') and ((result eq 'Failed') or (result eq 'Error'))",
  );
  assert.equal(f.and(f.gt("processCode", 10), undefined).text, "processCode gt 10");
  assert.equal(f.not(f.contains("serialNumber", "X")).text, "not (contains(serialNumber,'X'))");
  assert.equal(
    f.between("start", new Date("2026-01-01T00:00:00Z"), new Date("2026-01-02T00:00:00Z")).text,
    "start ge 2026-01-01T00:00:00Z and start le 2026-01-02T00:00:00Z",
  );
  assert.equal(
    f.ne("operator", null).text + "|" + f.lt("executionTime", 5).text + "|" +
      f.le("receiveCount", 1).text + "|" + f.ge("start", new Date(0)).text,
    "operator ne null|executionTime lt 5|receiveCount le 1|start ge 1970-01-01T00:00:00Z",
  );
  assert.equal(f.startsWith("serialNumber", "A").text, "startswith(serialNumber,'A')");
});

Deno.test("any() names the element's fields under an alias, nested aliases differ", () => {
  assert.equal(
    f.any("subUnits", (s) => s.eq("partNumber", "PCB")).text,
    "subUnits/any(x0: x0/partNumber eq 'PCB')",
  );
  assert.equal(
    f.any("miscInfo", (m) => m.and(m.eq("description", "Fw"), m.eq("value", "1.2"))).text,
    "miscInfo/any(x0: (x0/description eq 'Fw') and (x0/value eq '1.2'))",
  );
  const q = odataBuilder<"a">();
  assert.equal(
    q.any("a", (x) => x.any("b", (y) => y.eq("c", 1))).text,
    "a/any(x0: x0/b/any(x1: x1/c eq 1))",
  );
});

Deno.test("bad field names and empty and/or are refused", () => {
  const q = odataBuilder<string>();
  assert.throws(() => q.eq("a eq 1 or b", 1), TypeError);
  assert.throws(() => q.and(), TypeError);
  assert.throws(() => q.or(undefined), TypeError);
});
