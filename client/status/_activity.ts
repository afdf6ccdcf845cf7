/**
 * What the service does, told the way people on the floor follow it: one line per file taken
 * (file → N reports queued, or → error folder with the reason) and per report settled (serial
 * number, part number, result, accepted or refused with the server's message, the source file),
 * plus the memory the status page shows of it: the last 50 reports with their latency, the first
 * pass yield per part number over the last hour, upload problems with the next retry time, and
 * the error folders' recent files.
 *
 * The lines are LogTape records in the `wats.activity` category (text or JSON lines, as the
 * command set logging up) and go to listeners too, so `wats demo` prints the same words.
 * Everything here is bounded: 50 reports, 50 problems, 20 error files, and at most
 * {@linkcode YIELD_LIMIT} first runs for the yield.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { QueueEnvelope } from "../queue/envelope.ts";
import { humanDuration } from "./_human.ts";

const log = getLogger(["wats", "activity"]);

/** Reports kept for the page. */
export const RECENT_REPORTS = 50;
/** First runs kept for the yield of the last hour. */
export const YIELD_LIMIT = 20_000;
const RECENT_PROBLEMS = 50;
const RECENT_ERROR_FILES = 20;
const HOUR_MS = 3_600_000;

/** What people know a report by. */
export interface ReportFacts {
  /** The report id. */
  id: string;
  /** Serial number, when the report has one. */
  sn: string | null;
  /** Part number, when the report has one. */
  pn: string | null;
  /** The result word (`Passed`, `Failed`, `Error`, `Terminated`…), when the report has one. */
  result: string | null;
  /** The source file's name (no folder), or `null` for a report submitted directly. */
  file: string | null;
}

const RESULTS: Record<string, string> = {
  P: "Passed",
  F: "Failed",
  E: "Error",
  T: "Terminated",
  D: "Done",
  S: "Skipped",
};

/** The last part of a path, for `/` and `\` alike (a station's path read on a server). */
function fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

/**
 * The facts people know a queued report by.
 *
 * @param envelope The queue envelope (or its id, report and source).
 * @returns Serial number, part number, result and source file name.
 */
export function reportFacts(
  envelope: Pick<QueueEnvelope, "id" | "report" | "source">,
): ReportFacts {
  const { report, source } = envelope;
  const code = text(report.result);
  return {
    id: envelope.id,
    sn: text(report.sn),
    pn: text(report.pn),
    result: code === null ? null : RESULTS[code] ?? code,
    file: source ? fileName(source.path) : null,
  };
}

/** One activity line: a LogTape message template and its properties. */
export interface ActivityEvent {
  /** When, epoch ms. */
  at: number;
  /** `info`, or `warning` for what someone should look at. */
  level: "info" | "warning";
  /** What happened. */
  kind: "queued" | "error-folder" | "accepted" | "refused" | "retry";
  /** The message template, `{name}` for a property. */
  template: string;
  /** The fields of the line. */
  properties: Record<string, unknown>;
}

/**
 * An activity line as a person reads it: the template with its properties filled in.
 *
 * @param event The event.
 * @returns The line, without a newline.
 */
export function activityText(event: ActivityEvent): string {
  return event.template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = event.properties[name];
    return value === undefined ? whole : String(value);
  });
}

/** A report settled, as the page lists it. */
export interface SettledReport {
  /** When it settled, ISO 8601. */
  at: string;
  /** The report's facts. */
  report: ReportFacts;
  /** Accepted by the server, or refused for good. */
  outcome: "accepted" | "refused";
  /** From entering the queue to the server's acceptance, ms; `null` when refused. */
  latencyMs: number | null;
  /** The server's message when refused. */
  message?: string;
}

/** An upload that did not go through and will be tried again. */
export interface UploadProblem {
  /** When, ISO 8601. */
  at: string;
  /** The report's facts. */
  report: ReportFacts;
  /** The HTTP status, when the server answered. */
  status: number | null;
  /** The server's message (or what kept the request from it). */
  message: string;
  /** When the report is tried again, ISO 8601. */
  nextAttemptAt: string;
  /** Retryable failures so far, this one included. */
  attempts: number;
}

/** A file moved into an error folder. */
export interface ErrorFile {
  /** When, ISO 8601. */
  at: string;
  /** The file's name. */
  file: string;
  /** Why. */
  reason: string;
}

/** First pass yield of one part number. */
export interface PartYield {
  /** The part number. */
  pn: string;
  /** Units (serial numbers) tested for the first time within the hour. */
  units: number;
  /** Of those, the ones whose first report passed. */
  passed: number;
  /** `passed / units`, 0 to 1. */
  yield: number;
}

