/**
 * The schema of the station service configuration: one zod schema, defaults included.
 *
 * Secrets are not part of it: the API token comes from `WATS_TOKEN` or the file named by
 * `server.tokenFile`, never from the configuration file (see `loadConfig`).
 *
 * @module
 */

import { z } from "zod";

/** The post actions, in the order error messages list them. */
export const POST_ACTIONS: readonly ["move", "archive", "delete", "keep"] = [
  "move",
  "archive",
  "delete",
  "keep",
] as const;

/** What happens to a source file once its reports are durably queued. */
export type PostAction = typeof POST_ACTIONS[number];

/** One watched drop folder. */
export interface WatchConfig {
  /** The drop folder (relative paths resolve against the configuration file's folder). */
  path: string;
  /**
   * The converter id (a built-in's or a plug-in's from `converters.plugins`), or `auto` to pick
   * by content; `auto` by default. An unknown id stops the service at start.
   */
  converter: string;
  /** Glob of file names to take (`*`, `?`, `**`, `{a,b}`); `*` by default. */
  pattern: string;
  /**
   * What to do with the source after queueing; `archive` by default (gzip into the archive,
   * indexed, purged by `archive.retentionDays` and `archive.maxArchiveBytes`).
   */
  postAction: PostAction;
  /** Where `move`/`archive` put sources; `<path>/Done` or the data folder's `archive/` if unset. */
  archiveDir?: string;
  /** Where sources that could not be converted go; `<path>/Error` if unset. */
  errorDir?: string;
  /** Watch sub-folders too; `false` by default. */
  recursive: boolean;
  /**
   * Make the drop folder at start when it is missing; `false` by default, and a missing drop
   * folder stops the start (exit 21), since it is most often a typing mistake.
   */
  create?: boolean;
  /** How long a file's size and mtime must stay unchanged before it is taken; 500 ms. */
  stableMs: number;
  /**
   * Refuse (to the error folder) a JSON or XML file that is not valid UTF-8; `false` by default,
   * and such a file is read as Latin-1 with a warning in its conversion log and the status.
   */
  strictEncoding?: boolean;
  /** Arguments for the converter. */
  converterArgs?: Record<string, unknown>;
}

/** A proxy named in the configuration; its password comes from the environment or a file. */
export interface ProxyConfig {
  /** The proxy, e.g. `http://proxy.acme.local:3128`; without credentials in it. */
  url: string;
  /** The user name for the proxy's basic auth; not a secret, the password is. */
  username?: string;
  /**
   * A file holding the proxy password (readable by the service account only); the
   * `WATS_PROXY_PASSWORD` environment variable wins over it.
   */
  passwordFile?: string;
  /** Hosts reached directly, as in `NO_PROXY`: `.acme.local`, `10.0.0.0/8`, `host:port`. */
  bypass: string[];
}

/** TLS options of a broker connection. */
export interface BrokerTlsConfig {
  /** PEM file of the certificate authorities to trust; the system's when unset. */
  caFile?: string;
  /** PEM file of the client certificate, for brokers that ask for one. */
  certFile?: string;
  /** PEM file of the client certificate's key. */
  keyFile?: string;
  /** Refuse a broker whose certificate does not verify; `true` by default. */
  rejectUnauthorized: boolean;
}

/** Publishing events to an MQTT broker (`events.mqtt`). */
export interface MqttEventsConfig {
  /** The broker, `mqtt://host:1883` or `mqtts://host:8883`. */
  url: string;
  /** The MQTT client id; `wats-<station>` by default. */
  clientId?: string;
  /** First topic level(s); `wats` by default. Topics: `<prefix>/<location>/<station>/report|status`. */
  topicPrefix: string;
  /** Quality of service of the events: 0 (at most once) or 1 (at least once, the default). */
  qos: 0 | 1;
  /** User name; `WATS_MQTT_USERNAME` overrides it. */
  username?: string;
  /**
   * A file holding the password (readable by the service account only); `WATS_MQTT_PASSWORD`
   * overrides it. Never in the configuration file itself.
   */
  passwordFile?: string;
  /** TLS options for `mqtts://`. */
  tls?: BrokerTlsConfig;
}

