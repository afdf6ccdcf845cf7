/**
 * Numbers for people: durations rounded to what a reader needs (`154 ms`, `2.4 s`, `3 min 5 s`),
 * counts with thousands separators (`1,907`), sizes in binary units. Log lines, the status page
 * and the terminal views use these, so a figure reads the same everywhere.
 *
 * @module
 */

/**
 * A duration rounded for people.
 *
 * @param ms Milliseconds (negative counts as 0).
 * @returns `154 ms`, `2.4 s`, `42 s`, `3 min 5 s`, `2 h 5 min` or `3 d 4 h`.
 */
export function humanDuration(ms: number): string {
  const value = Number.isFinite(ms) ? Math.max(0, ms) : 0;
  if (value < 999.5) return `${Math.round(value)} ms`;
  const seconds = value / 1000;
  if (seconds < 9.95) return `${seconds.toFixed(1)} s`;
  if (seconds < 59.5) return `${Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return pair(Math.floor(whole / 60), "min", whole % 60, "s");
  const minutes = Math.round(whole / 60);
  if (minutes < 24 * 60) return pair(Math.floor(minutes / 60), "h", minutes % 60, "min");
  const hours = Math.round(minutes / 60);
  return pair(Math.floor(hours / 24), "d", hours % 24, "h");
}

function pair(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major} ${majorUnit}` : `${major} ${majorUnit} ${minor} ${minorUnit}`;
}

/**
 * A count with thousands separators.
 *
 * @param count The number.
 * @returns E.g. `1,907`.
 */
export function humanCount(count: number): string {
  return Math.round(count).toLocaleString("en-US");
}

/**
 * A size in binary units.
 *
 * @param bytes The size.
 * @returns E.g. `512 B`, `3.2 MiB`, `41 GiB`.
 */
export function humanBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 || value >= 10
    ? `${Math.round(value)} ${units[unit]}`
    : `${value.toFixed(1)} ${units[unit]}`;
}
