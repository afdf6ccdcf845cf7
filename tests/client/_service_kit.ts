/**
 * Helpers of the station service tests: WSJF report files, a configuration for a temp folder,
 * and waiting for a condition without sleeping longer than needed.
 *
 * @module
 */

import { join } from "node:path";
import { createUutReport, serializeReport } from "../../api/models/report/mod.ts";
import { loadConfig, type ServiceConfig } from "../../client/config/config.ts";
import { PLUGINS } from "../converters/_plugins.ts";
import { tempDir } from "../_temp.ts";

/** A small valid WSJF report as JSON text, with a fixed id derived from `n`. */
export function wsjfReport(n: number, options: { id?: string } = {}): { id: string; text: string } {
  const id = options.id ?? `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
  const report = createUutReport({
    id,
    pn: "PCBA-100",
    sn: `SN${n.toString().padStart(6, "0")}`,
    rev: "A",
    processCode: 10,
    machineName: "Station 7",
    location: "Line 2",
    purpose: "Production",
    start: "2026-01-30T22:01:41.470+01:00",
  })
    .numericStep("Supply 5V", 5.01, { compOp: "GELE", low: 4.9, high: 5.1, unit: "V" })
    .passFailStep("Boot", true)
    .build();
  return { id, text: JSON.stringify(serializeReport(report)) };
}

/** Writes a file whole under a temp name, then renames it into place (how stations drop files). */
export async function dropFile(
  folder: string,
  name: string,
  content: string | Uint8Array,
): Promise<string> {
  const path = join(folder, name);
  const temp = join(folder, `.${crypto.randomUUID()}.tmp`);
  if (typeof content === "string") await Deno.writeTextFile(temp, content);
  else await Deno.writeFile(temp, content);
  await Deno.rename(temp, path);
  return path;
}

/**
 * Writes plug-in fixtures of `tests/converters/_plugins.ts` into `<folder>/plugins/<name>.js`.
 *
 * @returns The folder of the plug-ins.
 */
export async function writePluginFiles(folder: string, names: string[]): Promise<string> {
  const plugins = join(folder, "plugins");
  await Deno.mkdir(plugins, { recursive: true });
  for (const name of names) await Deno.writeTextFile(join(plugins, `${name}.js`), PLUGINS[name]);
  return plugins;
}

/** Folders of one test service. */
export interface ServiceFolders {
  root: string;
  dataDir: string;
  drop: string;
}

/**
 * Makes the folders of a test service (in the system's temp folder, or `base`); disposing the
 * result removes them (`await using`).
 */
export async function serviceFolders(base?: string): Promise<ServiceFolders & AsyncDisposable> {
  const temp = await tempDir("wats-service-", { dir: base });
  const root = temp.path;
  const dataDir = join(root, "data");
  const drop = join(root, "drop");
  await Deno.mkdir(drop, { recursive: true });
  return { root, dataDir, drop, [Symbol.asyncDispose]: () => temp[Symbol.asyncDispose]() };
}

/** A configuration for a test service against `url`, with fast timings. */
export async function testConfig(
  folders: ServiceFolders,
  server: { url: string; token: string },
  flags: Record<string, unknown> = {},
): Promise<ServiceConfig> {
  return await loadConfig({
    env: { WATS_TOKEN: server.token },
    hostname: "test-station",
    flags: {
      server: { url: server.url },
      dataDir: folders.dataDir,
      // The tests of the service look for taken files in Done/; the archive has its own tests.
      watch: [{ path: folders.drop, pattern: "*", stableMs: 50, postAction: "move" }],
      status: { port: 0 },
      retry: { baseDelayMs: 50, maxDelayMs: 500 },
      breaker: { failureThreshold: 5, cooldownMs: 500 },
      ...flags,
    },
  });
}

/** Polls `check` every `everyMs` until it returns a value other than `undefined`, or throws. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = performance.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 20));
  }
}

/** The names in a folder, sorted. */
export async function namesIn(folder: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(folder)) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}
