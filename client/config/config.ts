/**
 * Loads the station service configuration: defaults < JSON file < environment < flags, one zod
 * schema, and errors that name the source and the key to fix, e.g.
 * `config.json: watch[0].postAction: expected one of move, archive, delete, keep`.
 *
 * Relative paths resolve against the configuration file's folder (values from the environment or
 * flags: against the working folder). The API token is never read from the configuration file:
 * it comes from `WATS_TOKEN` or from the file named by `server.tokenFile`, and the loaded
 * configuration keeps it in a non-enumerable `secrets` object that prints and serializes as
 * `[redacted]`, so `JSON.stringify(config)` and logs of the configuration never carry it. The
 * proxy password (`server.proxy`) is kept the same way: from `WATS_PROXY_PASSWORD` or the file
 * named by `server.proxy.passwordFile`, refused in the configuration file.
 *
 * Environment: `WATS_BASE_URL`, `WATS_TOKEN`, `WATS_TIMEOUT` (seconds), `WATS_STATION`,
 * `WATS_DATA_DIR` (the `PYWATS_SERVER_URL`, `PYWATS_API_TOKEN`, `PYWATS_STATION` and
 * `PYWATS_DATA_DIR` spellings of packaged units are accepted too).
 *
 * @module
 */

import { resolve } from "node:path";
import { getLogger } from "@logtape/logtape";
import {
  applyEnv,
  controlCharacterProblems,
  defaultDataDir,
  defaultStationName,
  type EnvReader,
  formatPath,
  Layers,
  originLabel,
  PROXY_PASSWORD_ENV,
  resolvePaths,
  secretInFileProblems,
  TOKEN_ENV,
  unknownKeyWarnings,
} from "./_sources.ts";
import { DEFAULT_INSTANCE, instanceStatusPort } from "./instance.ts";
import { ServiceConfigSchema, type ServiceConfigValues } from "./schema.ts";
import { ConfigError } from "../errors.ts";
import { currentPlatform, type Platform } from "../../util/platform.ts";
import { readSecretFile } from "./_secret_file.ts";

const REDACTED = "[redacted]";

/**
 * The secrets of a loaded configuration. They are readable through the getters and nowhere else:
 * `JSON.stringify`, `Deno.inspect` and `node:util` inspect all show `[redacted]`.
 *
 * @example Read the token where it is needed, and only there
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfigSecrets } from "@wats/toolkit/client";
 *
 * const secrets = new ConfigSecrets("s3cret");
 * assert.equal(JSON.stringify(secrets), '{"apiToken":"[redacted]"}');
 * assert.equal(`Basic ${secrets.apiToken}`, "Basic s3cret");
 * ```
 */
export class ConfigSecrets {
  readonly #apiToken: string | undefined;
  readonly #statusToken: string | undefined;
  readonly #proxyPassword: string | undefined;

  /**
   * Holds the secrets.
   *
   * @param apiToken The WATS API token.
   * @param statusToken The bearer token of the loopback status and control API.
   * @param proxyPassword The password for `server.proxy`'s basic auth.
   */
  constructor(apiToken?: string, statusToken?: string, proxyPassword?: string) {
    this.#apiToken = apiToken;
    this.#statusToken = statusToken;
    this.#proxyPassword = proxyPassword;
    const inspect = () => `ConfigSecrets ${JSON.stringify(this.toJSON())}`;
    for (
      const key of [Symbol.for("Deno.customInspect"), Symbol.for("nodejs.util.inspect.custom")]
    ) {
      Object.defineProperty(this, key, { value: inspect, enumerable: false });
    }
  }

  /** The WATS API token, if one was configured. */
  get apiToken(): string | undefined {
    return this.#apiToken;
  }

  /** The status API token, if one was configured. */
  get statusToken(): string | undefined {
    return this.#statusToken;
  }

  /** The proxy password, if one was configured. */
  get proxyPassword(): string | undefined {
    return this.#proxyPassword;
  }

