/**
 * How requests leave the process: through which HTTP proxy, if any, and trusting which extra
 * certificate authorities.
 *
 * Three proxy settings, as the reference client's `proxy_mode` has them:
 *
 * - `"system"` (the default): the proxy environment variables, as curl and Deno read them:
 *   `HTTPS_PROXY` for `https:` URLs, `HTTP_PROXY` for `http:` URLs, `ALL_PROXY` for both, each
 *   also in lower case, and `NO_PROXY` for the hosts that go direct. Credentials in the
 *   variable's URL (`http://user:pass@proxy:3128`) are sent as basic auth and never shown.
 * - `"none"`: no proxy of the toolkit's own.
 * - `{ url, username, password, bypass }`: one proxy for every request except the `bypass`
 *   hosts.
 *
 * A bypassed host is reached through a client without a proxy. Deno itself applies the proxy
 * variables of the process environment to every client it makes, so with `"none"` or a bypass
 * list those variables still apply: unset them for the process, or list the host in `NO_PROXY`.
 *
 * Bypass and `NO_PROXY` entries: `*` (every host), a host name that matches itself and its
 * sub-domains (`acme.local` and `.acme.local` both match `wats.acme.local`), an IP address, a
 * CIDR range (`10.0.0.0/8`), each optionally with `:port`.
 *
 * @module
 */

/** A proxy named in full: one proxy for every request except the bypass hosts. */
export interface ManualProxy {
  /** The proxy, e.g. `http://proxy.acme.local:3128`; without credentials in it. */
  url: string;
  /** The user name for the proxy's basic auth. */
  username?: string;
  /** The password for the proxy's basic auth; never shown in messages or logs. */
  password?: string;
  /** Hosts reached directly, in the `NO_PROXY` forms (see the module doc). */
  bypass?: readonly string[];
}

/** How requests reach the server: `"system"`, `"none"`, or a {@linkcode ManualProxy}. */
export type ProxySetting = "system" | "none" | ManualProxy;

/** The proxy one request goes through. */
export interface ChosenProxy {
  /** The proxy URL, without credentials. */
  url: string;
  /** The basic auth credentials for the proxy, if any. */
  basicAuth?: Deno.BasicAuth;
  /** Where it came from: `config` (a manual proxy) or the environment variable's name. */
  source: string;
}

/** Reads one environment variable; `undefined` when unset or not readable. */
export type EnvReader = (name: string) => string | undefined;

/**
 * Reads the process environment; a variable the process may not read counts as unset.
 *
 * @param name The variable.
 * @returns Its value, or `undefined`.
 */
export function processEnv(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes credentials from a URL, for messages and status.
 *
 * @param url A URL that may carry `user:password@`.
 * @returns The URL without them; a value that is not a URL is returned as `[invalid URL]`.
 *
 * @example Show a proxy without its password
 * ```ts
 * import assert from "node:assert/strict";
 * import { withoutCredentials } from "@wats/toolkit/http";
 * assert.equal(withoutCredentials("http://svc:s3cret@proxy:3128"), "http://proxy:3128");
 * ```
 */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.href.replace(/\/$/, "");
  } catch {
    return "[invalid URL]";
  }
}

function envOf(env: EnvReader, name: string): string | undefined {
  return env(name)?.trim() || env(name.toLowerCase())?.trim() || undefined;
}

/**
 * The bypass list of a setting: `NO_PROXY` for `"system"`, the `bypass` list for a manual one.
 *
 * @param setting The proxy setting.
 * @param env The environment, for `"system"`; the process environment by default.
 * @returns The entries, empty for `"none"`.
 */
export function bypassOf(setting: ProxySetting, env: EnvReader = processEnv): string[] {
  if (setting === "none") return [];
  if (setting === "system") {
    return (envOf(env, "NO_PROXY") ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
  }
  return [...(setting.bypass ?? [])];
}

/** An entry's host and port: `[::1]:8080`, `host:8080`, `host`, or a bare IPv6 address. */
function splitEntry(entry: string): { name: string; port?: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1], port: bracketed[2] };
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  if (withPort) return { name: withPort[1], port: withPort[2] };
  return { name: entry };
}

function ipv4ToNumber(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) {
    return null;
  }
  return parts.reduce((sum, part) => sum * 256 + Number(part), 0);
}

