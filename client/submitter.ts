/**
 * The submitter: claim → ledger check → POST with the report id as `Idempotency-Key` → settle.
 *
 * `concurrency` workers claim the pending envelope due the longest. `concurrency` bounds the
 * requests in flight: once the server has answered, the worker goes on to its next claim while
 * the settle (ledger record, then the rename into `done/`, each durable) completes beside it, so
 * settles made at the same time share their commits and fsyncs (at most
 * {@linkcode SETTLES_PER_WORKER} per worker wait at once). A report the ledger already
 * lists as accepted with the same content (the process died between the server's answer and the
 * settle) is settled without a second POST; a corrected report under an accepted id is sent, and
 * the server overwrites it, as WATS does. Otherwise a report is sent through the API client's
 * limiter, retry and breaker.
 * A 2xx is recorded in the ledger, then the envelope goes to `done/`. A retryable failure sends
 * it back to `pending/` with capped full-jitter backoff (base × 2^attempts, never dropped for age)
 * or the server's `Retry-After`, which also pauses every worker until then. While the breaker is
 * open nobody claims. A permanent failure (a 4xx other than 408/429, an invalid report) goes to
 * `failed/` with the reason. A 401/403 is retried like an outage (a wrong token is fixed on the
 * station, and the reports must survive until then), and so is a 409 (the server still works on
 * an earlier attempt with the same idempotency key).
 *
 * A settle that fails (a full disk refuses the rename into `done/` or the rewrite of the
 * envelope) is tried again, first after {@linkcode SETTLE_RETRY_MS} and then at doubling
 * intervals up to a minute, until it succeeds or the submitter stops: no envelope stays in
 * `processing/` without an upload or a settle that owns it. At a stop, whatever is still unsettled
 * stays in `processing/`, which the next start returns to `pending/` (the ledger then tells an
 * accepted report from one still to send).
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { ServiceStats } from "./status/_stats.ts";
import { type Ledger, type LinkedEntry, reportDigest } from "./ledger/ledger.ts";
import type { Claim, ReportQueue } from "./queue/queue.ts";
import type { QueueReport } from "./queue/envelope.ts";
import { type Clock, systemClock } from "../util/clock.ts";
import {
  AuthenticationError,
  AuthorizationError,
  CircuitOpenError,
  NetworkError,
  RateLimitError,
  ServerError,
  TimeoutError,
  WatsError,
} from "../api/http/errors.ts";
import { ReportFormatError } from "../api/models/report/mod.ts";
import { type ReportFacts, reportFacts } from "./status/_activity.ts";

const log = getLogger(["wats", "submitter"]);

/** How a report's upload ended this time. */
export interface SettledEvent {
  /** The report id. */
  id: string;
  /** `done` (accepted, or found accepted in the ledger), `retry` or `failed`. */
  state: "done" | "retry" | "failed";
  /** Why it did not go through. */
  error?: string;
  /** What people know the report by (serial and part number, result, source file). */
  report?: ReportFacts;
}

/** What the submitter reads of a circuit breaker: its state, and when it probes again. */
export interface BreakerView {
  /** A snapshot of the breaker. */
  readonly stats: { readonly state: string; readonly retryAtMs: number | null };
}

/** Options of {@linkcode Submitter}. */
export interface SubmitterOptions {
  /** Where reports wait. */
  queue: ReportQueue;
  /** Acceptance records. */
  ledger: Ledger;
  /**
   * Sends one report; returns the server's id for it. `wats.report.submit` in the service.
   * `signal` aborts the upload once the stop's grace period is over; `waitSignal` aborts it at
   * the stop while it still waits to be sent (for a limiter slot, or between retries).
   */
  send: (
    report: QueueReport,
    signal: AbortSignal,
    waitSignal: AbortSignal,
  ) => Promise<string | null>;
  /** The API client's breaker (`wats.transport.breaker`): nobody claims while it is open. */
  breaker?: BreakerView | null;
  /** Counters for status. */
  stats: ServiceStats;
  /** Uploads in flight at once. */
  concurrency: number;
  /** Backoff of retryable failures. */
  retry: { baseDelayMs: number; maxDelayMs: number };
  /** The clock; the system clock by default. */
  clock?: Clock;
  /** Uniform random in [0, 1) for the jitter; `Math.random` by default. */
  random?: () => number;
  /** How often an idle worker looks for envelopes other processes queued; 1 s by default. */
  idleCheckMs?: number;
  /** Told after each settle. */
  onSettled?: (event: SettledEvent) => void;
  /** The outbox entries of an accepted report, committed with its ledger record. */
  eventsOf?: (report: QueueReport, acceptedAt: string) => LinkedEntry[];
}

/** Pause of a worker after an unexpected error (a disk full while settling). */
const TROUBLE_PAUSE_MS = 1_000;