  /**
   * Shows which secrets are set, never their values.
   *
   * @returns `[redacted]` for each secret that is set.
   */
  toJSON(): Record<string, string> {
    const shown: Record<string, string> = {};
    if (this.#apiToken !== undefined) shown.apiToken = REDACTED;
    if (this.#statusToken !== undefined) shown.statusToken = REDACTED;
    if (this.#proxyPassword !== undefined) shown.proxyPassword = REDACTED;
    return shown;
  }
}

/** The loaded configuration: every value with its default, plus the hidden secrets. */
export type ServiceConfig = ServiceConfigValues & {
  /** The secrets; a non-enumerable property, never serialized. */
  readonly secrets: ConfigSecrets;
};

/** Where {@linkcode loadConfig} reads from. */
export interface LoadConfigOptions {
  /** The JSON configuration file; optional when the environment and flags say enough. */
  file?: string;
  /**
   * The file's content, parsed, read in place of `file` (which then only names it in messages
   * and anchors its relative paths): checks an edit before it is written.
   */
  content?: Record<string, unknown>;
  /** Environment variables; the process environment by default. */
  env?: Record<string, string | undefined>;
  /** Overrides from the command line, in the shape of the file (e.g. `{ server: { url } }`). */
  flags?: Record<string, unknown>;
  /** The host name for the default station name; asked from the OS by default. */
  hostname?: string;
  /**
   * The instance (`default` by default): its default data folder and status port
   * (`client/config/instance.ts`).
   */
  instance?: string;
  /** The working folder for relative paths from the environment and flags. */
  cwd?: string;
  /** Receives warnings (unknown keys, a token file the group can read); logged by default. */
  onWarning?: (message: string) => void;
  /** The OS rules (whether mode bits guard the token file); this process's by default. */
  platform?: Platform;
}

function processEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    // Without --allow-env for this name the variable counts as unset.
    return undefined;
  }
}

/**
 * Loads and validates the service configuration.
 *
 * @param options The file, environment and flags to read.
 * @returns The configuration with defaults applied and secrets hidden in `secrets`.
 * @throws {ConfigError} Naming each bad key and where it came from (`exitCode` 21 when the file
 *   is missing, 22 when something is invalid).
 *
 * @example Load from a file with an environment override
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { loadConfig } from "@wats/toolkit/client";
 *
 * const folder = await Deno.makeTempDir();
 * try {
 *   const file = join(folder, "config.json");
 *   await Deno.writeTextFile(file, JSON.stringify({ server: { url: "https://acme.wats.com" } }));
 *   const config = await loadConfig({ file, env: { WATS_TOKEN: "s3cret", WATS_TIMEOUT: "10" } });
 *   assert.equal(config.server.timeoutMs, 10_000);
 * } finally {
 *   await Deno.remove(folder, { recursive: true });
 * }
 * ```
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ServiceConfig> {
  const cwd = options.cwd ?? Deno.cwd();
  const env: EnvReader = options.env ? (name) => options.env?.[name] : processEnv;
  const warn = options.onWarning ??
    ((message: string) => getLogger(["wats", "config"]).warn(message));
  const { file } = options;
  const layers = new Layers();
  const problems: string[] = [];
  const instance = options.instance ?? DEFAULT_INSTANCE;
  layers.set(["dataDir"], defaultDataDir(env, instance), { kind: "default" });
  layers.set(["status", "port"], instanceStatusPort(instance), { kind: "default" });
  layers.set(["station", "name"], defaultStationName(env, options.hostname), { kind: "default" });

  let statusToken: string | undefined;
  if (file !== undefined) {
    const raw = options.content
      ? structuredClone(options.content)
      : await readConfigFile(file, cwd);
    problems.push(...secretInFileProblems(raw, file));
    for (const warning of unknownKeyWarnings(raw, file)) warn(warning);
    statusToken = takeStatusToken(raw) ?? statusToken;
    layers.apply(raw, { kind: "file", file });
  }
  problems.push(...applyEnv(layers, env));
  if (options.flags) {
    const flags = structuredClone(options.flags);
    statusToken = takeStatusToken(flags) ?? statusToken;
    layers.apply(flags, { kind: "flags" });
  }
  problems.push(...controlCharacterProblems(layers, file));
  resolvePaths(layers, cwd);

  const parsed = ServiceConfigSchema.safeParse(layers.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const label = originLabel(layers.originOf(issue.path), file);
      const isMissing = issue.code === "invalid_type" && layers.get(issue.path) === undefined;
      const message = isMissing ? "required" : issue.message
        .replace(/^Invalid input: /, "")
        .replace(/^[A-Z]/, (first) => first.toLowerCase());
      problems.push(`${label}: ${formatPath(issue.path)}: ${message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems, 22);

  const config = parsed.data;
  const readOptions = {
    warn,
    platform: options.platform ?? currentPlatform,
  };
  const apiToken = await readToken(config, env, layers, file, readOptions);
  const proxyPassword = await readProxyPassword(config, env, layers, file, readOptions);
  Object.defineProperty(config, "secrets", {
    value: new ConfigSecrets(apiToken, statusToken, proxyPassword),
    enumerable: false,
  });
  return config as ServiceConfig;
}

/**
 * Reads a configuration file as a JSON object, without checking its keys.
 *
 * @param file The file.
 * @param cwd The folder a relative `file` is in.
 * @returns The parsed object.
 * @throws {ConfigError} 21 when the file is missing, 22 when it is not a JSON object.
 */
export async function readConfigFile(
  file: string,
  cwd: string = Deno.cwd(),
): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(resolve(cwd, file));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigError([`${file}: configuration file not found`], 21);
    }
    throw new ConfigError([`${file}: cannot read: ${(error as Error).message}`], 22);
  }
  let raw: unknown;
  try {
    // Windows editors like to start UTF-8 files with a byte order mark.
    raw = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new ConfigError([`${file}: not valid JSON: ${(error as Error).message}`], 22);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError([`${file}: expected a JSON object at the top level`], 22);
  }
  return raw as Record<string, unknown>;
}

