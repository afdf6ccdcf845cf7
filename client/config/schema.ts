/**
 * The schema of the station service configuration: one zod schema, defaults included.
 *
 * Secrets are not part of it: the API token comes from `WATS_TOKEN` or the file named by
 * `server.tokenFile`, never from the configuration file (see `loadConfig`).
 *
 * @module
 */

import { z } from "zod";

/** What happens to a source file once its reports are durably queued. */
export type PostAction = "move" | "archive" | "delete" | "keep";

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
  /** What to do with the source after queueing; `move` by default. */
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
}

/** The post actions, in the order error messages list them. */
export const POST_ACTIONS: readonly PostAction[] = ["move", "archive", "delete", "keep"];

const MiB = 1024 * 1024;
const positiveInt = (fallback: number) => z.number().int().positive().default(fallback);

/**
 * Whether a configured path is a URL (`https:`, `file:`, `npm:`…) rather than a file path; a
 * scheme has two letters or more, so `C:\plugins` is a Windows path.
 *
 * @param value The configured value.
 * @returns True for a URL.
 *
 * @example Tell a plug-in path from a URL
 * ```ts
 * import { isUrl } from "./schema.ts";
 * console.log(isUrl("plugins/acme_ict.ts"), isUrl("https://example.com/acme_ict.ts")); // false true
 * ```
 */
export function isUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]+:/i.test(value);
}

const PluginPathSchema = z.string().min(1).refine((path) => !isUrl(path), {
  error: "expected a file path, not a URL (plug-ins load from local files only)",
});

const WatchSchema = z.object({
  path: z.string().min(1),
  converter: z.string().min(1).default("auto"),
  pattern: z.string().min(1).default("*"),
  postAction: z.enum(["move", "archive", "delete", "keep"], {
    error: `expected one of ${POST_ACTIONS.join(", ")}`,
  }).default("move"),
  archiveDir: z.string().min(1).optional(),
  errorDir: z.string().min(1).optional(),
  recursive: z.boolean().default(false),
  create: z.boolean().optional(),
  stableMs: z.number().int().nonnegative().default(500),
  strictEncoding: z.boolean().default(false),
  converterArgs: z.record(z.string(), z.unknown()).optional(),
});

/** Schema of {@linkcode ServiceConfigValues}, with every default. */
export const ServiceConfigSchema: z.ZodType<ServiceConfigValues> = z.object({
  server: z.object({
    url: z.url({ protocol: /^https?$/, error: "expected an http or https URL" }),
    tokenFile: z.string().min(1).optional(),
    timeoutMs: positiveInt(30_000),
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
});

/** The keys the schema knows, by object path (`watch[]` for each watch entry). */
export const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  "": [
    "server",
    "station",
    "dataDir",
    "watch",
    "limits",
    "retry",
    "breaker",
    "status",
    "doneRetentionMs",
    "converters",
    "logs",
  ],
  server: ["url", "tokenFile", "timeoutMs"],
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
  ],
  retry: ["baseDelayMs", "maxDelayMs"],
  breaker: ["failureThreshold", "cooldownMs"],
  converters: ["plugins", "timeoutMs", "sniffTimeoutMs"],
  logs: ["conversions"],
  status: ["hostname", "port", "token"],
};
