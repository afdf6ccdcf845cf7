/**
 * The toolkit's version, kept equal to `version` in `deno.json` (a test checks it).
 *
 * @module
 */

/**
 * The version of this toolkit, sent in the `User-Agent` and shown in the service status.
 *
 * @example Print it
 * ```ts
 * import assert from "node:assert/strict";
 * import { VERSION } from "@wats/toolkit";
 *
 * assert.match(`wats-toolkit ${VERSION}`, /^wats-toolkit \d+\.\d+\.\d+/);
 * ```
 *
 * @category Client
 */
export const VERSION: string = "0.1.0";
