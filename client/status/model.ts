/**
 * The shape of `GET /status`: everything an operator or a monitoring system asks of a running
 * station service. Secrets never appear in it.
 *
 * @module
 */

import type { HealthReport } from "./_health.ts";
import type { RecentError, WatchStats } from "./_stats.ts";
import type { QueueState } from "../queue/envelope.ts";
import type { SinkStatus } from "../events/publisher.ts";

export type { HealthReport, RecentError, SinkStatus, WatchStats };

/** A converter as `/status` lists it. */
export interface ConverterStatus {
  /** The converter id. */
  id: string;
  /** Its version. */
  version: string;
  /** File-name globs it is meant for. */
  patterns: readonly string[];
  /** Successful conversions since start. */
  succeeded: number;
  /** Failed conversions since start. */
  failed: number;
  /** A plug-in named in the configuration (`converters.plugins`), not a built-in. */
  plugin: boolean;
}

/** The answer of `GET /status`. */
export interface ServiceStatus {
  /** Which service this is. */
  instance: { station: string; dataDir: string; pid: number; statusUrl: string };
  /** The toolkit version. */
  version: string;
  /** The lifecycle state. */
  status: "starting" | "running" | "stopping" | "stopped";
  /** The health verdict, as `/health` answers it. */
  health: HealthReport;
  /** Seconds since the service started. */
  uptimeSeconds: number;
  /** The server and the client's guards in front of it. */
  api: {
    /** The server URL. */
    url: string;
    /** `online` after a successful call, `offline` after a failed one, else `unknown`. */
    state: "online" | "offline" | "unknown";
    /** When a call last succeeded, ISO 8601. */
    lastOkAt: string | null;
    /** The breaker: state, opens, refused calls, next probe. */
    breaker: { state: string; opens: number; rejected: number; retryAt: string | null };
    /** The limiter: grants in the window, waiters, throttled calls. */
    limiter: { inWindow: number; waiting: number; throttled: number; requests: number } | null;
    /** Until when the server asked the service to wait (`Retry-After`), ISO 8601. */
    pausedUntil: string | null;
  };
  /** Reports per queue state, and the age of the oldest due one. */
  queue: Record<QueueState, number> & { oldestPendingAgeSeconds: number };
  /** Files handled since start. */
  conversions: { active: number; completed: number; failed: number; duplicates: number };
  /** Uploads since start. */
  uploads: {
    inFlight: number;
    accepted: number;
    ledgerHits: number;
    retried: number;
    failed: number;
    lastSuccessAt: string | null;
  };
  /** Durable counters of the ledger (since the data folder was made). */
  counters: Record<string, number>;
  /** The converters available. */
  converters: ConverterStatus[];
  /** The watch folders. */
  watch: WatchStats[];
  /** The latest errors, newest first. */
  recentErrors: readonly RecentError[];
  /** Memory of the process in bytes. */
  memory: { rss: number; heapUsed: number };
  /** The data folder's volume, when the OS tells. */
  disk: { freeBytes: number; totalBytes: number } | null;
  /** Things to look at that are not errors (a permission not granted, a disabled check). */
  warnings: string[];
  /** The event sinks (`events.mqtt`, `events.cfx`), when any is configured. */
  events?: SinkStatus[];
}