/** Removes `status.token` from an input object and returns it. */
function takeStatusToken(input: Record<string, unknown>): string | undefined {
  const status = input.status;
  if (typeof status !== "object" || status === null || !("token" in status)) return undefined;
  const { token, ...rest } = status as Record<string, unknown>;
  input.status = rest;
  return typeof token === "string" && token !== "" ? token : undefined;
}

async function readToken(
  config: ServiceConfigValues,
  env: EnvReader,
  layers: Layers,
  file: string | undefined,
  options: { warn: (message: string) => void; platform: Platform },
): Promise<string | undefined> {
  for (const name of TOKEN_ENV) {
    const token = env(name)?.trim();
    if (token) return token;
  }
  const path = config.server.tokenFile;
  if (path === undefined) return undefined;
  const where = `${originLabel(layers.originOf(["server", "tokenFile"]), file)}: server.tokenFile`;
  return await readSecretFile(path, where, { ...options, what: "token", envName: "WATS_TOKEN" });
}

/**
 * The proxy password: `WATS_PROXY_PASSWORD`, else the file named by `server.proxy.passwordFile`.
 * A user name needs a password and a password a user name.
 */
async function readProxyPassword(
  config: ServiceConfigValues,
  env: EnvReader,
  layers: Layers,
  file: string | undefined,
  options: { warn: (message: string) => void; platform: Platform },
): Promise<string | undefined> {
  const proxy = config.server.proxy;
  if (typeof proxy !== "object") return undefined;
  let password = env(PROXY_PASSWORD_ENV)?.trim() || undefined;
  if (password === undefined && proxy.passwordFile !== undefined) {
    const origin = layers.originOf(["server", "proxy", "passwordFile"]);
    const where = `${originLabel(origin, file)}: server.proxy.passwordFile`;
    password = await readSecretFile(proxy.passwordFile, where, {
      ...options,
      what: "proxy password",
      envName: PROXY_PASSWORD_ENV,
    });
  }
  const label = originLabel(layers.originOf(["server", "proxy"]), file);
  if (password !== undefined && proxy.username === undefined) {
    throw new ConfigError([
      `${label}: server.proxy.username: required with a proxy password`,
    ], 22);
  }
  if (password === undefined && proxy.username !== undefined) {
    throw new ConfigError([
      `${label}: server.proxy: the user name needs a password; set ${PROXY_PASSWORD_ENV} or ` +
      "name a file readable only by the service account in server.proxy.passwordFile",
    ], 22);
  }
  return password;
}
