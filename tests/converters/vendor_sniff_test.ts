import { atmlConverter } from "../../converters/atml.ts";
import { keysightTestExecConverter } from "../../converters/keysight_testexec.ts";
import { klippelConverter } from "../../converters/klippel.ts";
import { seicaConverter } from "../../converters/seica.ts";
import { speaConverter } from "../../converters/spea.ts";
import { teradyneIctConverter } from "../../converters/teradyne/ict.ts";
import { teradyneSpectrumConverter } from "../../converters/teradyne/spectrum.ts";
import { xjtagConverter } from "../../converters/xjtag.ts";
import { BUILTIN_CONVERTERS } from "../../converters/builtins.ts";
import assert from "node:assert/strict";
import { SAMPLES } from "./_vendor_helpers.ts";

const VENDORS = [
  atmlConverter,
  keysightTestExecConverter,
  klippelConverter,
  seicaConverter,
  speaConverter,
  teradyneIctConverter,
  teradyneSpectrumConverter,
  xjtagConverter,
];

Deno.test("every vendor sample is claimed by its own converter and scored low by the others", () => {
  for (const owner of VENDORS) {
    const folder = new URL(`${owner.id}/`, SAMPLES);
    const names = [...Deno.readDirSync(folder)].map((e) => e.name).sort();
    assert.ok(names.length >= 2, `${owner.id} has a passing and a failing sample`);
    for (const name of names) {
      const head = Deno.readFileSync(new URL(name, folder)).subarray(0, 65536);
      const own = owner.sniff(head, name);
      assert.ok(own >= 0.85, `${owner.id} scores its ${name} ${own}`);
      for (const other of BUILTIN_CONVERTERS) {
        if (other === owner) continue;
        const score = other.sniff(head, name);
        assert.ok(score < own && score <= 0.5, `${other.id} scores ${owner.id}/${name} ${score}`);
      }
    }
  }
});

Deno.test("vendor converters are registered with kebab-case ids and contract version 1", () => {
  for (const converter of VENDORS) {
    assert.ok(BUILTIN_CONVERTERS.includes(converter), `${converter.id} is a built-in`);
    assert.ok(/^[a-z]+(-[a-z]+)*$/.test(converter.id), converter.id);
    assert.equal(converter.apiVersion, 1);
  }
  assert.deepEqual(VENDORS.map((c) => c.id).sort(), [
    "atml",
    "keysight-testexec",
    "klippel",
    "seica",
    "spea",
    "teradyne-ict",
    "teradyne-spectrum",
    "xjtag",
  ]);
});
