/**
 * The shape of `GET /status`: everything an operator or a monitoring system asks of a running
 * station service. Secrets never appear in it.
 *
 * @module
 */

import type { HealthReport } from "./_health.ts";
import type { RecentError, WatchStats } from "./_stats.ts";
import type {
  ErrorFile,
  PartYield,
  ReportFacts,
  SettledReport,
  UploadProblem,
} from "./_activity.ts";
import type { HistoryPoint } from "./_ring.ts";
import type { QueueState } from "../queue/envelope.ts";
import type { SinkStatus } from "../events/publisher.ts";

export type {
  ErrorFile,
  HealthReport,
  HistoryPoint,
  PartYield,
  RecentError,
  ReportFacts,
  SettledReport,
  SinkStatus,
  UploadProblem,
  WatchStats,
};

/** A report waiting in `pending/`, as the status page lists it during an outage. */
export interface WaitingReport {
  /** What people know it by. */
  report: ReportFacts;
  /** When it entered the queue, ISO 8601. */
  enqueuedAt: string;
  /** Retryable failures so far. */
  attempts: number;
  /** When it is tried next, ISO 8601. */
  nextAttemptAt: string;
  /** The last error, if any. */
  lastError: { message: string; status?: number } | null;
}

/** What the service did lately, for people (see `_activity.ts`). */
export interface ActivityStatus {
  /** The last reports settled, newest first. */
  recentReports: readonly SettledReport[];
  /** First pass yield per part number over the last hour. */
  firstPassYield: PartYield[];
  /** Reports whose last upload failed and wait for their retry, newest first. */
  uploadProblems: UploadProblem[];
  /** Files moved into an error folder lately, newest first, with their reasons. */
  errorFiles: readonly ErrorFile[];
  /** Files moved into an error folder within the last hour. */
  errorFilesLastHour: number;
}

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
    /**
     * `online` after a successful call, `offline` after a failed one or while the breaker is not
     * closed, else `unknown`.
     */
    state: "online" | "offline" | "unknown";
    /** The server's state in one phrase, the same on the page, in the CLI and in the log. */
    summary?: string;
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
  /** What the service did lately (reports, yield, upload problems, error files). */
  activity?: ActivityStatus;
  /** The pending reports due earliest (at most 20), oldest in the queue first. */
  waiting?: WaitingReport[];
  /** The backlog and throughput over the last hour, oldest first. */
  history?: HistoryPoint[];
  /** The event sinks (`events.mqtt`, `events.cfx`), when any is configured. */
  events?: SinkStatus[];
}