/** The first wait before a settle that failed is tried again; it doubles up to a minute. */
export const SETTLE_RETRY_MS = 1_000;
const SETTLE_RETRY_MAX_MS = 60_000;

/** Accepted uploads per worker whose settle may be under way at once. */
export const SETTLES_PER_WORKER = 8;

/**
 * The delay before the next attempt of a report that failed in a retryable way.
 *
 * @param error What the attempt threw.
 * @param attempts Retryable failures so far, before this one.
 * @param retry Base and cap of the backoff.
 * @param now The time now, epoch ms.
 * @param random Uniform random in [0, 1).
 * @returns Milliseconds: the breaker's probe time, the server's `Retry-After`, or full jitter.
 */
export function retryDelayMs(
  error: unknown,
  attempts: number,
  retry: { baseDelayMs: number; maxDelayMs: number },
  now: number,
  random: () => number,
): number {
  if (error instanceof CircuitOpenError) return Math.max(0, error.retryAtMs - now);
  const backoff = random() *
    Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** Math.min(attempts, 30));
  if (error instanceof RateLimitError || error instanceof ServerError) {
    if (error.retryAfterMs !== null) return error.retryAfterMs;
  }
  return backoff;
}

function outcomeOf(error: unknown): string {
  if (error instanceof CircuitOpenError) return "breaker";
  if (error instanceof TimeoutError) return "timeout";
  if (error instanceof NetworkError) return "network";
  if (error instanceof WatsError && error.status !== null) return String(error.status);
  return "error";
}

/**
 * Uploads queued reports, each exactly once.
 *
 * @example Drain a queue
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { createUutReport, Wats } from "@wats/toolkit";
 * import { Ledger, ReportQueue, ServiceStats, Submitter } from "@wats/toolkit/client";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * const folder = await Deno.makeTempDir();
 * const queue = await ReportQueue.open(join(folder, "queue"));
 * const ledger = await Ledger.open(join(folder, "ledger.kv"));
 * const report = createUutReport({ pn: "PCB-1", sn: "SN-1", rev: "A", processCode: 10 }).build();
 * await queue.enqueue(report, null);
 * const submitter = new Submitter({
 *   queue,
 *   ledger,
 *   stats: new ServiceStats(Date.now, []),
 *   concurrency: 4,
 *   send: (report, signal, waitSignal) => wats.report.submit(report, { signal, waitSignal }),
 *   retry: { baseDelayMs: 300_000, maxDelayMs: 3_600_000 },
 * });
 * submitter.start();
 * const deadline = Date.now() + 10_000;
 * while ((await queue.counts()).done < 1 && Date.now() < deadline) {
 *   await new Promise((resolve) => setTimeout(resolve, 20));
 * }
 * await submitter.stop(20_000);
 * ledger.close();
 * await Deno.remove(folder, { recursive: true });
 * assert.equal((await wats.report.get(report.id))?.sn, "SN-1");
 * ```
 */
export class Submitter {
  #options: SubmitterOptions;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #halt = new AbortController();
  readonly #abort = new AbortController();
  #wake = new AbortController();
  #idleWorkers = 0;
  #workers: Promise<void>[] = [];
  /** Workers running now; more than `concurrency` after a reload lowered it, until they end. */
  #liveWorkers = 0;
  #inFlight = 0;
  #pauseUntil = 0;
  readonly #settling = new Set<Promise<void>>();
  /** Settles that failed and are being tried again. */
  readonly #resettling = new Set<Promise<void>>();

  /**
   * Creates the submitter; nothing is sent until {@linkcode Submitter.start}.
   *
   * @param options Queue, ledger, sender, limits.
   */
  constructor(options: SubmitterOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
  }

  /** Uploads in flight now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Until when the server asked everyone to wait (`Retry-After`), epoch ms; 0 when not. */
  get pausedUntil(): number {
    return this.#pauseUntil;
  }