/**
 * Whether a URL's host is on a bypass (`NO_PROXY`) list.
 *
 * @param url The request URL.
 * @param bypass The entries (see the module doc for their forms).
 * @returns True when the request goes direct.
 *
 * @example Sub-domains, CIDR ranges and ports
 * ```ts
 * import assert from "node:assert/strict";
 * import { isBypassed } from "@wats/toolkit/http";
 * const list = [".acme.local", "10.0.0.0/8", "localhost:8080"];
 * assert.equal(isBypassed(new URL("https://wats.acme.local/api"), list), true);
 * assert.equal(isBypassed(new URL("http://10.1.2.3/"), list), true);
 * assert.equal(isBypassed(new URL("http://localhost:9090/"), list), false);
 * assert.equal(isBypassed(new URL("https://acme.wats.com/"), list), false);
 * ```
 */
export function isBypassed(url: URL, bypass: readonly string[]): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  for (const raw of bypass) {
    const { name: entry, port: entryPort } = splitEntry(raw.trim().toLowerCase());
    if (entry === "") continue;
    if (entry === "*") return true;
    if (entryPort !== undefined && entryPort !== port) continue;
    const cidr = /^([\d.]+)\/(\d{1,2})$/.exec(entry);
    if (cidr) {
      const base = ipv4ToNumber(cidr[1]);
      const address = ipv4ToNumber(host);
      const bits = Number(cidr[2]);
      if (base === null || address === null || bits > 32) continue;
      const size = 2 ** (32 - bits);
      if (Math.floor(address / size) === Math.floor(base / size)) return true;
      continue;
    }
    const name = entry.replace(/^\*?\./, "");
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

function chosen(url: string, source: string, username?: string, password?: string): ChosenProxy {
  const parsed = new URL(url);
  const user = username ?? (parsed.username ? decodeURIComponent(parsed.username) : undefined);
  const pass = password ?? (parsed.password ? decodeURIComponent(parsed.password) : undefined);
  const proxy: ChosenProxy = { url: withoutCredentials(url), source };
  if (user !== undefined || pass !== undefined) {
    proxy.basicAuth = { username: user ?? "", password: pass ?? "" };
  }
  return proxy;
}

/**
 * The proxy a request to `url` goes through under a setting.
 *
 * @param url The request URL.
 * @param setting The proxy setting.
 * @param env The environment, for `"system"`; the process environment by default.
 * @returns The proxy, or `null` for a direct connection.
 * @throws {TypeError} When a proxy URL is not an http(s) URL, or a manual one carries credentials.
 *
 * @example The environment in "system" mode
 * ```ts
 * import assert from "node:assert/strict";
 * import { proxyFor } from "@wats/toolkit/http";
 * const env = { HTTPS_PROXY: "http://proxy:3128", NO_PROXY: ".acme.local" };
 * const read = (name: string) => env[name as keyof typeof env];
 * assert.equal(proxyFor(new URL("https://acme.wats.com"), "system", read)?.url, "http://proxy:3128");
 * assert.equal(proxyFor(new URL("https://wats.acme.local"), "system", read), null);
 * ```
 */
export function proxyFor(
  url: URL,
  setting: ProxySetting,
  env: EnvReader = processEnv,
): ChosenProxy | null {
  if (setting === "none") return null;
  if (isBypassed(url, bypassOf(setting, env))) return null;
  if (setting === "system") {
    const names = url.protocol === "https:"
      ? ["HTTPS_PROXY", "ALL_PROXY"]
      : ["HTTP_PROXY", "ALL_PROXY"];
    for (const name of names) {
      const value = envOf(env, name);
      if (value === undefined) continue;
      // curl and Deno take a bare `host:port` as an http proxy.
      const full = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
      checkProxyUrl(full, `env ${name}`);
      return chosen(full, `env ${name}`);
    }
    return null;
  }
  checkProxyUrl(setting.url, "proxy URL");
  if (new URL(setting.url).username || new URL(setting.url).password) {
    throw new TypeError("The proxy URL must not carry credentials; pass username and password");
  }
  return chosen(setting.url, "config", setting.username, setting.password);
}

function checkProxyUrl(url: string, what: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`${what} is not a valid URL: ${JSON.stringify(withoutCredentials(url))}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`${what} must use http or https, got ${parsed.protocol}`);
  }
}

/**
 * Splits PEM text into its certificates and checks each one is DER inside.
 *
 * @param pem The text of a PEM file, one or more `CERTIFICATE` blocks.
 * @returns One PEM string per certificate.
 * @throws {TypeError} When there is no certificate block, or a block is not a certificate.
 *
 * @example Two certificates in one file
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCaCerts } from "@wats/toolkit/http";
 * assert.throws(() => parseCaCerts("not a certificate"), /no PEM certificate/);
 * ```
 */
export function parseCaCerts(pem: string): string[] {
  const blocks = pem.match(
    /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g,
  ) ?? [];
  if (blocks.length === 0) throw new TypeError("no PEM certificate (-----BEGIN CERTIFICATE-----)");
  blocks.forEach((block, index) => {
    const body = block.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
    let der: Uint8Array;
    try {
      der = Uint8Array.from(atob(body), (char) => char.charCodeAt(0));
    } catch {
      throw new TypeError(`certificate ${index + 1} is not valid base64`);
    }
    // Every X.509 certificate is a DER SEQUENCE with a long-form length.
    if (der.length < 64 || der[0] !== 0x30) {
      throw new TypeError(`certificate ${index + 1} is not an X.509 certificate`);
    }
  });
  return blocks.map((block) => `${block}\n`);
}

/**
 * Reads a PEM file of extra certificate authorities and checks that Deno accepts them.
 *
 * @param path The file.
 * @returns One PEM string per certificate, for `caCerts`.
 * @throws {TypeError} Naming the file, when it cannot be read or holds no usable certificate.
 */
export async function readCaCertFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "not found" : (error as Error).message;
    throw new TypeError(`${path}: ${reason}`);
  }
  try {
    const certs = parseCaCerts(text);
    // rustls parses the certificates here, so a broken one fails now and not at the first upload.
    Deno.createHttpClient({ caCerts: certs }).close();
    return certs;
  } catch (error) {
    throw new TypeError(`${path}: ${(error as Error).message}`);
  }
}