/** The activity of a service: its lines, and what the page shows of them. */
export class Activity {
  readonly #now: () => number;
  readonly #listeners = new Set<(event: ActivityEvent) => void>();
  readonly #reports: SettledReport[] = [];
  readonly #problems = new Map<string, UploadProblem>();
  readonly #errorFiles: ErrorFile[] = [];
  readonly #errorTimes: number[] = [];
  #errorFolderCount = 0;
  /** Final outcomes since start: accepted, refused by the server, failed without an answer. */
  readonly outcomes: { accepted: number; refused: number; failed: number } = {
    accepted: 0,
    refused: 0,
    failed: 0,
  };
  readonly #lastFailure: () => { status: number | null; message: string } | null;
  readonly #onLatency?: (seconds: number) => void;
  /** First runs in arrival order: `pn\0sn` → when and whether it passed. */
  readonly #firstRuns = new Map<string, { at: number; pn: string; passed: boolean }>();

  /**
   * Starts an empty record.
   *
   * @param now The clock.
   * @param lastFailure The server's last failing answer (status and message), if known: a
   *   report the breaker held back, or whose call ended in the breaker, is shown with it.
   * @param onLatency Told the seconds from queue to acceptance of each accepted report.
   */
  constructor(
    now: () => number,
    lastFailure: () => { status: number | null; message: string } | null = () => null,
    onLatency?: (seconds: number) => void,
  ) {
    this.#now = now;
    this.#lastFailure = lastFailure;
    this.#onLatency = onLatency;
  }

  /**
   * Calls `listener` with every activity event from now on.
   *
   * @param listener Told each event.
   * @returns A function that stops the calls.
   */
  subscribe(listener: (event: ActivityEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The last reports settled, newest first (at most {@linkcode RECENT_REPORTS}). */
  get recentReports(): readonly SettledReport[] {
    return this.#reports;
  }

  /** Reports whose last upload failed and that wait for their retry, newest first. */
  get uploadProblems(): UploadProblem[] {
    return [...this.#problems.values()].reverse();
  }

  /** Files moved into an error folder lately, newest first. */
  get errorFiles(): readonly ErrorFile[] {
    return this.#errorFiles;
  }

  /** Files moved into an error folder since start. */
  get errorFolderCount(): number {
    return this.#errorFolderCount;
  }

  /** Files moved into an error folder within the last hour. */
  errorFilesLastHour(): number {
    this.#forgetOld();
    return this.#errorTimes.length;
  }

  /**
   * First pass yield per part number over the last hour: of the units first seen within the
   * hour, the share whose first report passed.
   *
   * @returns One entry a part number, by part number.
   */
  firstPassYield(): PartYield[] {
    this.#forgetOld();
    const parts = new Map<string, { units: number; passed: number }>();
    for (const run of this.#firstRuns.values()) {
      const part = parts.get(run.pn) ?? { units: 0, passed: 0 };
      part.units++;
      if (run.passed) part.passed++;
      parts.set(run.pn, part);
    }
    return [...parts].sort(([a], [b]) => a.localeCompare(b)).map(([pn, { units, passed }]) => ({
      pn,
      units,
      passed,
      yield: units === 0 ? 0 : passed / units,
    }));
  }

  /** A file gave reports that are now durable in the queue. */
  queued(file: string, reports: ReportFacts[]): void {
    const first = reports[0];
    const detail = reports.length === 1 && first
      ? ` (${describe(first)})`
      : reports.length > 1
      ? ` (${reports[0].pn ?? "no part number"}, first ${reports[0].sn ?? reports[0].id})`
      : "";
    this.#emit("info", "queued", "{file} → {count} report(s) queued{detail}", {
      file: fileName(file),
      count: reports.length,
      detail,
      path: file,
    });
  }

  /** A file went to an error folder. */
  errorFolder(file: string, reason: string): void {
    const at = this.#now();
    this.#errorTimes.push(at);
    this.#errorFolderCount++;
    this.#errorFiles.unshift({ at: iso(at), file: fileName(file), reason });
    if (this.#errorFiles.length > RECENT_ERROR_FILES) this.#errorFiles.pop();
    this.#emit("warning", "error-folder", "{file} → error folder: {reason}", {
      file: fileName(file),
      reason,
      path: file,
    });
  }

