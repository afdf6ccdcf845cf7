import assert from "node:assert/strict";
import { configJsonSchema } from "../../../client/config/json_schema.ts";
import { KNOWN_KEYS } from "../../../client/config/schema.ts";

interface Node {
  properties?: Record<string, Node>;
  items?: Node;
  required?: string[];
  additionalProperties?: unknown;
}

Deno.test("the shipped config.schema.json is what the zod schema makes (else: deno task config-schema)", async () => {
  const shipped = JSON.parse(
    await Deno.readTextFile(new URL("../../../client/config/config.schema.json", import.meta.url)),
  );
  assert.deepEqual(
    shipped,
    configJsonSchema(),
    "client/config/config.schema.json is stale: run `deno task config-schema`",
  );
});

Deno.test("the JSON Schema knows exactly the keys the loader knows, and refuses others", () => {
  const root = configJsonSchema() as Node;
  for (const [path, keys] of Object.entries(KNOWN_KEYS)) {
    const node = path === ""
      ? root
      : path === "watch[]"
      ? root.properties?.watch.items
      : root.properties?.[path];
    assert.deepEqual(Object.keys(node?.properties ?? {}).sort(), [...keys].sort(), path);
    assert.equal(node?.additionalProperties, false, path);
  }
  // What the loader fills in (data folder, station name) is not required of the file.
  assert.deepEqual(root.required, ["server"]);
  assert.equal(root.properties?.station.required, undefined);
});
