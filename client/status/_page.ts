/**
 * The `/` page: a small self-contained HTML view of `/status` (inline style, no script, no external
 * asset), refreshed by the browser every five seconds.
 *
 * @module
 */

import type { ServiceStatus } from "./model.ts";

function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function rows(pairs: [string, unknown][]): string {
  return pairs.map(([key, value]) =>
    `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`
  )
    .join("");
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222;max-width:60rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}table{border-collapse:collapse}
th,td{text-align:left;padding:.2rem .8rem .2rem 0;vertical-align:top}th{font-weight:600}
.ok{color:#1a7f37}.degraded{color:#9a6700}.failing{color:#cf222e}code{font-size:12px}`;

/**
 * Renders the status page.
 *
 * @param status The status snapshot.
 * @returns A whole HTML document.
 */
export function renderStatusPage(status: ServiceStatus): string {
  const { health, queue, uploads, conversions, api } = status;
  const reasons = health.reasons.length > 0
    ? `<ul>${health.reasons.map((reason) => `<li>${escapeHtml(reason)}</li>`).join("")}</ul>`
    : "";
  const watch = status.watch.map((entry) =>
    `<tr><td><code>${escapeHtml(entry.path)}</code></td><td>${escapeHtml(entry.converter)}</td>` +
    `<td>${entry.filesQueued}</td><td>${entry.filesFailed}</td><td>${entry.duplicates}</td>` +
    `<td>${escapeHtml(entry.lastFileAt ?? "–")}</td><td>${
      escapeHtml(entry.lastError ?? "")
    }</td></tr>`
  ).join("");
  const errors = status.recentErrors.map((error) =>
    `<tr><td>${escapeHtml(error.at)}</td><td>${escapeHtml(error.kind)}</td>` +
    `<td>${escapeHtml(error.message)}</td></tr>`
  ).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="5"><title>WATS station service – ${
    escapeHtml(status.instance.station)
  }</title>
<style>${STYLE}</style></head><body>
<h1>WATS station service <span class="${health.status}">${escapeHtml(health.status)}</span></h1>
${reasons}
<table>${
    rows([
      ["Station", status.instance.station],
      ["Server", `${api.url} (${api.state})`],
      ["Breaker", api.breaker.state],
      ["Uptime", `${status.uptimeSeconds} s`],
      ["Version", status.version],
    ])
  }</table>
<h2>Queue</h2><table>${
    rows([
      ["Pending", queue.pending],
      ["Processing", queue.processing],
      ["Done", queue.done],
      ["Failed", queue.failed],
      ["Quarantine", queue.quarantine],
      ["Oldest pending", `${queue.oldestPendingAgeSeconds} s`],
    ])
  }</table>
<h2>Since start</h2><table>${
    rows([
      ["Files converted", conversions.completed],
      ["Files failed", conversions.failed],
      ["Duplicates", conversions.duplicates],
      ["Reports accepted", uploads.accepted],
      ["Retries", uploads.retried],
      ["Reports failed", uploads.failed],
      ["Last upload", uploads.lastSuccessAt ?? "–"],
    ])
  }</table>
<h2>Watch folders</h2><table><tr><th>Folder</th><th>Converter</th><th>Queued</th><th>Failed</th>
<th>Duplicates</th><th>Last file</th><th>Last error</th></tr>${watch}</table>
<h2>Recent errors</h2><table>${errors || "<tr><td>none</td></tr>"}</table>
</body></html>`;
}
