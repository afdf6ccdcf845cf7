/**
 * A Prometheus histogram in memory: cumulative bucket counts, a sum and a count, with fixed
 * upper bounds (seconds). Memory stays flat whatever the number of observations.
 *
 * @module
 */

/** Bucket bounds for durations from milliseconds to minutes, in seconds. */
export const DURATION_BUCKETS: readonly number[] = [
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
  300,
];

/** Bucket bounds for drop→accepted latency (seconds to hours, outages included), in seconds. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.1,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
  300,
  900,
  3600,
  14_400,
  86_400,
];

/** Observations counted into buckets. */
export class Histogram {
  /** The upper bounds, ascending (the `+Inf` bucket is implied). */
  readonly bounds: readonly number[];
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  /**
   * Creates an empty histogram.
   *
   * @param bounds The upper bounds, ascending.
   */
  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.#counts = bounds.map(() => 0);
  }

  /** Counts one observation. */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    this.#sum += value;
    this.#count++;
    for (let n = 0; n < this.bounds.length; n++) if (value <= this.bounds[n]) this.#counts[n]++;
  }

  /** Cumulative counts per bound, then the sum and the count. */
  get snapshot(): { buckets: { le: number; count: number }[]; sum: number; count: number } {
    return {
      buckets: this.bounds.map((le, n) => ({ le, count: this.#counts[n] })),
      sum: this.#sum,
      count: this.#count,
    };
  }
}
