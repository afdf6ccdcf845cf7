import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { ConverterRegistry, matchesPatterns } from "../../converters/registry.ts";
import { BUILTIN_CONVERTERS } from "../../converters/builtins.ts";
import { type Converter, CONVERTER_API_VERSION } from "../../converters/contract.ts";
import { wstfConverter } from "../../converters/wstf.ts";
import { rejection, samplePath } from "./_helpers.ts";
import { writePlugins } from "./_plugins.ts";

async function head(path: string): Promise<Uint8Array> {
  return (await Deno.readFile(samplePath(path))).subarray(0, 65536);
}

Deno.test("built-ins are found by id", () => {
  const registry = new ConverterRegistry();
  equal(registry.get("wstf"), wstfConverter);
  equal(registry.get("nope"), undefined);
  ok(registry.list().length >= 4);
  deepStrictEqual(registry.list().slice(0, 4).map((c) => c.id), ["wsjf", "wsxf", "wstf", "csv"]);
  equal(
    BUILTIN_CONVERTERS.length,
    new Set(BUILTIN_CONVERTERS.map((c) => c.id)).size,
    "ids are unique",
  );
});

Deno.test("auto picks the most confident converter for each sample", async () => {
  const registry = new ConverterRegistry();
  for (
    const [path, id] of [["wsjf/uut_pass.json", "wsjf"], ["wsxf/uut_fail.xml", "wsxf"], [
      "wstf/uut_pass.txt",
      "wstf",
    ]]
  ) {
    const choice = await registry.choose(await head(path), path.split("/")[1]);
    ok(choice.ok, `${path}: ${choice.ok ? "" : choice.reason}`);
    equal(choice.id, id);
    equal(choice.scores[0].id, id);
  }
});

Deno.test("auto refuses below the threshold and lists every score", async () => {
  const registry = new ConverterRegistry();
  const choice = await registry.choose(await head("csv/units.csv"), "units.csv");
  ok(!choice.ok);
  match(choice.reason, /^No converter is sure enough about units\.csv \(need 0\.50\): csv 0\.40, /);
  for (const converter of BUILTIN_CONVERTERS) {
    ok(choice.reason.includes(`${converter.id} `), converter.id);
  }
  const lowered = await registry.choose(await head("csv/units.csv"), "units.csv", {
    minConfidence: 0.3,
  });
  equal(lowered.ok && lowered.id, "csv");
});

Deno.test("a throwing sniff scores 0 with its error; duplicates and bad shapes are refused", async () => {
  const broken: Converter = {
    apiVersion: CONVERTER_API_VERSION,
    id: "broken",
    version: "1",
    patterns: [],
    sniff: () => {
      throw new Error("sniff exploded");
    },
    async *convert() {},
  };
  const registry = new ConverterRegistry([broken]);
  const choice = await registry.choose(new Uint8Array(0), "x");
  deepStrictEqual(choice.scores, [{ id: "broken", confidence: 0, error: "sniff exploded" }]);
  let error = "";
  try {
    registry.register(broken);
  } catch (e) {
    error = String(e);
  }
  match(error, /A converter with id "broken" is already registered/);
  try {
    registry.register({ ...broken, id: "v2", apiVersion: 2 } as unknown as Converter);
  } catch (e) {
    error = String(e);
  }
  match(
    error,
    /Unsupported converter API version: the plug-in declares apiVersion 2, this toolkit speaks version 1/,
  );
});

Deno.test("matchesPatterns matches globs case-insensitively", () => {
  ok(matchesPatterns("RUN.XML", ["*.xml"]));
  ok(matchesPatterns("PB123.txt", ["PB*.txt"]));
  ok(!matchesPatterns("run.xml.bak", ["*.xml"]));
});

Deno.test({
  name: "plug-ins load in a worker, take part in auto, and a wrong apiVersion is refused",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await writePlugins();
    try {
      const registry = new ConverterRegistry();
      const entry = await registry.loadPlugin(`${dir}/works.js`);
      deepStrictEqual({ ...entry }, {
        apiVersion: 1,
        id: "plug",
        version: "0.1.0",
        patterns: ["*.plug"],
        path: `${dir}/works.js`,
      });
      equal(registry.get("plug"), `${dir}/works.js`);
      const choice = await registry.choose(new Uint8Array([1, 2]), "a.plug");
      ok(choice.ok && choice.id === "plug" && choice.converter === `${dir}/works.js`);
      const v2 = await rejection(registry.loadPlugin(`${dir}/version_2.js`));
      equal(
        v2.message,
        `${dir}/version_2.js: Unsupported converter API version: the plug-in declares apiVersion 2, this toolkit speaks version 1`,
      );
      const dup = await rejection(registry.loadPlugin(`${dir}/named_export.js`));
      match(dup.message, /id "plug" is already registered/);
      const missing = await rejection(registry.loadPlugin(`${dir}/nowhere.js`));
      match(missing.message, /nowhere\.js/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
