/**
 * The service's way to the server: the proxy setting with its password from the secrets, and the
 * certificate authorities of `server.caCertFile`, in the shape the API client takes them.
 *
 * @module
 */

import type { ServiceConfig } from "./config/config.ts";
import { ConfigError } from "./errors.ts";
import { type ProxySetting, readCaCertFile } from "../api/http/proxy.ts";

/** The `proxy` and `caCerts` options of the API client for a configuration. */
export interface NetworkOptions {
  /** The proxy setting, with the password when one is configured. */
  proxy: ProxySetting;
  /** The certificates of `server.caCertFile`, when it is set. */
  caCerts?: string[];
}

/**
 * The proxy setting of a configuration, with its password from the secrets.
 *
 * @param config The loaded configuration.
 * @returns The setting for the API client.
 */
export function proxySetting(config: ServiceConfig): ProxySetting {
  const { proxy } = config.server;
  if (typeof proxy !== "object") return proxy;
  return {
    url: proxy.url,
    username: proxy.username,
    password: config.secrets.proxyPassword,
    bypass: proxy.bypass,
  };
}

/**
 * Reads what the API client needs to reach the server.
 *
 * @param config The loaded configuration.
 * @returns The proxy setting and the trusted certificates.
 * @throws {ConfigError} When `server.caCertFile` cannot be read or holds no usable certificate.
 */
export async function networkOptions(config: ServiceConfig): Promise<NetworkOptions> {
  const options: NetworkOptions = { proxy: proxySetting(config) };
  const file = config.server.caCertFile;
  if (file !== undefined) {
    try {
      options.caCerts = await readCaCertFile(file);
    } catch (error) {
      throw new ConfigError([`server.caCertFile: ${(error as Error).message}`]);
    }
  }
  return options;
}
