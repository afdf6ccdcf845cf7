/**
 * What the emulator has seen since it started or was last reset: requests by route and status,
 * reports accepted, and per report id how often it was received and how often it was applied
 * (written). A client that submits "exactly once" shows `applied: 1` for every id however many
 * times it had to send.
 *
 * @module
 */

/** Counters of one report id. */
export interface ReportCounters {
  /** Submissions carrying this id that reached the report handler (replays included). */
  received: number;
  /** Submissions that were written to the store. */
  applied: number;
  /** Submissions answered from the idempotency store without being applied again. */
  replayed: number;
}

/** A snapshot of `GET /_emulator/stats`. */
export interface EmulatorStats {
  /** Requests per `"METHOD /route/template"`, per answer (`"200"`, `"404"`, `"dropped"`, `"disconnected"` when the client left mid-body). */
  requests: Record<string, Record<string, number>>;
  /** All requests counted. */
  totalRequests: number;
  /** Report submissions that were applied (stored). */
  reportsAccepted: number;
  /** Report submissions refused with a 4xx answer. */
  reportsRejected: number;
  /** Counters per report id. */
  reports: Record<string, ReportCounters>;
  /** Times a fault rule fired. */
  faultsFired: number;
  /** Connections reset or dropped by fault rules. */
  connectionsDropped: number;
}

/** Collects {@link EmulatorStats}; in memory, per emulator instance. */
export class StatsRecorder {
  #requests = new Map<string, Map<string, number>>();
  #reports = new Map<string, ReportCounters>();
  #total = 0;
  #accepted = 0;
  #rejected = 0;
  #dropped = 0;

  /** Count one request and its outcome. */
  request(method: string, route: string, outcome: string): void {
    const key = `${method} ${route}`;
    let byOutcome = this.#requests.get(key);
    if (!byOutcome) this.#requests.set(key, byOutcome = new Map());
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
    this.#total += 1;
    if (outcome === "dropped") this.#dropped += 1;
  }

  #counters(id: string): ReportCounters {
    const key = id.toLowerCase();
    let counters = this.#reports.get(key);
    if (!counters) this.#reports.set(key, counters = { received: 0, applied: 0, replayed: 0 });
    return counters;
  }

  /** A submission with this id reached the handler. */
  received(id: string): void {
    this.#counters(id).received += 1;
  }

  /** A submission with this id was written. */
  applied(id: string): void {
    this.#counters(id).applied += 1;
    this.#accepted += 1;
  }

  /** A submission with this id was answered from the idempotency store. */
  replayed(id: string): void {
    const counters = this.#counters(id);
    counters.received += 1;
    counters.replayed += 1;
  }

  /** A submission was refused (4xx). */
  rejected(): void {
    this.#rejected += 1;
  }

  /** Counters of one report id (zeros when never seen). */
  report(id: string): ReportCounters {
    return { ...(this.#reports.get(id.toLowerCase()) ?? { received: 0, applied: 0, replayed: 0 }) };
  }

  /** A JSON-ready snapshot. */
  snapshot(faultsFired: number): EmulatorStats {
    const requests: Record<string, Record<string, number>> = {};
    for (const [key, byOutcome] of this.#requests) {
      requests[key] = Object.fromEntries(byOutcome);
    }
    const reports: Record<string, ReportCounters> = {};
    for (const [id, counters] of this.#reports) reports[id] = { ...counters };
    return {
      requests,
      totalRequests: this.#total,
      reportsAccepted: this.#accepted,
      reportsRejected: this.#rejected,
      reports,
      faultsFired,
      connectionsDropped: this.#dropped,
    };
  }

  /** Zero everything. */
  reset(): void {
    this.#requests.clear();
    this.#reports.clear();
    this.#total = 0;
    this.#accepted = 0;
    this.#rejected = 0;
    this.#dropped = 0;
  }
}
