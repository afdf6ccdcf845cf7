/**
 * Builds the `/status` snapshot of a running service from its parts. Queue counts stream the
 * state folders, so they are cached for a second; the disk check for thirty.
 *
 * @module
 */

import { statfs } from "node:fs/promises";
import { evaluateHealth } from "./_health.ts";
import type { ServiceStats } from "./_stats.ts";
import type { Conversion } from "../intake/_convert.ts";
import type { ServiceConfig } from "../config/config.ts";
import type { Ledger } from "../ledger/ledger.ts";
import type { ReportQueue } from "../queue/queue.ts";
import type { QueueState } from "../queue/envelope.ts";
import type { ServiceStatus } from "./model.ts";
import type { Submitter } from "../submitter.ts";
import type { Wats } from "../../api/wats.ts";
import type { Clock } from "../../util/clock.ts";
import type { StationEvents } from "../events/events.ts";
import { VERSION } from "../../api/version.ts";
import { reportFacts } from "./_activity.ts";
import { humanDuration } from "./_human.ts";
import type { WaitingReport } from "./model.ts";

const COUNTS_TTL_MS = 1_000;
const DISK_TTL_MS = 30_000;
const QUEUE_FULL_MEMORY_MS = 60_000;
/** Pending reports the page lists during an outage. */
const WAITING_LISTED = 20;

/**
 * The server's state in one phrase, the breaker first: never "online" while it is open.
 *
 * @param facts The breaker, the last answers and the server's requested pause.
 * @returns The state (`online`, `offline`, `unknown`) and the phrase.
 */
export function describeServer(facts: {
  now: number;
  breaker: { state: string; retryAtMs: number | null; opens: number } | undefined;
  lastOkAt: number | null;
  lastDownAt: number | null;
  pausedUntil: number;
}): { state: "online" | "offline" | "unknown"; summary: string } {
  const { now, breaker } = facts;
  if (breaker?.state === "open") {
    const next = breaker.retryAtMs === null
      ? ""
      : `; next trial in ${humanDuration(breaker.retryAtMs - now)}`;
    return {
      state: "offline",
      summary: `offline: breaker open, no upload leaves (the server failed repeatedly)${next}`,
    };
  }
  if (breaker?.state === "half-open") {
    return { state: "offline", summary: "offline: breaker half-open, one trial upload under way" };
  }
  const ok = facts.lastOkAt ?? 0;
  const down = facts.lastDownAt ?? 0;
  if (ok === 0 && down === 0) return { state: "unknown", summary: "not contacted yet" };
  if (down > ok) {
    return { state: "offline", summary: `offline: no answer for ${humanDuration(now - down)}` };
  }
  const paused = facts.pausedUntil > now
    ? `; the server asked to wait ${humanDuration(facts.pausedUntil - now)} more (Retry-After)`
    : "";
  return {
    state: "online",
    summary: `online: last answer ${humanDuration(now - ok)} ago${paused}`,
  };
}

/** The parts a snapshot is made of. */
export interface StatusParts {
  config: ServiceConfig;
  clock: Clock;
  queue: ReportQueue;
  ledger: Ledger;
  wats: Wats;
  stats: ServiceStats;
  conversion: Conversion;
  submitter: Submitter;
  intakeActive: () => number;
  state: () => ServiceStatus["status"];
  statusUrl: () => string;
  warnings: string[];
  events?: StationEvents | null;
}

function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined || ms <= 0 ? null : new Date(ms).toISOString();
}

/** Makes status snapshots, with the slow parts cached. */
export class StatusBuilder {
  readonly #parts: StatusParts;
  #counts: { at: number; value: Record<QueueState, number> } | null = null;
  #disk: { at: number; value: ServiceStatus["disk"] } | null = null;

  constructor(parts: StatusParts) {
    this.#parts = parts;
  }

