/**
 * Least privilege, checked at start: every path and host the configuration names is asked of
 * `Deno.permissions`, and each one missing is reported with the exact flag that grants it, e.g.
 * `--allow-write=/var/lib/wats (the data folder: queue, ledger, lock)`.
 *
 * Required permissions stop the service (exit 14); optional ones (the disk-space check, the
 * station's host name) only leave a warning in `/status`.
 *
 * A plug-in's worker may read the plug-in's whole folder (its helpers) and write a temp folder of
 * its own, and a worker gets no permission its parent lacks: so each plug-in needs read on its
 * folder, and plug-in conversions need write on the OS temp folder (`TMPDIR`, `TMP`).
 *
 * @module
 */

import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServiceConfigValues } from "./config/schema.ts";
import { currentPlatform } from "../util/platform.ts";
import { proxyFor } from "../api/http/proxy.ts";

/** One permission the service needs. */
export interface PermissionNeed {
  /** The permission kind. */
  name: "read" | "write" | "net" | "env" | "sys";
  /** The path, host, variable or sys call; the whole kind when absent. */
  target?: string;
  /** What it is needed for. */
  why: string;
  /** Whether the service can run without it (with a feature off). */
  optional?: boolean;
}

/** A permission that is not granted. */
export interface MissingPermission {
  /** The flag that grants it, e.g. `--allow-read=/data`. */
  flag: string;
  /** What it is needed for. */
  why: string;
  /** Whether the service can run without it. */
  optional: boolean;
}

/**
 * The command-line flag that grants a permission.
 *
 * @param need The permission.
 * @returns E.g. `--allow-net=acme.wats.com:443`.
 */
export function flagFor(need: PermissionNeed): string {
  return `--allow-${need.name}${need.target === undefined ? "" : `=${need.target}`}`;
}

function descriptorOf(need: PermissionNeed): Deno.PermissionDescriptor {
  switch (need.name) {
    case "read":
    case "write":
      return { name: need.name, path: need.target };
    case "net":
      return { name: "net", host: need.target };
    case "env":
      return { name: "env", variable: need.target };
    case "sys":
      return { name: "sys", kind: need.target as Deno.SysPermissionDescriptor["kind"] };
  }
}

/** The port of each scheme the service connects with, when the URL names none. */
const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  "http:": "80",
  "https:": "443",
  "mqtt:": "1883",
  "mqtts:": "8883",
  "amqp:": "5672",
  "amqps:": "5671",
};

/** The host (and port) a URL connects to, as `--allow-net` names it. */
function hostOf(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || DEFAULT_PORTS[parsed.protocol] || "80";
  return `${parsed.hostname}:${port}`;
}

/** The proxy the WATS server is reached through; a proxy URL that does not parse is none. */
function proxyOf(config: ServiceConfigValues): { url: string; source: string } | null {
  try {
    return proxyFor(new URL(config.server.url), config.server.proxy, envIfGranted);
  } catch {
    return null;
  }
}

/** An environment variable, if this process may read it (asking would prompt). */
function envIfGranted(name: string): string | undefined {
  if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
    return undefined;
  }
  return Deno.env.get(name) || undefined;
}

/** The folder `Deno.makeTempDir` writes into, as the runtime picks it. */
function osTempDir(): string {
  if (currentPlatform.isWindows) {
    return envIfGranted("TMP") ?? envIfGranted("TEMP") ?? envIfGranted("USERPROFILE") ??
      "C:\\Windows\\Temp";
  }
  return envIfGranted("TMPDIR") ?? "/tmp";
}

/** The toolkit's converters folder when it runs from files: the plug-in worker's code. */
function workerCodeDir(): string | undefined {
  // The worker (`converters/plugins/_worker.ts`) imports modules from the whole converters folder.
  const url = new URL("../converters/plugins/_worker.ts", import.meta.url);
  return url.protocol === "file:" ? dirname(dirname(fileURLToPath(url))) : undefined;
}

/**
 * The permissions a service with this configuration needs.
 *
 * @param config The configuration.
 * @param options The configuration file, if one was read; the OS temp folder (asked of the
 *   environment by default).
 * @returns One entry per path, host and optional feature.
 */
