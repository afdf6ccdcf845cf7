/**
 * Writes `config.schema.json` beside this file: `deno task config-schema` after a change to the
 * configuration's zod schema (`tests/client/config/json_schema_test.ts` fails until it is run).
 *
 * @module
 */

import { configJsonSchema } from "./json_schema.ts";

const target = new URL("./config.schema.json", import.meta.url);
await Deno.writeTextFile(target, JSON.stringify(configJsonSchema(), null, 2) + "\n");