/** Options of {@linkcode HttpClients}. */
export interface HttpClientsOptions {
  /** The proxy setting; `"system"` by default. */
  proxy?: ProxySetting;
  /** Extra trusted certificate authorities (PEM), besides Deno's store (`DENO_TLS_CA_STORE`). */
  caCerts?: readonly string[];
  /** The environment, for `"system"`; the process environment by default. */
  env?: EnvReader;
}

/**
 * The `Deno.HttpClient`s of a proxy setting and trusted certificates: one a proxy, and one
 * without a proxy for bypassed hosts, each made when first needed. Close it when done.
 *
 * @example Send a request through the chosen client
 * ```ts
 * import assert from "node:assert/strict";
 * import { HttpClients } from "@wats/toolkit/http";
 * using clients = new HttpClients({ proxy: "none" });
 * assert.equal(clients.proxyFor(new URL("https://acme.wats.com")), null);
 * ```
 */
export class HttpClients implements Disposable {
  readonly #proxy: ProxySetting;
  readonly #caCerts: string[];
  readonly #env: EnvReader;
  readonly #clients = new Map<string, Deno.HttpClient>();

  /**
   * Holds the setting; no client is made yet.
   *
   * @param options The proxy setting, certificates and environment.
   * @throws {TypeError} When a manual proxy URL is not valid or carries credentials.
   */
  constructor(options: HttpClientsOptions = {}) {
    this.#proxy = options.proxy ?? "system";
    this.#caCerts = [...(options.caCerts ?? [])];
    this.#env = options.env ?? processEnv;
    if (typeof this.#proxy === "object") proxyFor(new URL(this.#proxy.url), this.#proxy);
  }

  /**
   * The proxy a request to `url` goes through.
   *
   * @param url The request URL.
   * @returns The proxy, or `null` for a direct connection.
   */
  proxyFor(url: URL): ChosenProxy | null {
    return proxyFor(url, this.#proxy, this.#env);
  }

  /**
   * The client for a request to `url`.
   *
   * @param url The request URL.
   * @returns The client to pass as fetch's `client` option.
   */
  clientFor(url: URL): Deno.HttpClient {
    const proxy = this.proxyFor(url);
    const key = proxy === null ? "" : `${proxy.url} ${proxy.basicAuth?.username ?? ""}`;
    let client = this.#clients.get(key);
    if (client === undefined) {
      const caCerts = this.#caCerts.length > 0 ? this.#caCerts : undefined;
      client = Deno.createHttpClient(
        proxy === null
          ? { caCerts }
          : { caCerts, proxy: { url: proxy.url, basicAuth: proxy.basicAuth } },
      );
      this.#clients.set(key, client);
    }
    return client;
  }

  /** Closes every client made; a later request makes new ones. */
  close(): void {
    for (const client of this.#clients.values()) client.close();
    this.#clients.clear();
  }

  /** Closes every client made. */
  [Symbol.dispose](): void {
    this.close();
  }
}
