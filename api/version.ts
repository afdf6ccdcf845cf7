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
 * import { VERSION } from "./version.ts";
 * console.log(`wats-toolkit ${VERSION}`);
 * ```
 */
export const VERSION: string = "0.1.0";
