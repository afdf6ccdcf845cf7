/**
 * What the service has done since it started, kept in memory for `/status`, `/health` and
 * `/metrics`: conversions, uploads, per watch folder facts, recent errors, and a window of upload
 * outcomes for the error rate. The ledger keeps the durable counters; these reset on restart.
 *
 * @module
 */

/** One error worth showing an operator. */
export interface RecentError {
  /** When, ISO 8601. */
  at: string;
  /** Where: `conversion`, `upload`, `intake`, `service`. */
  kind: string;
  /** What went wrong. */
  message: string;
  /** The source file, when there is one. */
  file?: string;
  /** The report id, when there is one. */
  reportId?: string;
}

/** Facts about one watch folder. */
export interface WatchStats {
  /** The drop folder. */
  path: string;
  /** The configured converter id (`auto` picks by content). */
  converter: string;
  /** Files taken into the queue. */
  filesQueued: number;
  /** Files moved to the error folder. */
  filesFailed: number;
  /** Files recognised as duplicates. */
  duplicates: number;
  /** When the last file was handled, ISO 8601. */
  lastFileAt: string | null;
  /** The last error, if any. */
  lastError: string | null;
  /** Why the folder cannot be watched now (missing, a share that dropped); `null` while it can. */
  unavailable: string | null;
}

/** Per converter counters. */
export interface ConverterStats {
  /** Successful conversions. */
  succeeded: number;
  /** Failed conversions. */
  failed: number;
  /** Total time spent converting, in seconds. */
  seconds: number;
}

import { Activity } from "./_activity.ts";
import { SampleRing } from "./_ring.ts";
import { ResponseLog } from "./_responses.ts";
import { DURATION_BUCKETS, Histogram, LATENCY_BUCKETS } from "./_histogram.ts";

const RECENT_ERRORS = 20;
const OUTCOME_WINDOW_MS = 5 * 60_000;
const OUTCOME_LIMIT = 2_000;
/**
 * The counters of a watch entry that has taken nothing yet.
 *
 * @param path The drop folder.
 * @param converter The entry's converter.
 * @returns Zero counts, no file, no error.
 */
export function newWatchStats(path: string, converter: string): WatchStats {
  return {
    path,
    converter,
    filesQueued: 0,
    filesFailed: 0,
    duplicates: 0,
    lastFileAt: null,
    lastError: null,
    unavailable: null,
  };
}

/**
 * Uploads in a row that succeed and end an outage: the outcomes before them leave the error rate.
 * One success proves little while the server flaps; three in a row are unlikely at the 50% error
 * rate that counts as high (1 in 8), and a station draining its queue sends them within seconds.
 */
export const RECOVERY_STREAK = 3;

/** The share of failed uploads, what it covers, and how the last one went. */
export interface ErrorRate {
  /** Failed share of `attempts`; 0 without attempts. */
  rate: number;
  /** Submissions counted: those of the window, since the last recovery streak began. */
  attempts: number;
  /** The length of the window, in ms (five minutes). */
  windowMs: number;
  /** The last submission succeeded (false without any). */
  isLastOk: boolean;
}

/** The counters of a running service. */
export class ServiceStats {
  /** When the service started, epoch ms. */
  readonly startedAt: number;
  /** Conversions running now. */
  conversionsActive = 0;
  /** Files converted and queued. */
  conversionsCompleted = 0;
  /** Files that could not be converted. */
  conversionsFailed = 0;
  /** Files recognised as duplicates. */
  duplicates = 0;
  /** Reports accepted by the server. */
  uploadsAccepted = 0;
  /** Reports settled from the ledger without a POST (accepted before a crash). */
  ledgerHits = 0;
  /** Upload attempts that will be retried. */
  uploadsRetried = 0;
  /** Reports that failed for good. */
  uploadsFailed = 0;
  /** Report submissions by HTTP outcome (`200`, `503`, `network`…). */
  readonly submissions: Map<string, number> = new Map();
  /** When the server last accepted a report, epoch ms. */
  lastUploadAt: number | null = null;
  /** When intake last met a full queue, epoch ms. */
  queueFullAt: number | null = null;
  /** When the server last refused the token (401/403) with no success since, epoch ms. */
  authRefusedAt: number | null = null;
  /** When a call to the server last succeeded, epoch ms. */
  lastServerOkAt: number | null = null;
  /** When a call to the server last failed to get an answer, epoch ms. */
  lastServerDownAt: number | null = null;
  /** Per converter counters. */
  readonly converters: Map<string, ConverterStats> = new Map();
  /** Per watch folder facts, in configuration order. */
  readonly watches: WatchStats[];
  /** The activity lines and what the status page shows of them. */
  readonly activity: Activity;
  /** The last hour's backlog and accepted counts, for the charts. */
  readonly samples: SampleRing = new SampleRing();
  /** What the server really answered (every HTTP response, the last failure). */
  readonly responses: ResponseLog = new ResponseLog();
  /** Seconds from entering the queue to the server's acceptance, per report. */
  readonly latencySeconds: Histogram = new Histogram(LATENCY_BUCKETS);
  /** Seconds per conversion. */
  readonly conversionSeconds: Histogram = new Histogram(DURATION_BUCKETS);
  /** Seconds per report upload request. */
  readonly uploadSeconds: Histogram = new Histogram(DURATION_BUCKETS);

