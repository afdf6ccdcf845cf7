/**
 * The last hour of the service in memory: a fixed ring of samples of the backlog and of the
 * reports accepted so far, taken every {@linkcode SAMPLE_EVERY_MS}, from which the status page
 * draws its charts. Memory stays flat: {@linkcode SAMPLES_KEPT} samples, overwritten in turn.
 *
 * @module
 */

/** Time between samples. */
export const SAMPLE_EVERY_MS = 10_000;
/** Samples kept: one hour. */
export const SAMPLES_KEPT = 360;

/** One point of the charts. */
export interface HistoryPoint {
  /** When, ISO 8601. */
  at: string;
  /** Reports pending then. */
  pending: number;
  /** Reports accepted per minute over the interval that ended then. */
  acceptedPerMinute: number;
}

/** A ring of samples: the backlog and the count of accepted reports over time. */
export class SampleRing {
  readonly #at = new Float64Array(SAMPLES_KEPT);
  readonly #pending = new Float64Array(SAMPLES_KEPT);
  readonly #accepted = new Float64Array(SAMPLES_KEPT);
  #next = 0;
  #size = 0;

  /**
   * Takes a sample, unless the last one is younger than {@linkcode SAMPLE_EVERY_MS}.
   *
   * @param at When, epoch ms.
   * @param pending Reports pending.
   * @param accepted Reports accepted since start.
   * @returns Whether the sample was kept.
   */
  record(at: number, pending: number, accepted: number): boolean {
    if (this.#size > 0) {
      const last = (this.#next + SAMPLES_KEPT - 1) % SAMPLES_KEPT;
      if (at - this.#at[last] < SAMPLE_EVERY_MS) return false;
    }
    this.#at[this.#next] = at;
    this.#pending[this.#next] = pending;
    this.#accepted[this.#next] = accepted;
    this.#next = (this.#next + 1) % SAMPLES_KEPT;
    this.#size = Math.min(SAMPLES_KEPT, this.#size + 1);
    return true;
  }

  /**
   * The samples of the last hour, oldest first; the first one has no rate of its own (0).
   *
   * @param now The time now, epoch ms.
   * @returns The chart points.
   */
  history(now: number): HistoryPoint[] {
    const points: HistoryPoint[] = [];
    const start = (this.#next + SAMPLES_KEPT - this.#size) % SAMPLES_KEPT;
    let previous = -1;
    for (let n = 0; n < this.#size; n++) {
      const index = (start + n) % SAMPLES_KEPT;
      if (this.#at[index] < now - 3_600_000) continue;
      const minutes = previous < 0 ? 0 : (this.#at[index] - this.#at[previous]) / 60_000;
      const accepted = previous < 0 ? 0 : this.#accepted[index] - this.#accepted[previous];
      points.push({
        at: new Date(this.#at[index]).toISOString(),
        pending: this.#pending[index],
        acceptedPerMinute: minutes > 0 ? Math.round(accepted / minutes * 10) / 10 : 0,
      });
      previous = index;
    }
    return points;
  }
}
