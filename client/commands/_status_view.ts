/**
 * What `wats status` prints: grouped lines for a person on a terminal, one stable `name: value`
 * line per figure for scripts and logs, and the frames of `--watch`.
 *
 * @module
 */

import type { ServiceStatus } from "../status/model.ts";
import { humanDuration } from "../status/_human.ts";

/**
 * The status as a few grouped lines for a person.
 *
 * @param status The service's `/status`.
 * @returns Lines ending in a newline.
 */
export function formatStatus(status: ServiceStatus): string {
  const { queue, uploads, conversions, api, health } = status;
  const lines = [
    `Service:   ${status.status}, health ${health.status} (station ${status.instance.station}, pid ${status.instance.pid})`,
    ...health.reasons.map((reason) => `           - ${reason}`),
    `Server:    ${api.url} (${serverPhrase(status)})`,
    `Queue:     ${queue.pending} pending, ${queue.processing} processing, ${queue.done} done, ` +
    `${queue.failed} failed, ${queue.quarantine} quarantined` +
    (queue.pending > 0
      ? `; oldest waits ${humanDuration(queue.oldestPendingAgeSeconds * 1000)}`
      : ""),
    `Converted: ${conversions.completed} files, ${conversions.failed} failed, ${conversions.duplicates} duplicates`,
    `Uploaded:  ${uploads.accepted} accepted, ${uploads.retried} retries, ${uploads.failed} failed` +
    (uploads.lastSuccessAt ? `, last at ${uploads.lastSuccessAt}` : ""),
    `Uptime:    ${humanDuration(status.uptimeSeconds * 1000)}, version ${status.version}`,
    `Status:    ${status.instance.statusUrl}`,
  ];
  for (const sink of status.events ?? []) {
    lines.push(
      `Events:    ${sink.name} ${sink.target} ${sink.state}: ${sink.pending} pending, ` +
        `${sink.published} published, ${sink.dropped} dropped` +
        (sink.lastError ? ` (${sink.lastError})` : ""),
    );
  }
  for (const problem of status.activity?.uploadProblems.slice(0, 5) ?? []) {
    lines.push(
      `Problem:   ${problem.report.sn ?? problem.report.id} (${
        problem.report.file ?? "no file"
      }): ` +
        `${problem.status ?? "no answer"} ${problem.message}`,
    );
  }
  for (const error of status.recentErrors.slice(0, 5)) {
    lines.push(`Error:     ${error.at} ${error.kind}: ${error.message}`);
  }
  return lines.join("\n") + "\n";
}

function serverPhrase(status: ServiceStatus): string {
  return status.api.summary ?? `${status.api.state}, breaker ${status.api.breaker.state}`;
}

/**
 * The status as one `name: value` line per figure, in a fixed order with fixed names, so a
 * script can `grep '^queue_pending:'`. Repeated figures (reasons, problems, errors) repeat the
 * name.
 *
 * @param status The service's `/status`.
 * @returns Lines ending in a newline.
 */
export function statusLines(status: ServiceStatus): string {
  const { queue, uploads, conversions, api, health } = status;
  const figures: [string, string | number | null][] = [
    ["service", status.status],
    ["health", health.status],
    ...health.reasons.map((reason): [string, string] => ["health_reason", reason]),
    ["station", status.instance.station],
    ["pid", status.instance.pid],
    ["server_url", api.url],
    ["server_state", api.state],
    ["server", serverPhrase(status)],
    ["breaker", api.breaker.state],
    ["queue_pending", queue.pending],
    ["queue_processing", queue.processing],
    ["queue_done", queue.done],
    ["queue_failed", queue.failed],
    ["queue_quarantine", queue.quarantine],
    ["oldest_pending_seconds", Math.round(queue.oldestPendingAgeSeconds)],
    ["files_converted", conversions.completed],
    ["files_failed", conversions.failed],
    ["duplicates", conversions.duplicates],
    ["reports_accepted", uploads.accepted],
    ["upload_retries", uploads.retried],
    ["reports_failed", uploads.failed],
    ["last_upload_at", uploads.lastSuccessAt],
    ["uptime_seconds", Math.round(status.uptimeSeconds)],
    ["version", status.version],
    ["status_url", status.instance.statusUrl],
    ...(status.events ?? []).map((sink): [string, string] => [
      "events",
      `${sink.name} ${sink.target} ${sink.state} pending=${sink.pending} ` +
      `published=${sink.published} dropped=${sink.dropped}` +
      (sink.lastError ? ` error=${sink.lastError}` : ""),
    ]),
    ...(status.activity?.uploadProblems ?? []).map((problem): [string, string] => [
      "upload_problem",
      `${problem.report.sn ?? problem.report.id} ${problem.report.file ?? "-"} ` +
      `${problem.status ?? "no answer"} ${problem.message}`,
    ]),
    ...status.recentErrors.map((error): [string, string] => [
      "error",
      `${error.at} ${error.kind}: ${error.message}`,
    ]),
  ];
  return figures.map(([name, value]) => `${name}: ${value ?? "-"}`.replaceAll("\n", " "))
    .join("\n") + "\n";
}

/**
 * One frame of `wats status --watch`: on a terminal the screen is cleared and the grouped view
 * drawn under a header; otherwise a block of stable lines with the time, then a blank line.
 *
 * @param status The status, or why it could not be read.
 * @param options Whether the output is a terminal, the redraw period and the time now.
 * @returns The text to write.
 */
export function watchFrame(
  status: ServiceStatus | Error,
  options: { isTty: boolean; everyMs: number; now: Date },
): string {
  const at = options.now.toISOString();
  if (!options.isTty) {
    const body = status instanceof Error ? `unreachable: ${status.message}\n` : statusLines(status);
    return `at: ${at}\n${body}\n`;
  }
  const header = `WATS status at ${options.now.toLocaleTimeString()}, every ${
    options.everyMs / 1000
  } s; Ctrl-C to quit\n\n`;
  const body = status instanceof Error
    ? `${status.message}\nTrying again.\n`
    : formatStatus(status);
  return `\x1b[H\x1b[2J${header}${body}`;
}