  readonly #recent: RecentError[] = [];
  readonly #outcomes: { at: number; ok: boolean }[] = [];
  #streak = 0;
  readonly #now: () => number;

  /**
   * Starts counting.
   *
   * @param now The clock.
   * @param watches The watch folders and their converters.
   */
  constructor(now: () => number, watches: { path: string; converter: string }[]) {
    this.#now = now;
    this.startedAt = now();
    this.activity = new Activity(
      now,
      () => this.responses.lastFailure,
      (seconds) => this.latencySeconds.observe(seconds),
    );
    this.watches = watches.map(({ path, converter }) => newWatchStats(path, converter));
  }

  /** The most recent errors, newest first. */
  get recentErrors(): readonly RecentError[] {
    return this.#recent;
  }

  /** Records an error for `/status`. */
  error(kind: string, message: string, about: { file?: string; reportId?: string } = {}): void {
    this.#recent.unshift({ at: new Date(this.#now()).toISOString(), kind, message, ...about });
    if (this.#recent.length > RECENT_ERRORS) this.#recent.pop();
  }

  /** Records a conversion's outcome for its converter. */
  converted(converter: string, ok: boolean, seconds: number): void {
    let stats = this.converters.get(converter);
    if (!stats) this.converters.set(converter, stats = { succeeded: 0, failed: 0, seconds: 0 });
    if (ok) stats.succeeded++;
    else stats.failed++;
    stats.seconds += seconds;
    this.conversionSeconds.observe(seconds);
  }

  /** Records one submission attempt's outcome (`200`, `503`, `network`, `breaker`…). */
  submission(outcome: string, ok: boolean): void {
    this.submissions.set(outcome, (this.submissions.get(outcome) ?? 0) + 1);
    if (outcome === "breaker") return;
    const now = this.#now();
    if (ok) {
      this.authRefusedAt = null;
      this.lastServerOkAt = now;
    } else if (outcome === "401" || outcome === "403") this.authRefusedAt = now;
    else if (outcome === "network" || outcome === "timeout") this.lastServerDownAt = now;
    this.#outcomes.push({ at: now, ok });
    this.#streak = ok ? this.#streak + 1 : 0;
    if (this.#streak === RECOVERY_STREAK) {
      // The outage is over: its failures no longer say anything about the server.
      this.#outcomes.splice(0, this.#outcomes.length - RECOVERY_STREAK);
    }
    while (
      this.#outcomes.length > OUTCOME_LIMIT ||
      (this.#outcomes.length > 0 && this.#outcomes[0].at < now - OUTCOME_WINDOW_MS)
    ) this.#outcomes.shift();
  }

  /**
   * The share of failed submissions over the last five minutes, forgetting those before the last
   * {@linkcode RECOVERY_STREAK} successes in a row.
   *
   * @returns The rate, the attempts counted, the window and whether the last one succeeded.
   */
  errorRate(): ErrorRate {
    const since = this.#now() - OUTCOME_WINDOW_MS;
    let attempts = 0;
    let failed = 0;
    for (const outcome of this.#outcomes) {
      if (outcome.at < since) continue;
      attempts++;
      if (!outcome.ok) failed++;
    }
    return {
      rate: attempts === 0 ? 0 : failed / attempts,
      attempts,
      windowMs: OUTCOME_WINDOW_MS,
      isLastOk: this.#outcomes.at(-1)?.ok ?? false,
    };
  }
}
