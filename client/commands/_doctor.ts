/**
 * `wats doctor`: checks what the service needs, each check pass, warn or fail with what to do:
 * the configuration, permissions, the data folder, the trust store and `server.caCertFile` (each
 * certificate parsed), the proxy in use (its URL without credentials, where it came from, the
 * bypass list), the converters (built-ins, and each plug-in of `converters.plugins` loaded in its
 * worker as the service would), the drop folders (missing ones, and folders that overlap, as the
 * service refuses them at start) and their
 * converter ids, the token, the server, and the clock against the server's `Date` header (more
 * than 5 minutes apart is a warning: report times would be off). Exits 0 (all pass), 1 (warnings)
 * or 2 (a failure).
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadPlugins, unknownConverters } from "../intake/_convert.ts";
import type { ServiceConfig } from "../config/config.ts";
import { ConverterRegistry } from "../../converters/registry.ts";
import { isLocked, readLockInfo } from "../lock.ts";
import { checkPermissions, servicePermissions } from "../permissions.ts";
import { folderOverlapProblems } from "../config/_overlap.ts";
import { CommandError, COMMON_OPTIONS, configFrom } from "./_context.ts";
import type { CliIo } from "./_io.ts";
import { proxySetting } from "../_network.ts";
import {
  bypassOf,
  type ChosenProxy,
  HttpClients,
  processEnv,
  proxyFor,
  readCaCertFile,
} from "../../api/http/proxy.ts";

/** Help of `wats doctor`. */
export const DOCTOR_HELP = `Usage: wats doctor [--config FILE] [--json]

Checks the configuration, permissions, folders, converters and plug-ins, token, the server
connection and the clock.
Exits 0 when everything passes, 1 with warnings, 2 with a failure.
`;

/** The largest clock difference to the server that is not a warning. */
const MAX_SKEW_MS = 5 * 60_000;

/** One check's verdict. */
export interface Check {
  name: string;
  result: "pass" | "warn" | "fail";
  detail: string;
}

