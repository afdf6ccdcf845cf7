/**
 * The layers of the configuration (defaults < file < environment < flags) and where each value
 * came from, so an error names the file, variable or flag to fix.
 *
 * @module
 */

import { dirname, isAbsolute, resolve } from "node:path";
import { currentPlatform } from "../../util/platform.ts";
import { DEFAULT_INSTANCE, instanceDataDir } from "./instance.ts";
import { isUrl, KNOWN_KEYS } from "./schema.ts";

/** Where a configuration value came from. */
export type Origin =
  | { kind: "default" }
  | { kind: "file"; file: string }
  | { kind: "env"; name: string }
  | { kind: "flags" };

type Path = readonly PropertyKey[];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Formats a key path the way users write it: `watch[0].postAction`.
 */
export function formatPath(path: Path): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text ? `.${String(part)}` : String(part);
  }
  return text;
}

/** The label of an origin in messages. */
export function originLabel(origin: Origin | undefined, file: string | undefined): string {
  if (origin?.kind === "env") return `env ${origin.name}`;
  if (origin?.kind === "flags") return "flags";
  if (origin?.kind === "file") return origin.file;
  return file ?? "configuration";
}

/** The merged configuration input and the origin of every value. */
export class Layers {
  readonly value: Record<string, unknown> = {};
  readonly #origins = new Map<string, Origin>();

  /** Merges `source` over what is there; objects merge, arrays and scalars replace. */
  apply(source: Record<string, unknown>, origin: Origin, at: Path = []): void {
    for (const [key, next] of Object.entries(source)) {
      if (next === undefined) continue;
      const path = [...at, key];
      const target = this.#parentOf(path);
      if (isPlainObject(next)) {
        if (!isPlainObject(target[key])) this.set(path, {}, origin);
        this.apply(next, origin, path);
      } else {
        this.set(path, next, origin);
      }
    }
  }

