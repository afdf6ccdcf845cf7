/**
 * The health verdict: `ok`, `degraded` (the service works but needs a look) or `failing` (it
 * cannot do its job), always with the reasons.
 *
 * @module
 */

import type { BreakerState } from "../../api/http/breaker.ts";

/** The health verdict with its reasons. */
export interface HealthReport {
  /** `ok`, `degraded` or `failing`. */
  status: "ok" | "degraded" | "failing";
  /** One line a reason, each something an operator can act on; empty when `ok`. */
  reasons: string[];
}

/** What the verdict is made from. */
export interface HealthInputs {
  /** The service lifecycle state. */
  state: "starting" | "running" | "stopping" | "stopped";
  /** Pending reports. */
  pending: number;
  /** The configured most pending reports. */
  maxQueueSize: number;
  /** How long the longest-waiting pending report has been due, in ms. */
  oldestPendingAgeMs: number;
  /**
   * Failed share of the submissions of the last five minutes (`windowMs`, five minutes when
   * absent); `isLastOk` when the last one succeeded.
   */
  errorRate: { rate: number; attempts: number; windowMs?: number; isLastOk?: boolean };
  /** The breaker's state. */
  breaker: BreakerState;
  /** Free and total bytes of the data folder's volume, when known. */
  disk: { freeBytes: number; totalBytes: number } | null;
  /** The intake met a full queue in the last minute. */
  isQueueFull: boolean;
  /** The last submission was refused with 401/403. */
  isAuthRefused: boolean;
  /** Background tasks that died and could not be restarted. */
  deadTasks: string[];
  /** Drop folders that cannot be reached now, each with the reason (they are tried again). */
  unavailableFolders?: string[];
  /** Files moved into an error folder in the last hour, and how many count as too many. */
  errorFiles?: { lastHour: number; maxPerHour: number };
  /** Problems that make the service `degraded` and no worse (an event sink not publishing). */
  otherProblems?: string[];
}

const MiB = 1024 * 1024;
/** Thresholds; exported so the status page and docs can name them. */
export const HEALTH_LIMITS = {
  /** Share of `maxQueueSize` pending that counts as a backlog. */
  backlogShare: 0.8,
  /** Age of the oldest due report that counts as stuck. */
  oldestPendingMs: 15 * 60_000,
  /** Error rate over five minutes that counts as high, with at least `minAttempts`. */
  errorRate: 0.5,
  minAttempts: 10,
  /** Free space below which the disk is low, and below which the service is failing. */
  diskLowBytes: 1024 * MiB,
  diskLowShare: 0.05,
  diskFailingBytes: 100 * MiB,
} as const;

/**
 * Judges the health of the service.
 *
 * @param inputs The facts.
 * @returns The verdict and its reasons.
 */
export function evaluateHealth(inputs: HealthInputs): HealthReport {
  const failing: string[] = [];
  const degraded: string[] = [];
  if (inputs.state !== "running") failing.push(`service is ${inputs.state}`);
  for (const task of inputs.deadTasks) failing.push(`${task} stopped working`);
  for (const reason of inputs.unavailableFolders ?? []) {
    failing.push(`drop folder cannot be watched: ${reason}`);
  }
  if (inputs.isAuthRefused) {
    failing.push("the server refuses the token (401/403); check WATS_TOKEN or server.tokenFile");
  }
  if (inputs.pending >= inputs.maxQueueSize || inputs.isQueueFull) {
    degraded.push(
      `queue full: ${inputs.pending} of ${inputs.maxQueueSize} reports pending; new files wait`,
    );
  } else if (inputs.pending >= HEALTH_LIMITS.backlogShare * inputs.maxQueueSize) {
    degraded.push(`backlog: ${inputs.pending} of ${inputs.maxQueueSize} reports pending`);
  }
  if (inputs.oldestPendingAgeMs > HEALTH_LIMITS.oldestPendingMs) {
    const minutes = Math.round(inputs.oldestPendingAgeMs / 60_000);
    degraded.push(`oldest pending report has waited ${minutes} min`);
  }
  const { rate, attempts, windowMs = 5 * 60_000, isLastOk = false } = inputs.errorRate;
  // An empty queue whose last upload succeeded waits on nothing: the outage is over.
  const isDrained = inputs.pending === 0 && isLastOk;
  if (attempts >= HEALTH_LIMITS.minAttempts && rate > HEALTH_LIMITS.errorRate && !isDrained) {
    const window = `${Math.round(windowMs / 60_000)} min`;
    degraded.push(
      `upload error rate ${Math.round(rate * 100)}% of ${attempts} uploads over the last ${window}`,
    );
  }
  if (inputs.errorFiles && inputs.errorFiles.lastHour > inputs.errorFiles.maxPerHour) {
    const { lastHour, maxPerHour } = inputs.errorFiles;
    degraded.push(
      `${lastHour} files went to an error folder in the last hour (more than ${maxPerHour}; ` +
        `limits.maxErrorFilesPerHour)`,
    );
  }
  if (inputs.breaker !== "closed") {
    degraded.push(`circuit breaker ${inputs.breaker}: the server failed repeatedly`);
  }
  if (inputs.disk) {
    const { freeBytes, totalBytes } = inputs.disk;
    const free = `${Math.round(freeBytes / MiB)} MiB free`;
    if (freeBytes < HEALTH_LIMITS.diskFailingBytes) failing.push(`disk almost full: ${free}`);
    else if (
      freeBytes < HEALTH_LIMITS.diskLowBytes || freeBytes < HEALTH_LIMITS.diskLowShare * totalBytes
    ) degraded.push(`disk low: ${free}`);
  }
  degraded.push(...inputs.otherProblems ?? []);
  if (failing.length > 0) return { status: "failing", reasons: [...failing, ...degraded] };
  if (degraded.length > 0) return { status: "degraded", reasons: degraded };
  return { status: "ok", reasons: [] };
}