async function isWritable(folder: string): Promise<string | null> {
  try {
    await Deno.mkdir(folder, { recursive: true });
    const probe = join(folder, `.doctor-${crypto.randomUUID().slice(0, 8)}.tmp`);
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The converters check, one check a plug-in, and the ids known (null when a plug-in failed). */
async function converterChecks(
  config: ServiceConfig,
): Promise<{ checks: Check[]; known: string[] | null }> {
  const registry = new ConverterRegistry();
  const problems = await loadPlugins(registry, config.converters.plugins);
  const converters = registry.list();
  const checks: Check[] = [{
    name: "converters",
    result: "pass",
    detail: `built-in: ${converters.filter((c) => !c.plugin).map((c) => c.id).join(", ")}`,
  }];
  for (const converter of converters.filter((c) => c.plugin)) {
    const path = registry.get(converter.id);
    checks.push({
      name: "plug-in",
      result: "pass",
      detail: `${converter.id} ${converter.version} (${path})`,
    });
  }
  for (const problem of problems) checks.push({ name: "plug-in", result: "fail", detail: problem });
  return { checks, known: problems.length > 0 ? null : converters.map((c) => c.id) };
}

/** The proxy variables Deno applies to every request of the process, whatever the setting. */
const PROXY_ENV = ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"];

/** The proxy and TLS checks, and the clients the server check sends through. */
async function networkChecks(
  config: ServiceConfig,
): Promise<{ checks: Check[]; clients: HttpClients | null }> {
  const checks: Check[] = [];
  const setting = proxySetting(config);
  let caCerts: string[] | undefined;
  const store = processEnv("DENO_TLS_CA_STORE") ?? "mozilla";
  const file = config.server.caCertFile;
  if (file === undefined) {
    checks.push({ name: "tls", result: "pass", detail: `trust store ${store}, no caCertFile` });
  } else {
    try {
      caCerts = await readCaCertFile(file);
      checks.push({
        name: "tls",
        result: "pass",
        detail: `trust store ${store}, and ${caCerts.length} certificate(s) of ${file}`,
      });
    } catch (error) {
      checks.push({
        name: "tls",
        result: "fail",
        detail: `server.caCertFile: ${(error as Error).message}`,
      });
    }
  }
  let proxy: ChosenProxy | null;
  try {
    proxy = proxyFor(new URL(config.server.url), setting);
  } catch (error) {
    checks.push({ name: "proxy", result: "fail", detail: (error as Error).message });
    return { checks, clients: null };
  }
  const bypass = bypassOf(setting);
  const mode = typeof setting === "object" ? "config" : setting;
  const bypassText = bypass.length > 0 ? `; bypass: ${bypass.join(", ")}` : "";
  const auth = proxy?.basicAuth ? `, user ${proxy.basicAuth.username} (password not shown)` : "";
  checks.push({
    name: "proxy",
    result: "pass",
    detail: proxy === null
      ? `none: ${config.server.url} is reached directly (server.proxy ${mode})${bypassText}`
      : `${proxy.url} from ${proxy.source}${auth}${bypassText}`,
  });
  if (setting !== "system") {
    const set = PROXY_ENV.filter((name) => processEnv(name) ?? processEnv(name.toLowerCase()));
    if (set.length > 0) {
      checks.push({
        name: "proxy",
        result: "warn",
        detail: `${set.join(", ")} set in the environment: Deno applies it to the requests ` +
          "server.proxy sends directly; unset it for the service or list the host in NO_PROXY",
      });
    }
  }
  return { checks, clients: new HttpClients({ proxy: setting, caCerts }) };
}

async function serverChecks(
  config: ServiceConfig,
  now: () => number,
  client: Deno.HttpClient | undefined,
): Promise<Check[]> {
  const token = config.secrets.apiToken;
  if (!token) {
    return [{
      name: "token",
      result: "fail",
      detail: "no token: set WATS_TOKEN or server.tokenFile",
    }];
  }
  const checks: Check[] = [{ name: "token", result: "pass", detail: "configured (not shown)" }];
  const url = `${config.server.url.replace(/\/+$/, "")}/api/App/Version`;
  let res: Response;
  const sentAt = now();
  try {
    res = await fetch(url, {
      client,
      headers: { Authorization: `Basic ${token}`, Accept: "application/json" },
      signal: AbortSignal.timeout(Math.min(config.server.timeoutMs, 15_000)),
    });
  } catch (error) {
    checks.push({
      name: "server",
      result: "fail",
      detail: `${config.server.url} unreachable: ${reasonOf(error)}`,
    });
    return checks;
  }
  const body = await res.text();
  const receivedAt = now();
  if (res.status === 401 || res.status === 403) {
    checks.push({
      name: "server",
      result: "fail",
      detail: `the server refuses the token (HTTP ${res.status})`,
    });
  } else if (!res.ok) {
    checks.push({
      name: "server",
      result: "fail",
      detail: `GET /api/App/Version answered HTTP ${res.status}`,
    });
  } else {
    checks.push({
      name: "server",
      result: "pass",
      detail: `${config.server.url}, version ${body.replace(/"/g, "").trim()}`,
    });
  }
  const date = res.headers.get("date");
  const serverTime = date ? Date.parse(date) : NaN;
  if (Number.isNaN(serverTime)) {
    checks.push({
      name: "clock",
      result: "warn",
      detail: "the server sent no Date header to compare with",
    });
  } else {
    // The Date header has whole seconds; compare with the middle of the round trip.
    const skew = (sentAt + receivedAt) / 2 - serverTime;
    const seconds = Math.round(skew / 1000);
    checks.push(
      Math.abs(skew) > MAX_SKEW_MS
        ? {
          name: "clock",
          result: "warn",
          detail: `this clock is ${seconds} s off the server's; fix the time sync (NTP)`,
        }
        : { name: "clock", result: "pass", detail: `within ${Math.abs(seconds)} s of the server` },
    );
  }
  return checks;
}

/**
 * Runs every check of `wats doctor`.
 *
 * @param config The loaded configuration.
 * @param configFile The configuration file, if any.
 * @param now The clock.
 * @returns The checks in order.
 */
export async function runChecks(
  config: ServiceConfig,
  configFile: string | undefined,
  now: () => number,
): Promise<Check[]> {
  const checks: Check[] = [{
    name: "config",
    result: "pass",
    detail: configFile ?? "from the environment",
  }];
  const missing = await checkPermissions(servicePermissions(config, { configFile }));
  for (const entry of missing) {
    checks.push({
      name: "permission",
      result: entry.optional ? "warn" : "fail",
      detail: `missing ${entry.flag} (${entry.why})`,
    });
  }
  if (missing.length === 0) {
    checks.push({ name: "permissions", result: "pass", detail: "all granted" });
  }
  const dataProblem = await isWritable(config.dataDir);
  checks.push(
    dataProblem
      ? {
        name: "data folder",
        result: "fail",
        detail: `${config.dataDir} is not writable: ${dataProblem}`,
      }
      : { name: "data folder", result: "pass", detail: config.dataDir },
  );
  if (await isLocked(config.dataDir)) {
    const holder = await readLockInfo(config.dataDir);
    checks.push({
      name: "service",
      result: "pass",
      detail: `running (process ${holder?.pid ?? "?"})`,
    });
  } else {checks.push({
      name: "service",
      result: "warn",
      detail: "not running on this data folder",
    });}
  const converters = await converterChecks(config);
  checks.push(...converters.checks);
  if (converters.known !== null) {
    for (const problem of unknownConverters(config.watch, converters.known)) {
      checks.push({ name: "watch", result: "fail", detail: problem });
    }
  }
  if (config.watch.length === 0) {
    checks.push({ name: "watch", result: "warn", detail: "no drop folder configured" });
  }
  for (const problem of await folderOverlapProblems(config)) {
    checks.push({ name: "watch", result: "fail", detail: problem });
  }
  for (const [index, watch] of config.watch.entries()) {
    const isMissing = await Deno.stat(watch.path).then(
      () => false,
      (error) => error instanceof Deno.errors.NotFound,
    );
    if (isMissing) {
      // Made by the service's start only when the entry says so; the doctor makes nothing.
      checks.push(
        watch.create
          ? { name: "watch", result: "pass", detail: `${watch.path}: made at start (create: true)` }
          : {
            name: "watch",
            result: "fail",
            detail: `watch[${index}].path: ${watch.path}: the drop folder does not exist`,
          },
      );
      continue;
    }
    const problem = await isWritable(watch.path);
    checks.push(
      problem ? { name: "watch", result: "fail", detail: `${watch.path}: ${problem}` } : {
        name: "watch",
        result: "pass",
        detail: `${watch.path} (${watch.converter}, ${watch.pattern})`,
      },
    );
  }
  const network = await networkChecks(config);
  checks.push(...network.checks);
  try {
    const client = network.clients?.clientFor(new URL(config.server.url));
    checks.push(...await serverChecks(config, now, client));
  } finally {
    network.clients?.close();
  }
  return checks;
}

/** Deno's fetch says "fetch failed"; its cause says why (a certificate, the proxy's answer). */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

const MARKS = { pass: "ok  ", warn: "WARN", fail: "FAIL" };

/**
 * Runs `wats doctor`.
 *
 * @param args The arguments after `doctor`.
 * @param io Output.
 * @returns 0, 1 or 2.
 */
export async function doctorCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: COMMON_OPTIONS });
  if (values.help) {
    io.out(DOCTOR_HELP);
    return 0;
  }
  let checks: Check[];
  try {
    const config = await configFrom(values, io);
    checks = await runChecks(config, values.config, () => Date.now());
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    checks = [{ name: "config", result: "fail", detail: error.message }];
  }
  if (values.json) io.out(JSON.stringify(checks, null, 2) + "\n");
  else {for (const check of checks) {
      io.out(`${MARKS[check.result]}  ${check.name}: ${check.detail}\n`);
    }}
  if (checks.some((check) => check.result === "fail")) return 2;
  return checks.some((check) => check.result === "warn") ? 1 : 0;
}