  /** Sets one value, replacing whatever was below it. */
  set(path: Path, value: unknown, origin: Origin): void {
    const parent = this.#parentOf(path);
    parent[String(path[path.length - 1])] = value;
    const key = formatPath(path);
    for (const known of [...this.#origins.keys()]) {
      if (known.startsWith(`${key}.`) || known.startsWith(`${key}[`)) this.#origins.delete(known);
    }
    this.#origins.set(key, origin);
  }

  /** The value at a path, if any. */
  get(path: Path): unknown {
    let node: unknown = this.value;
    for (const part of path) {
      if (typeof node !== "object" || node === null) return undefined;
      node = (node as Record<PropertyKey, unknown>)[part];
    }
    return node;
  }

  /** The origin of the value at a path, or of its closest ancestor. */
  originOf(path: Path): Origin | undefined {
    for (let length = path.length; length > 0; length--) {
      const origin = this.#origins.get(formatPath(path.slice(0, length)));
      if (origin) return origin;
    }
    return undefined;
  }

  #parentOf(path: Path): Record<string, unknown> {
    let node = this.value;
    for (const part of path.slice(0, -1)) {
      const key = String(part);
      if (!isPlainObject(node[key]) && !Array.isArray(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    return node;
  }
}

/** Reads one environment variable; a variable the process may not read counts as unset. */
export type EnvReader = (name: string) => string | undefined;

/** Environment variables and the key each one sets; the first set name of a row wins. */
const ENV_KEYS: { names: string[]; path: string[]; seconds?: boolean }[] = [
  { names: ["WATS_BASE_URL", "PYWATS_SERVER_URL"], path: ["server", "url"] },
  { names: ["WATS_TIMEOUT"], path: ["server", "timeoutMs"], seconds: true },
  { names: ["WATS_STATION", "PYWATS_STATION"], path: ["station", "name"] },
  { names: ["WATS_DATA_DIR", "PYWATS_DATA_DIR"], path: ["dataDir"] },
];

/** Names of the token variables, first set wins. */
export const TOKEN_ENV: readonly string[] = ["WATS_TOKEN", "PYWATS_API_TOKEN"];

/** The variable holding the password of `server.proxy`. */
export const PROXY_PASSWORD_ENV = "WATS_PROXY_PASSWORD";

/** Applies the environment layer; returns problems with values that cannot be used. */
export function applyEnv(layers: Layers, env: EnvReader): string[] {
  const problems: string[] = [];
  for (const { names, path, seconds } of ENV_KEYS) {
    const name = names.find((candidate) => env(candidate)?.trim());
    if (name === undefined) continue;
    const raw = env(name)!.trim();
    if (!seconds) {
      layers.set(path, raw, { kind: "env", name });
      continue;
    }
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      problems.push(
        `env ${name}: expected a positive number of seconds, got ${JSON.stringify(raw)}`,
      );
    } else layers.set(path, Math.round(value * 1000), { kind: "env", name });
  }
  return problems;
}

/** Keys holding paths, resolved against the configuration file's folder when they came from it. */
function pathKeys(layers: Layers): Path[] {
  const keys: Path[] = [
    ["dataDir"],
    ["server", "tokenFile"],
    ["server", "caCertFile"],
    ["server", "proxy", "passwordFile"],
  ];
  const watch = layers.get(["watch"]);
  if (Array.isArray(watch)) {
    watch.forEach((_, index) => {
      for (const key of ["path", "archiveDir", "errorDir"]) keys.push(["watch", index, key]);
    });
  }
  for (const file of ["passwordFile", "tls.caFile", "tls.certFile", "tls.keyFile"]) {
    for (const sink of ["mqtt", "cfx"]) keys.push(["events", sink, ...file.split(".")]);
  }
  const plugins = layers.get(["converters", "plugins"]);
  if (Array.isArray(plugins)) {
    // A URL is left as it is for the schema to refuse by name.
    plugins.forEach((plugin, index) => {
      if (typeof plugin === "string" && !isUrl(plugin)) keys.push(["converters", "plugins", index]);
    });
  }
  return keys;
}

/** Makes every relative path absolute: against the file's folder, or the working folder. */
export function resolvePaths(layers: Layers, cwd: string): void {
  for (const path of pathKeys(layers)) {
    const value = layers.get(path);
    if (typeof value !== "string" || value === "" || isAbsolute(value)) continue;
    const origin = layers.originOf(path);
    const base = origin?.kind === "file" ? dirname(resolve(cwd, origin.file)) : cwd;
    layers.set(path, resolve(base, value), origin ?? { kind: "default" });
  }
}

/** Names of the control characters a JSON escape in a Windows path turns into. */
const ESCAPED_CONTROLS: Record<string, string> = {
  "\t": "a TAB (\\t)",
  "\n": "a line break (\\n)",
  "\r": "a carriage return (\\r)",
  "\b": "a backspace (\\b)",
  "\f": "a form feed (\\f)",
};

/**
 * Problems for paths holding control characters: in JSON `"C:\temp"` is `C:` TAB `emp`, since
 * `\t` is an escape. No real folder name holds one, so the path is refused with the fix.
 */
export function controlCharacterProblems(layers: Layers, file: string | undefined): string[] {
  const problems: string[] = [];
  for (const path of pathKeys(layers)) {
    const value = layers.get(path);
    if (typeof value !== "string") continue;
    const found = [...value].find((char) => char < " ");
    if (found === undefined) continue;
    const what = ESCAPED_CONTROLS[found] ?? "a control character";
    problems.push(
      `${originLabel(layers.originOf(path), file)}: ${formatPath(path)}: the path holds ${what}; ` +
        'in JSON a backslash starts an escape: write "C:\\\\temp" or "C:/temp"',
    );
  }
  return problems;
}

/** Token keys refused in the configuration file. */
const TOKEN_PATHS: readonly (readonly string[])[] = [
  ["server", "token"],
  ["server", "apiToken"],
  ["server", "api_token"],
  ["token"],
  ["apiToken"],
  ["api_token"],
];

const TOKEN_ADVICE = "a token is not accepted in the configuration file; set the WATS_TOKEN " +
  "environment variable or put the token in a file readable only by the service account and " +
  "name that file in server.tokenFile";

function passwordAdvice(sink: "mqtt" | "cfx"): string {
  const variable = `WATS_${sink.toUpperCase()}_PASSWORD`;
  return `a password is not accepted in the configuration file; set the ${variable} ` +
    "environment variable or put the password in a file readable only by the service account " +
    `and name that file in events.${sink}.passwordFile`;
}

/** Secret keys refused in the configuration file, each with where the secret goes instead. */
const SECRET_KEYS: readonly { path: readonly string[]; advice: string }[] = [
  ...TOKEN_PATHS.map((path) => ({ path, advice: TOKEN_ADVICE })),
  { path: ["events", "mqtt", "password"], advice: passwordAdvice("mqtt") },
  { path: ["events", "cfx", "password"], advice: passwordAdvice("cfx") },
];

/**
 * Problems for a secret (the WATS token, a broker password) written into the configuration
 * file; the value is never repeated.
 *
 * @param raw The file's parsed JSON.
 * @param file The file's path, for the messages.
 * @returns One problem a secret found.
 */
export function secretInFileProblems(raw: Record<string, unknown>, file: string): string[] {
  const problems: string[] = [];
  for (const { path, advice } of SECRET_KEYS) {
    let node: unknown = raw;
    for (const part of path) node = isPlainObject(node) ? node[part] : undefined;
    if (node === undefined) continue;
    problems.push(`${file}: ${formatPath(path)}: ${advice}`);
  }
  const proxy = isPlainObject(raw.server) ? raw.server.proxy : undefined;
  const proxyUrl = isPlainObject(proxy) ? proxy.url : undefined;
  let urlHasPassword = false;
  try {
    urlHasPassword = typeof proxyUrl === "string" && new URL(proxyUrl).password !== "";
  } catch {
    // The schema names a URL that does not parse.
  }
  if ((isPlainObject(proxy) && proxy.password !== undefined) || urlHasPassword) {
    const key = urlHasPassword ? "server.proxy.url" : "server.proxy.password";
    problems.push(
      `${file}: ${key}: a proxy password is not accepted in the configuration file; set the ` +
        `${PROXY_PASSWORD_ENV} environment variable or put the password in a file readable only ` +
        "by the service account and name that file in server.proxy.passwordFile",
    );
  }
  return problems;
}

/** Warnings for keys of the file the schema does not know (they are ignored). */
export function unknownKeyWarnings(raw: Record<string, unknown>, file: string): string[] {
  const warnings: string[] = [];
  function visit(node: unknown, shape: string, at: PropertyKey[]): void {
    if (!isPlainObject(node)) return;
    const known = KNOWN_KEYS[shape];
    for (const [key, value] of Object.entries(node)) {
      const path = [...at, key];
      if (!known.includes(key)) {
        if (!SECRET_KEYS.some((secret) => formatPath(secret.path) === formatPath(path))) {
          warnings.push(`${file}: ${formatPath(path)}: unknown key, ignored`);
        }
      } else if (shape === "" && key === "watch" && Array.isArray(value)) {
        value.forEach((entry, index) => visit(entry, "watch[]", [...path, index]));
      } else if (shape === "" && key in KNOWN_KEYS) visit(value, key, path);
    }
  }
  visit(raw, "", []);
  return warnings;
}

/** The default data folder of an instance (`default` unless named) on this OS. */
export function defaultDataDir(env: EnvReader, instance: string = DEFAULT_INSTANCE): string {
  let isRoot = false;
  try {
    isRoot = currentPlatform.os !== "windows" && Deno.uid() === 0;
  } catch {
    // Without --allow-sys=uid the user's own folder is the safe guess.
  }
  // macOS keeps the system folder as the default, as before; Linux picks by the user.
  const isUser = currentPlatform.os === "linux" && !isRoot;
  return instanceDataDir(instance, { os: currentPlatform.os, isUser, env });
}

/** The default station name: the host name, upper-cased. */
export function defaultStationName(env: EnvReader, hostname?: string): string {
  let name = hostname ?? env("COMPUTERNAME") ?? env("HOSTNAME");
  if (!name) {
    try {
      name = Deno.hostname();
    } catch {
      // Without --allow-sys=hostname: the operator sets WATS_STATION or station.name.
    }
  }
  return (name || "station").toUpperCase();
}
