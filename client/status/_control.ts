/**
 * The control channel on the status server, and the per-instance token that guards it.
 *
 * | route | does |
 * | --- | --- |
 * | `POST /control/reload` | reloads the configuration; 200 with the outcome, 422 when refused |
 * | `POST /control/stop` | starts a graceful stop; 202 at once |
 * | `POST /queue/{id}/retry` | sends a failed report (or `all`) again; 200 `{moved}` |
 * | `GET /converters` | the converters: id, name, version, plug-in or built-in |
 *
 * Each wants `Authorization: Bearer <control token>`. The service makes a fresh random token at
 * every start and writes it to `control.token` in its data folder, readable by its own account
 * only (mode 0600), where the `wats` command of the same account finds it. A request without
 * the token gets a bare 401: no body, nothing about what was expected.
 *
 * @module
 */

import { currentPlatform } from "../../util/platform.ts";
import { join } from "node:path";
import type { Hono } from "hono";
import { removeIfPresent, writeFileDurable } from "../_fs.ts";
import type { ServiceStatus } from "./model.ts";

/** The control token's file in the data folder. */
export const CONTROL_TOKEN_FILE = "control.token";

/** What the control routes ask of the service. */
export interface ControlTarget {
  /** The token every control request must carry. */
  token: string;
  /** Reloads the configuration. */
  reload(): Promise<{ isApplied: boolean; problems: string[] }>;
  /** Starts a graceful stop (not awaited by the request). */
  stop(): void;
  /** Queues failed reports again: one id or `all`; returns how many. */
  retry(id: string): Promise<number>;
  /** The converters, as `/status` lists them. */
  converters(): Promise<ServiceStatus["converters"]>;
}

/**
 * Makes a fresh control token and writes it into the data folder, mode 0600.
 *
 * @param dataDir The instance's data folder.
 * @returns The token.
 */
export async function writeControlToken(dataDir: string): Promise<string> {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const token = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  const path = join(dataDir, CONTROL_TOKEN_FILE);
  await writeFileDurable(path, new TextEncoder().encode(token + "\n"));
  // The temp file was made with the default mode; narrow it before anyone could need it.
  if (currentPlatform.hasModeBits) await Deno.chmod(path, 0o600);
  return token;
}

/**
 * Reads the control token of a data folder.
 *
 * @param dataDir The instance's data folder.
 * @returns The token, or `null` when there is none or it cannot be read (another account).
 */
export async function readControlToken(dataDir: string): Promise<string | null> {
  try {
    const token = (await Deno.readTextFile(join(dataDir, CONTROL_TOKEN_FILE))).trim();
    return token === "" ? null : token;
  } catch {
    return null;
  }
}

/**
 * Removes the control token of a data folder (at a clean stop).
 *
 * @param dataDir The instance's data folder.
 */
export async function removeControlToken(dataDir: string): Promise<void> {
  await removeIfPresent(join(dataDir, CONTROL_TOKEN_FILE)).catch(() => false);
}

/** Compares two tokens in time independent of where they differ. */
export function isSameToken(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let difference = a.length ^ b.length;
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  }
  return difference === 0;
}

/**
 * Adds the control routes to the status app.
 *
 * @param app The hono app.
 * @param target The service and its control token.
 */
export function mountControl(app: Hono, target: ControlTarget): void {
  const isAllowed = (header: string | undefined) =>
    header !== undefined && header.startsWith("Bearer ") &&
    isSameToken(header.slice(7), target.token);
  for (const path of ["/control/*", "/queue/*", "/converters"]) {
    app.use(path, async (c, next) => {
      if (!isAllowed(c.req.header("authorization"))) return new Response(null, { status: 401 });
      await next();
    });
  }
  app.post("/control/reload", async (c) => {
    const result = await target.reload();
    return c.json(result, result.isApplied ? 200 : 422);
  });
  app.post("/control/stop", (c) => {
    // Answer first: the stop closes this server.
    setTimeout(() => target.stop(), 0);
    return c.json({ stopping: true }, 202);
  });
  app.post("/queue/:id/retry", async (c) => {
    return c.json({ moved: await target.retry(c.req.param("id")) });
  });
  app.get("/converters", async (c) => c.json(await target.converters()));
}