/** Publishing IPC-CFX messages over AMQP 1.0 (`events.cfx`). */
export interface CfxEventsConfig {
  /**
   * The AMQP 1.0 broker and, as its path, the address (exchange or queue) messages go to:
   * `amqp://host:5672/<address>` or `amqps://host:5671/<address>`.
   */
  url: string;
  /** The AMQP address, when it is not the URL's path, e.g. `/exchange/cfx` (RabbitMQ). */
  address?: string;
  /** The station's CFX handle, e.g. `acme.line2.ict1`; `<station name>` by default. */
  handle?: string;
  /** Time between heartbeat messages in ms; 5 minutes by default. */
  heartbeatMs: number;
  /** User name; `WATS_CFX_USERNAME` overrides it. */
  username?: string;
  /**
   * A file holding the password (readable by the service account only); `WATS_CFX_PASSWORD`
   * overrides it. Never in the configuration file itself.
   */
  passwordFile?: string;
  /** TLS options for `amqps://`. */
  tls?: BrokerTlsConfig;
}

/** Test events on the factory's message broker (`events`). */
export interface EventsConfig {
  /** Most events waiting for one sink; older ones are dropped (and counted); 100,000. */
  maxPendingEvents: number;
  /** MQTT; off when unset. */
  mqtt?: MqttEventsConfig;
  /** IPC-CFX over AMQP 1.0; off when unset. */
  cfx?: CfxEventsConfig;
}

/** The station service configuration (without secrets). */
export interface ServiceConfigValues {
  /** The WATS server. */
  server: {
    /** Base URL, e.g. `https://acme.wats.com`. */
    url: string;
    /** A file holding the API token (readable by the service account only). */
    tokenFile?: string;
    /** Request timeout in milliseconds; 30,000 by default. */
    timeoutMs: number;
    /**
     * A PEM file of certificate authorities trusted besides Deno's store (an on-prem server's
     * internal CA, a TLS-inspecting proxy's root). `DENO_TLS_CA_STORE=system,mozilla` in the
     * service's environment makes Deno trust the OS store too.
     */
    caCertFile?: string;
    /**
     * How requests reach the server: `system` (the default: the `HTTPS_PROXY`, `HTTP_PROXY`,
     * `ALL_PROXY` and `NO_PROXY` variables of the service's environment, direct when none is
     * set), `none`, or a proxy of its own with credentials and a bypass list.
     */
    proxy: "system" | "none" | ProxyConfig;
  };
  /** Station identity put into reports. */
  station: {
    /** Station name; `WATS_STATION`, else the host name upper-cased. */
    name: string;
    /** Location; empty by default. */
    location: string;
    /** Purpose; empty by default. */
    purpose: string;
  };
  /** This instance's data folder: `queue/`, `ledger.kv`, `logs/`, `archive/`. */
  dataDir: string;
  /** The drop folders. */
  watch: WatchConfig[];
  /** Limits that keep the service polite and bounded. */
  limits: {
    /** Requests allowed per sliding window; 500. */
    requestsPerWindow: number;
    /** The sliding window in milliseconds; 60,000. */
    windowMs: number;
    /** Uploads in flight at once; 5. */
    uploadConcurrency: number;
    /** Files converted at once; 4. */
    conversionConcurrency: number;
    /** Largest accepted source file in bytes; 50 MiB. */
    maxFileBytes: number;
    /** Most pending reports before intake pauses; 100,000. */
    maxQueueSize: number;
    /** Files going to an error folder per hour above which health is `degraded`; 30. */
    maxErrorFilesPerHour?: number;
  };
  /** Backoff of retryable upload errors (full jitter, doubling, capped). */
  retry: {
    /** First delay in milliseconds; 5 minutes. */
    baseDelayMs: number;
    /** Largest delay in milliseconds; 1 hour. */
    maxDelayMs: number;
  };
  /** The circuit breaker in front of the server. */
  breaker: {
    /** Consecutive failures that open it; 5. */
    failureThreshold: number;
    /** How long it stays open before a probe, in milliseconds; 30 s. */
    cooldownMs: number;
  };
  /** The loopback status server. */
  status: {
    /** Interface to bind; `127.0.0.1`. */
    hostname: string;
    /** Port; 8181. */
    port: number;
  };
  /** How long accepted envelopes stay in `queue/done/`, in milliseconds; 7 days. */
  doneRetentionMs: number;
  /** Retention of the source archive (watch entries with `postAction: "archive"`). */
  archive: {
    /** Sources older than this many days are purged; 90. */
    retentionDays: number;
    /** Largest total size of the archive (compressed) in bytes, oldest purged first; 10 GiB. */
    maxArchiveBytes: number;
  };
  /** Converter plug-ins and conversion limits. */
  converters: {
    /**
     * Plug-in converter modules (`.ts` or `.js` files exporting a converter) loaded at start, each
     * in its own sandboxed worker; relative paths resolve against the configuration file's folder.
     * A watch entry names a plug-in by its id, or finds it through `auto`. None by default.
     */
    plugins: string[];
    /** Wall-clock limit of one conversion (built-in or plug-in) in milliseconds; 5 minutes. */
    timeoutMs: number;
    /** How long a plug-in's `sniff` may take for a watch entry's `auto`, in milliseconds; 5 s. */
    sniffTimeoutMs: number;
  };
  /** Logs in the data folder's `logs/`. */
  logs: {
    /**
     * Conversion logs (`logs/conversions/`, kept 30 days): `problems` (failed conversions and
     * those with warnings; the default), `all`, or `off`.
     */
    conversions: "problems" | "all" | "off";
  };
  /** Events on the factory's message broker; none by default. */
  events: EventsConfig;
}