  /** A fresh snapshot. */
  async build(): Promise<ServiceStatus> {
    const { config, clock, queue, ledger, wats, stats, submitter } = this.#parts;
    const now = clock.now();
    const counts = await this.#queueCounts();
    const oldestPendingAgeMs = await queue.oldestPendingAgeMs();
    const breaker = wats.transport.breaker?.stats;
    const limiter = wats.transport.limiter?.stats;
    const disk = await this.#diskSpace();
    const state = this.#parts.state();
    const health = evaluateHealth({
      state,
      pending: counts.pending,
      maxQueueSize: config.limits.maxQueueSize,
      oldestPendingAgeMs,
      errorRate: stats.errorRate(),
      breaker: breaker?.state ?? "closed",
      disk,
      isQueueFull: stats.queueFullAt !== null && now - stats.queueFullAt < QUEUE_FULL_MEMORY_MS,
      isAuthRefused: stats.authRefusedAt !== null,
      deadTasks: [],
      unavailableFolders: stats.watches.flatMap((watch) =>
        watch.unavailable === null ? [] : [watch.unavailable]
      ),
      errorFiles: {
        lastHour: stats.activity.errorFilesLastHour(),
        maxPerHour: config.limits.maxErrorFilesPerHour ?? 30,
      },
      otherProblems: this.#parts.events?.problems() ?? [],
    });
    const server = describeServer({
      now,
      breaker,
      lastOkAt: stats.lastServerOkAt,
      lastDownAt: stats.lastServerDownAt,
      pausedUntil: submitter.pausedUntil,
    });
    stats.samples.record(now, counts.pending, stats.uploadsAccepted);
    const memory = Deno.memoryUsage();
    return {
      instance: {
        station: config.station.name,
        dataDir: config.dataDir,
        pid: Deno.pid,
        statusUrl: this.#parts.statusUrl(),
      },
      version: VERSION,
      status: state,
      health,
      uptimeSeconds: Math.round((now - stats.startedAt) / 1000),
      api: {
        url: config.server.url,
        state: server.state,
        summary: server.summary,
        lastOkAt: iso(stats.lastServerOkAt),
        breaker: {
          state: breaker?.state ?? "closed",
          opens: breaker?.opens ?? 0,
          rejected: breaker?.rejected ?? 0,
          retryAt: iso(breaker?.retryAtMs),
        },
        limiter: limiter
          ? {
            inWindow: limiter.inWindow,
            waiting: limiter.waiting,
            throttled: limiter.throttled,
            requests: limiter.requests,
          }
          : null,
        pausedUntil: submitter.pausedUntil > now ? iso(submitter.pausedUntil) : null,
      },
      queue: { ...counts, oldestPendingAgeSeconds: Math.round(oldestPendingAgeMs / 1000) },
      conversions: {
        active: this.#parts.intakeActive(),
        completed: stats.conversionsCompleted,
        failed: stats.conversionsFailed,
        duplicates: stats.duplicates,
      },
      uploads: {
        inFlight: submitter.inFlight,
        accepted: stats.uploadsAccepted,
        ledgerHits: stats.ledgerHits,
        retried: stats.uploadsRetried,
        failed: stats.uploadsFailed,
        lastSuccessAt: iso(stats.lastUploadAt),
      },
      counters: await ledger.counters(),
      converters: this.#parts.conversion.list().map((converter) => ({
        ...converter,
        plugin: converter.plugin ?? false,
        succeeded: stats.converters.get(converter.id)?.succeeded ?? 0,
        failed: stats.converters.get(converter.id)?.failed ?? 0,
      })),
      watch: stats.watches.map((watch) => ({ ...watch })),
      recentErrors: stats.recentErrors,
      memory: { rss: memory.rss, heapUsed: memory.heapUsed },
      disk,
      warnings: this.#parts.warnings,
      activity: {
        recentReports: stats.activity.recentReports,
        firstPassYield: stats.activity.firstPassYield(),
        uploadProblems: stats.activity.uploadProblems,
        errorFiles: stats.activity.errorFiles,
        errorFilesLastHour: stats.activity.errorFilesLastHour(),
      },
      waiting: counts.pending > 0 ? await this.#waiting() : [],
      history: stats.samples.history(now),
      ...(this.#parts.events ? { events: this.#parts.events.status() } : {}),
    };
  }

  /** The pending reports due earliest, oldest in the queue first. */
  async #waiting(): Promise<WaitingReport[]> {
    const items = await this.#parts.queue.earliestPending(WAITING_LISTED);
    const waiting: WaitingReport[] = [];
    for (const { envelope } of items) {
      if (!envelope) continue;
      waiting.push({
        report: reportFacts(envelope),
        enqueuedAt: envelope.enqueuedAt,
        attempts: envelope.attempts,
        nextAttemptAt: envelope.nextAttemptAt,
        lastError: envelope.lastError
          ? {
            message: envelope.lastError.message,
            ...(envelope.lastError.status === undefined
              ? {}
              : { status: envelope.lastError.status }),
          }
          : null,
      });
    }
    return waiting.sort((a, b) => a.enqueuedAt.localeCompare(b.enqueuedAt));
  }

  async #queueCounts(): Promise<Record<QueueState, number>> {
    const now = performance.now();
    if (this.#counts && now - this.#counts.at < COUNTS_TTL_MS) return this.#counts.value;
    const value = await this.#parts.queue.counts();
    this.#counts = { at: performance.now(), value };
    return value;
  }

  async #diskSpace(): Promise<ServiceStatus["disk"]> {
    const now = performance.now();
    if (this.#disk && now - this.#disk.at < DISK_TTL_MS) return this.#disk.value;
    let value: ServiceStatus["disk"] = null;
    try {
      const info = await statfs(this.#parts.config.dataDir);
      value = { freeBytes: info.bavail * info.bsize, totalBytes: info.blocks * info.bsize };
    } catch {
      // Without --allow-sys=statfs (or on a file system that does not tell) there is no check.
    }
    this.#disk = { at: performance.now(), value };
    return value;
  }
}
