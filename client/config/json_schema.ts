/**
 * The JSON Schema of the configuration file, made from the zod schema with `z.toJSONSchema`, so
 * editors complete and check keys. It ships as `client/config/config.schema.json`
 * (`deno task config-schema` writes it; a test fails when it is stale), and `wats config init`
 * names it in the `$schema` key of the files it writes.
 *
 * It describes the file, not the loaded configuration: keys with a default are optional, and so
 * are `dataDir` and `station.name`, which the loader fills from the instance and the host name.
 * Objects refuse keys the service does not know, as the loader warns about them.
 *
 * @module
 */

import { z } from "zod";
import { VERSION } from "../../api/version.ts";
import { ServiceConfigSchema } from "./schema.ts";

/** Where the published package serves the schema of this version. */
export const CONFIG_SCHEMA_URL: string =
  `https://jsr.io/@wats/toolkit/${VERSION}/client/config/config.schema.json`;

/** Keys the loader fills when the file leaves them out (`loadConfig`'s default layer). */
const FILLED_BY_LOADER: readonly (readonly string[])[] = [["dataDir"], ["station", "name"]];

/** A JSON Schema node, as far as this module reads and changes it. */
interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  additionalProperties?: unknown;
  [key: string]: unknown;
}

/**
 * Makes the JSON Schema (draft 2020-12) of the configuration file.
 *
 * @returns The schema, ready for `JSON.stringify`.
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ServiceConfigSchema, { io: "input" }) as SchemaNode;
  const root: SchemaNode = {
    $schema: generated.$schema,
    $id: CONFIG_SCHEMA_URL,
    title: "WATS station service configuration",
    description: "The API token is not part of it: set WATS_TOKEN or name a file in " +
      "server.tokenFile.",
    ...generated,
  };
  root.properties = {
    $schema: { type: "string", description: "The JSON Schema of this file, for editors" },
    ...root.properties,
  };
  // status.token is read (and taken out) by the loader before the zod schema sees the file.
  const status = root.properties.status;
  status.properties = {
    ...status.properties,
    token: {
      type: "string",
      description: "Bearer token of the status server's routes; none by default",
    },
  };
  for (const path of FILLED_BY_LOADER) makeOptional(root, path);
  closeObjects(root);
  return root;
}

/** Drops a key from its object's `required`, and an object left with none from its parent's. */
function makeOptional(root: SchemaNode, path: readonly string[]): void {
  const parents = [root];
  for (const key of path.slice(0, -1)) parents.push(parents.at(-1)!.properties![key]);
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const parent = parents[depth];
    parent.required = parent.required?.filter((key) => key !== path[depth]);
    if (parent.required?.length === 0) delete parent.required;
    if (depth > 0 && parent.required !== undefined) return;
  }
}

/** Sets `additionalProperties: false` on every object with known keys. */
function closeObjects(node: SchemaNode): void {
  if (node.properties) {
    node.additionalProperties = false;
    for (const child of Object.values(node.properties)) closeObjects(child);
  }
  if (node.items) closeObjects(node.items);
}