const MiB = 1024 * 1024;
const positiveInt = (fallback: number) => z.number().int().positive().default(fallback);

/**
 * Whether a configured path is a URL (`https:`, `file:`, `npm:`…) rather than a file path; a
 * scheme has two letters or more, so `C:\plugins` is a Windows path.
 *
 * @param value The configured value.
 * @returns True for a URL.
 */
export function isUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]+:/i.test(value);
}

function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return false;
  }
}

const ProxySchema = z.union([
  z.enum(["system", "none"]),
  z.object({
    url: z.url({ protocol: /^https?$/, error: "expected an http or https URL" })
      .refine((url) => !hasCredentials(url), {
        error: "credentials are not accepted in the URL; use username, and WATS_PROXY_PASSWORD " +
          "or passwordFile",
      }),
    username: z.string().min(1).optional(),
    passwordFile: z.string().min(1).optional(),
    bypass: z.array(z.string().min(1)).default([]),
  }),
], { error: 'expected "system", "none" or an object with url' });

const PluginPathSchema = z.string().min(1).refine((path) => !isUrl(path), {
  error: "expected a file path, not a URL (plug-ins load from local files only)",
});

const WatchSchema = z.object({
  path: z.string().min(1),
  converter: z.string().min(1).default("auto"),
  pattern: z.string().min(1).default("*"),
  postAction: z.enum(POST_ACTIONS, {
    error: `expected one of ${POST_ACTIONS.join(", ")}`,
  }).default("archive"),
  archiveDir: z.string().min(1).optional(),
  errorDir: z.string().min(1).optional(),
  recursive: z.boolean().default(false),
  create: z.boolean().optional(),
  stableMs: z.number().int().nonnegative().default(500),
  strictEncoding: z.boolean().default(false),
  converterArgs: z.record(z.string(), z.unknown()).optional(),
});

const BrokerTlsSchema = z.object({
  caFile: z.string().min(1).optional(),
  certFile: z.string().min(1).optional(),
  keyFile: z.string().min(1).optional(),
  rejectUnauthorized: z.boolean().default(true),
});

/**
 * The AMQP address in the path of an `events.cfx` URL: `amqp://host:5672/exchange/cfx` holds
 * `/exchange/cfx`, `amqp://host:5672/cfx` holds `cfx` (a queue, RabbitMQ's default exchange).
 *
 * @param url The `events.cfx` URL.
 * @returns The address, or `""` when the URL has no path.
 */