export function servicePermissions(
  config: ServiceConfigValues,
  options: { configFile?: string; tempDir?: string } = {},
): PermissionNeed[] {
  const needs: PermissionNeed[] = [];
  const readWrite = (path: string, why: string) => {
    needs.push({ name: "read", target: path, why }, { name: "write", target: path, why });
  };
  readWrite(config.dataDir, "the data folder: queue, ledger, lock");
  config.watch.forEach((watch, index) => {
    readWrite(watch.path, `watch[${index}]: the drop folder`);
    if (watch.errorDir) readWrite(watch.errorDir, `watch[${index}].errorDir`);
    if (watch.archiveDir) readWrite(watch.archiveDir, `watch[${index}].archiveDir`);
  });
  if (options.configFile) {
    needs.push({ name: "read", target: options.configFile, why: "the configuration file" });
  }
  if (config.server.tokenFile) {
    needs.push({ name: "read", target: config.server.tokenFile, why: "server.tokenFile" });
  }
  const { plugins } = config.converters;
  plugins.forEach((plugin, index) => {
    needs.push({
      name: "read",
      target: dirname(plugin),
      why: `converters.plugins[${index}]: the plug-in's folder, read by its worker`,
    });
  });
  if (plugins.length > 0) {
    const code = workerCodeDir();
    if (code !== undefined) {
      needs.push({ name: "read", target: code, why: "converters.plugins: the plug-in worker" });
    }
    needs.push({
      name: "write",
      target: options.tempDir ?? osTempDir(),
      why: "converters.plugins: each plug-in conversion's temp folder",
    });
  }
  if (config.server.caCertFile) {
    needs.push({ name: "read", target: config.server.caCertFile, why: "server.caCertFile" });
  }
  const { proxy } = config.server;
  if (typeof proxy === "object" && proxy.passwordFile) {
    needs.push({
      name: "read",
      target: proxy.passwordFile,
      why: "server.proxy.passwordFile",
    });
  }
  needs.push({ name: "net", target: hostOf(config.server.url), why: "the WATS server" });
  const via = proxyOf(config);
  if (via) {
    needs.push({ name: "net", target: hostOf(via.url), why: `the proxy (${via.source})` });
  }
  const { mqtt, cfx } = config.events;
  if (mqtt) needs.push({ name: "net", target: hostOf(mqtt.url), why: "events.mqtt: the broker" });
  if (cfx) needs.push({ name: "net", target: hostOf(cfx.url), why: "events.cfx: the broker" });
  for (const [sink, broker] of [["mqtt", mqtt], ["cfx", cfx]] as const) {
    if (!broker) continue;
    const files = { passwordFile: broker.passwordFile, ...broker.tls };
    for (const key of ["passwordFile", "caFile", "certFile", "keyFile"] as const) {
      const file = files[key];
      if (file) needs.push({ name: "read", target: file, why: `events.${sink}.${key}` });
    }
  }
  const port = config.status.port === 0 ? "" : `:${config.status.port}`;
  needs.push({
    name: "net",
    target: `${config.status.hostname}${port}`,
    why: "the status server (status.hostname, status.port)",
  });
  needs.push({ name: "sys", target: "statfs", why: "the free disk space check", optional: true });
  return needs;
}

/**
 * Asks `Deno.permissions` about each need.
 *
 * @param needs The permissions to check.
 * @returns Those not granted, each with its flag; empty when all are granted.
 *
 * @example Name what is missing
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkPermissions } from "@wats/toolkit/client";
 *
 * const missing = await checkPermissions([{ name: "net", target: "acme.wats.com:443", why: "the server" }]);
 * // The doc tests may reach loopback only, so the server's host is missing.
 * assert.deepEqual(missing.map(({ why }) => why), ["the server"]);
 * ```
 */
export async function checkPermissions(needs: PermissionNeed[]): Promise<MissingPermission[]> {
  const missing: MissingPermission[] = [];
  const seen = new Set<string>();
  for (const need of needs) {
    const flag = flagFor(need);
    if (seen.has(flag)) continue;
    seen.add(flag);
    const { state } = await Deno.permissions.query(descriptorOf(need));
    if (state !== "granted") {
      missing.push({ flag, why: need.why, optional: need.optional ?? false });
    }
  }
  return missing;
}

/**
 * One message naming every missing required permission.
 *
 * @param missing What {@linkcode checkPermissions} found.
 * @returns The message, or `null` when nothing required is missing.
 */
export function describeMissing(missing: MissingPermission[]): string | null {
  const required = missing.filter((entry) => !entry.optional);
  if (required.length === 0) return null;
  const lines = required.map((entry) => `  ${entry.flag}  (${entry.why})`);
  return `Missing permissions; run again with:\n${lines.join("\n")}`;
}