  /**
   * The server accepted a report.
   *
   * @param report Its facts.
   * @param enqueuedAt When it entered the queue, epoch ms.
   */
  accepted(report: ReportFacts, enqueuedAt: number): void {
    const at = this.#now();
    const latencyMs = Math.max(0, at - enqueuedAt);
    this.#onLatency?.(latencyMs / 1000);
    this.outcomes.accepted++;
    this.#problems.delete(report.id);
    this.#remember({ at: iso(at), report, outcome: "accepted", latencyMs });
    if (report.pn !== null && report.sn !== null) {
      const key = `${report.pn}\0${report.sn}`;
      if (!this.#firstRuns.has(key)) {
        this.#firstRuns.set(key, { at, pn: report.pn, passed: report.result === "Passed" });
        if (this.#firstRuns.size > YIELD_LIMIT) {
          this.#firstRuns.delete(this.#firstRuns.keys().next().value as string);
        }
      }
    }
    this.#emit("info", "accepted", "Accepted {report} after {latency}", {
      report: describe(report),
      latency: humanDuration(latencyMs),
      ...fields(report),
      latencyMs,
    });
  }

  /** The server refused a report for good (it goes to `failed/`). */
  refused(report: ReportFacts, status: number | null, message: string): void {
    this.#problems.delete(report.id);
    if (status === null) this.outcomes.failed++;
    else this.outcomes.refused++;
    this.#remember({ at: iso(this.#now()), report, outcome: "refused", latencyMs: null, message });
    this.#emit("warning", "refused", "Refused {report}: {answer}", {
      report: describe(report),
      answer: status === null ? message : `HTTP ${status}: ${message}`,
      ...fields(report),
      status,
      message,
    });
  }

  /**
   * An upload failed in a way worth another try.
   *
   * @param report Its facts.
   * @param failure The status (when the server answered), the message, the delay and attempts.
   * @param options `quiet`: remember it without a line (the breaker refusing while open).
   */
  retry(
    report: ReportFacts,
    failure: { status: number | null; message: string; delayMs: number; attempts: number },
    options: { quiet?: boolean } = {},
  ): void {
    const at = this.#now();
    const previous = this.#problems.get(report.id);
    this.#problems.delete(report.id);
    // The breaker's refusal says nothing new about the server: the last real answer stays.
    const isBreaker = options.quiet === true;
    const last = this.#lastFailure();
    const cause = isBreaker
      ? previous ?? {
        at: iso(at),
        status: last?.status ?? null,
        message: last
          ? `held back by the open breaker; the server last said: ${last.message}`
          : failure.message,
      }
      : { at: iso(at), status: failure.status, message: failure.message };
    this.#problems.set(report.id, {
      at: cause.at,
      report,
      status: cause.status,
      message: cause.message,
      nextAttemptAt: iso(at + failure.delayMs),
      attempts: failure.attempts,
    });
    if (this.#problems.size > RECENT_PROBLEMS) {
      this.#problems.delete(this.#problems.keys().next().value as string);
    }
    if (options.quiet) return;
    this.#emit("info", "retry", "Not sent {report}: {answer}; next try in {delay}", {
      report: describe(report),
      answer: failure.status === null
        ? failure.message
        : `HTTP ${failure.status}: ${failure.message}`,
      delay: humanDuration(failure.delayMs),
      ...fields(report),
      status: failure.status,
      message: failure.message,
      delayMs: Math.round(failure.delayMs),
    });
  }

  #remember(settled: SettledReport): void {
    this.#reports.unshift(settled);
    if (this.#reports.length > RECENT_REPORTS) this.#reports.pop();
  }

  #forgetOld(): void {
    const since = this.#now() - HOUR_MS;
    while (this.#errorTimes.length > 0 && this.#errorTimes[0] < since) this.#errorTimes.shift();
    for (const [key, run] of this.#firstRuns) {
      if (run.at >= since) break;
      this.#firstRuns.delete(key);
    }
  }

  #emit(
    level: ActivityEvent["level"],
    kind: ActivityEvent["kind"],
    template: string,
    properties: Record<string, unknown>,
  ): void {
    const event: ActivityEvent = { at: this.#now(), level, kind, template, properties };
    if (level === "warning") log.warn(template, properties);
    else log.info(template, properties);
    for (const listener of this.#listeners) listener(event);
  }
}

/** `SN1 PCBA-100 Passed from a.json`, leaving out what the report does not have. */
function describe(report: ReportFacts): string {
  const name = [report.sn ?? report.id, report.pn, report.result].filter((part) => part !== null);
  return report.file === null ? name.join(" ") : `${name.join(" ")} from ${report.file}`;
}

function fields(report: ReportFacts): Record<string, unknown> {
  return { id: report.id, sn: report.sn, pn: report.pn, result: report.result, file: report.file };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