export function cfxAddressOf(url: string): string {
  if (!URL.canParse(url)) return "";
  const path = decodeURIComponent(new URL(url).pathname);
  // One leading slash separates the address from the host; RabbitMQ's own addresses start
  // with a slash of their own (`/exchange/...`, `/queue/...`), kept when the path shows it.
  const address = path.replace(/^\//, "");
  return /^(exchange|queue|topic|amq)\//.test(address) ? `/${address}` : address;
}

const EventsSchema = z.object({
  maxPendingEvents: positiveInt(100_000),
  mqtt: z.object({
    url: z.url({ protocol: /^mqtts?$/, error: "expected an mqtt:// or mqtts:// URL" }),
    clientId: z.string().min(1).max(128).optional(),
    topicPrefix: z.string().min(1).refine((prefix) => !/[+#]/.test(prefix), {
      error: "a topic prefix holds no wildcard (+ or #)",
    }).default("wats"),
    qos: z.union([z.literal(0), z.literal(1)], { error: "expected 0 or 1" }).default(1),
    username: z.string().min(1).optional(),
    passwordFile: z.string().min(1).optional(),
    tls: BrokerTlsSchema.optional(),
  }).optional(),
  cfx: z.object({
    url: z.url({ protocol: /^amqps?$/, error: "expected an amqp:// or amqps:// URL" }),
    address: z.string().min(1).optional(),
    handle: z.string().min(1).optional(),
    heartbeatMs: positiveInt(300_000),
    username: z.string().min(1).optional(),
    passwordFile: z.string().min(1).optional(),
    tls: BrokerTlsSchema.optional(),
  }).refine((cfx) => cfx.address !== undefined || cfxAddressOf(cfx.url) !== "", {
    path: ["url"],
    error: "name the AMQP address as the URL's path (amqp://host:5672/<address>) or in address",
  }).optional(),
});

/** Schema of {@linkcode ServiceConfigValues}, with every default. */
export const ServiceConfigSchema: z.ZodType<ServiceConfigValues> = z.object({
  server: z.object({
    url: z.url({ protocol: /^https?$/, error: "expected an http or https URL" }),
    tokenFile: z.string().min(1).optional(),
    timeoutMs: positiveInt(30_000),
    caCertFile: z.string().min(1).optional(),
    proxy: ProxySchema.default("system"),
  }),
  station: z.object({
    name: z.string().min(1),
    location: z.string().default(""),
    purpose: z.string().default(""),
  }),
  dataDir: z.string().min(1),
  watch: z.array(WatchSchema).default([]),
  limits: z.object({
    requestsPerWindow: positiveInt(500),
    windowMs: positiveInt(60_000),
    uploadConcurrency: z.number().int().min(1).max(64).default(5),
    conversionConcurrency: z.number().int().min(1).max(64).default(4),
    maxFileBytes: positiveInt(50 * MiB),
    maxQueueSize: positiveInt(100_000),
    maxErrorFilesPerHour: positiveInt(30),
  }).prefault({}),
  retry: z.object({
    baseDelayMs: positiveInt(5 * 60_000),
    maxDelayMs: positiveInt(60 * 60_000),
  }).prefault({}).refine((retry) => retry.baseDelayMs <= retry.maxDelayMs, {
    message: "baseDelayMs must not exceed maxDelayMs",
    path: ["baseDelayMs"],
  }),
  breaker: z.object({
    failureThreshold: positiveInt(5),
    cooldownMs: positiveInt(30_000),
  }).prefault({}),
  status: z.object({
    hostname: z.string().min(1).default("127.0.0.1"),
    port: z.number().int().min(0).max(65_535).default(8181),
  }).prefault({}),
  doneRetentionMs: z.number().int().nonnegative().default(7 * 86_400_000),
  archive: z.object({
    retentionDays: z.number().nonnegative().default(90),
    maxArchiveBytes: z.number().int().nonnegative().default(10 * 1024 * MiB),
  }).prefault({}),
  converters: z.object({
    plugins: z.array(PluginPathSchema).default([]),
    timeoutMs: positiveInt(300_000),
    sniffTimeoutMs: positiveInt(5_000),
  }).prefault({}),
  logs: z.object({
    conversions: z.enum(["problems", "all", "off"], {
      error: "expected one of problems, all, off",
    }).default("problems"),
  }).prefault({}),
  events: EventsSchema.prefault({}),
});

/** The keys the schema knows, by object path (`watch[]` for each watch entry). */
export const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  "": [
    "$schema",
    "server",
    "station",
    "dataDir",
    "watch",
    "limits",
    "retry",
    "breaker",
    "status",
    "doneRetentionMs",
    "archive",
    "converters",
    "logs",
    "events",
  ],
  server: ["url", "tokenFile", "timeoutMs", "caCertFile", "proxy"],
  station: ["name", "location", "purpose"],
  "watch[]": [
    "path",
    "converter",
    "pattern",
    "postAction",
    "archiveDir",
    "errorDir",
    "recursive",
    "create",
    "stableMs",
    "strictEncoding",
    "converterArgs",
  ],
  limits: [
    "requestsPerWindow",
    "windowMs",
    "uploadConcurrency",
    "conversionConcurrency",
    "maxFileBytes",
    "maxQueueSize",
    "maxErrorFilesPerHour",
  ],
  retry: ["baseDelayMs", "maxDelayMs"],
  archive: ["retentionDays", "maxArchiveBytes"],
  breaker: ["failureThreshold", "cooldownMs"],
  converters: ["plugins", "timeoutMs", "sniffTimeoutMs"],
  logs: ["conversions"],
  status: ["hostname", "port", "token"],
  events: ["maxPendingEvents", "mqtt", "cfx"],
};
