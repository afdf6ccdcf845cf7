/** The usage examples of `client/config/json_schema.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import { configJsonSchema } from "../../../client/config/json_schema.ts";

Deno.test("client/config/json_schema.ts: Check a key's type and default", () => {
  const schema = configJsonSchema() as {
    properties: { limits: { properties: { uploadConcurrency: { default: number } } } };
  };
  assert.equal(schema.properties.limits.properties.uploadConcurrency.default, 5);
});