  /** Starts the workers. */
  start(): void {
    if (this.#workers.length > 0) return;
    for (let n = 0; n < this.#options.concurrency; n++) this.#spawn();
  }

  /**
   * Applies a new concurrency and backoff to a running submitter (a configuration reload): more
   * workers start at once; extra ones end after their upload under way, so none is cut off.
   *
   * @param update The new upload concurrency and retry backoff.
   */
  configure(update: Pick<SubmitterOptions, "concurrency" | "retry">): void {
    this.#options = { ...this.#options, ...update };
    if (this.#workers.length === 0 || this.#halt.signal.aborted) return;
    while (this.#liveWorkers < this.#options.concurrency) this.#spawn();
    if (this.#liveWorkers > this.#options.concurrency) this.#wakeAll();
  }

  /** Tells idle workers that reports were queued. */
  wake(): void {
    // Busy workers look for work when they are done anyway; only sleeping ones need a nudge.
    if (this.#idleWorkers === 0) return;
    this.#wakeAll();
  }

  #wakeAll(): void {
    const wake = this.#wake;
    this.#wake = new AbortController();
    wake.abort();
  }

  /**
   * Stops claiming, lets uploads in flight finish within `graceMs`, then aborts the rest (they
   * stay in `processing/` and are sent again after the next start).
   *
   * @param graceMs How long uploads in flight may take.
   * @returns A promise that resolves when every worker has ended.
   */
  async stop(graceMs: number): Promise<void> {
    this.#halt.abort();
    const finished = Promise.all(this.#workers);
    const timer = new AbortController();
    const grace = this.#clock.sleep(graceMs, timer.signal).then(() => "late", () => "done");
    if (await Promise.race([finished.then(() => "done"), grace]) === "late") this.#abort.abort();
    timer.abort();
    await finished;
    // The server accepted these: their settles are local writes, finished even after the grace.
    while (this.#settling.size > 0) await Promise.all(this.#settling);
    // Settles tried again end at the halt; what they hold stays in processing/ for the next start.
    while (this.#resettling.size > 0) await Promise.all(this.#resettling);
  }

  /**
   * Runs a settle; when it fails, it is tried again in the background (see the module doc).
   *
   * @returns Whether it succeeded now.
   */
  async #settleOrKeepTrying(id: string, settle: () => Promise<void>): Promise<boolean> {
    try {
      await settle();
      return true;
    } catch (error) {
      this.#trouble(
        `Report ${id} could not be settled: ${(error as Error).message}; it is tried again`,
      );
      const retrying = this.#retrySettle(id, settle).finally(() =>
        this.#resettling.delete(retrying)
      );
      this.#resettling.add(retrying);
      return false;
    }
  }

  async #retrySettle(id: string, settle: () => Promise<void>): Promise<void> {
    let waitMs = SETTLE_RETRY_MS;
    while (!this.#halt.signal.aborted) {
      await this.#clock.sleep(waitMs, this.#halt.signal).catch(() => {});
      if (this.#halt.signal.aborted) return;
      try {
        await settle();
        log.info("Report {id} is settled after all", { id });
        return;
      } catch (error) {
        this.#trouble(`Report ${id} could not be settled yet: ${(error as Error).message}`);
        waitMs = Math.min(SETTLE_RETRY_MAX_MS, waitMs * 2);
      }
    }
  }

  #spawn(): void {
    this.#liveWorkers++;
    this.#workers.push(this.#work());
  }

  async #work(): Promise<void> {
    while (!this.#halt.signal.aborted) {
      if (this.#liveWorkers > this.#options.concurrency) {
        this.#liveWorkers--;
        return;
      }
      const now = this.#clock.now();
      const blockedUntil = this.#blockedUntil();
      if (blockedUntil > now) {
        await this.#sleep(blockedUntil - now, false);
        continue;
      }
      let claim: Claim | null;
      try {
        claim = await this.#options.queue.claimNext();
      } catch (error) {
        this.#trouble(`Could not claim a report: ${(error as Error).message}`);
        await this.#sleep(TROUBLE_PAUSE_MS, false);
        continue;
      }
      if (!claim) {
        const nextDue = this.#options.queue.nextDueAt() ?? Infinity;
        const idle = Math.min(this.#options.idleCheckMs ?? 1_000, nextDue - now);
        await this.#sleep(idle, true);
        continue;
      }
      this.#inFlight++;
      try {
        await this.#upload(claim);
      } catch (error) {
        this.#trouble(
          `Report ${claim.envelope.id} could not be settled: ${(error as Error).message}`,
        );
        await this.#sleep(TROUBLE_PAUSE_MS, false);
      } finally {
        this.#inFlight--;
      }
    }
  }

  async #upload(claim: Claim): Promise<void> {
    const { ledger, stats, send } = this.#options;
    const { id, report } = claim.envelope;
    const digest = reportDigest(report);
    const accepted = await ledger.getAccepted(id);
    // Accepted already: the same report is settled without a POST; a corrected one (same id,
    // other content) is sent, and the server overwrites, as WATS does.
    if (accepted && (accepted.digest === undefined || accepted.digest === digest)) {
      stats.ledgerHits++;
      await this.#settleOrKeepTrying(id, async () => {
        await claim.complete();
        const facts = reportFacts(claim.envelope);
        stats.activity.accepted(facts, Date.parse(claim.envelope.enqueuedAt));
        this.#options.onSettled?.({ id, state: "done", report: facts });
      });
      return;
    }
    let serverId: string | null;
    try {
      serverId = await send(report, this.#abort.signal, this.#halt.signal);
    } catch (error) {
      // Aborted at shutdown, on the wire or still waiting to be sent: the envelope stays in
      // processing/ for the next start.
      if (this.#abort.signal.aborted) return;
      if (this.#halt.signal.aborted && error === this.#halt.signal.reason) return;
      await this.#settleFailure(claim, error);
      return;
    }
    stats.submission("2xx", true);
    // Settle beside the next upload; wait only when too many settles are under way already.
    while (this.#settling.size >= SETTLES_PER_WORKER * this.#options.concurrency) {
      await Promise.race(this.#settling);
    }
    const settle = this.#settleOrKeepTrying(
      id,
      () => this.#settleAccepted(claim, serverId, digest, accepted !== null),
    ).then(() => {}).finally(() => this.#settling.delete(settle));
    this.#settling.add(settle);
  }

  /**
   * Records an accepted report in the ledger (replacing the record of a corrected one), then
   * moves its envelope into `done/`.
   */
  async #settleAccepted(
    claim: Claim,
    serverId: string | null,
    digest: string,
    isCorrection: boolean,
  ): Promise<void> {
    const { ledger, stats } = this.#options;
    const { id, source, report } = claim.envelope;
    const at = new Date(this.#clock.now()).toISOString();
    const record = {
      at,
      ...(serverId ? { serverId } : {}),
      ...(source ? { sha256: source.sha256 } : {}),
      digest,
    };
    // A correction replaces the record; consumers know the report's event by its id already.
    if (isCorrection) await ledger.replaceAccepted(id, record);
    else await ledger.recordAccepted(id, record, this.#options.eventsOf?.(report, at));
    await claim.complete();
    stats.uploadsAccepted++;
    stats.lastUploadAt = this.#clock.now();
    const facts = reportFacts(claim.envelope);
    stats.activity.accepted(facts, Date.parse(claim.envelope.enqueuedAt));
    this.#options.onSettled?.({ id, state: "done", report: facts });
  }

  async #settleFailure(claim: Claim, error: unknown): Promise<void> {
    const { stats } = this.#options;
    const { id, attempts } = claim.envelope;
    const message = error instanceof Error ? error.message : String(error);
    const status = error instanceof WatsError ? error.status : null;
    const facts = reportFacts(claim.envelope);
    stats.submission(outcomeOf(error), false);
    // 401/403: a wrong token is fixed on the station; 409: the same report is still in flight
    // on the server (an earlier attempt). Both are waited out, not failed.
    const isWaitedOut = error instanceof AuthenticationError ||
      error instanceof AuthorizationError || status === 409;
    const isPermanent = error instanceof ReportFormatError ||
      (error instanceof WatsError && !error.isRetryable && !isWaitedOut);
    if (isPermanent) {
      await this.#settleOrKeepTrying(id, () => claim.fail({ message, status }));
      stats.uploadsFailed++;
      stats.error("upload", message, { reportId: id, file: claim.envelope.source?.path });
      stats.activity.refused(facts, status, message);
      this.#options.onSettled?.({ id, state: "failed", error: message, report: facts });
      return;
    }
    const now = this.#clock.now();
    const delayMs = retryDelayMs(error, attempts, this.#options.retry, now, this.#random);
    const isServerWait = (error instanceof RateLimitError || error instanceof ServerError) &&
      error.retryAfterMs !== null;
    if (isServerWait) this.#pauseUntil = Math.max(this.#pauseUntil, now + delayMs);
    await this.#settleOrKeepTrying(id, () => claim.retry({ message, status }, { delayMs }));
    stats.uploadsRetried++;
    const isBreaker = error instanceof CircuitOpenError;
    if (!isBreaker) {
      stats.error("upload", message, { reportId: id, file: claim.envelope.source?.path });
    }
    stats.activity.retry(facts, { status, message, delayMs, attempts: attempts + 1 }, {
      quiet: isBreaker,
    });
    this.#options.onSettled?.({ id, state: "retry", error: message, report: facts });
  }

  #blockedUntil(): number {
    const breaker = this.#options.breaker?.stats;
    const breakerUntil = breaker?.state === "open" ? breaker.retryAtMs ?? 0 : 0;
    return Math.max(this.#pauseUntil, breakerUntil);
  }

  /** Sleeps; wakes early on stop, and on new work when `isIdle`. */
  async #sleep(ms: number, isIdle: boolean): Promise<void> {
    if (!isIdle) {
      await this.#clock.sleep(Math.max(0, ms), this.#halt.signal).catch(() => {});
      return;
    }
    this.#idleWorkers++;
    try {
      const signal = AbortSignal.any([this.#halt.signal, this.#wake.signal]);
      await this.#clock.sleep(Math.max(0, ms), signal).catch(() => {});
    } finally {
      this.#idleWorkers--;
    }
  }

  #trouble(message: string): void {
    this.#options.stats.error("upload", message);
    log.error(message);
  }
}
