/**
 * The `/` page: what a supervisor keeps open on the floor. One self-contained HTML document
 * (inline style, inline script, inline SVG charts, a data-URI favicon; nothing fetched from
 * elsewhere, no build step), rendered on the server. The script fetches the page's live part,
 * `/?fragment=live`, every two seconds and swaps it in, so the page follows the service without a
 * reload; it also turns the `<time>` elements into the browser's local time.
 *
 * Sections, most urgent first: health and its reasons, the server in one phrase (the breaker
 * first: never "online" while it is open), upload problems with the server's answer and the next
 * try ("waiting for the breaker" once due while it is open), the reports waiting during an
 * outage (oldest first), the error folders' recent files, the backlog and throughput charts of
 * the last hour, the last 50 reports, first pass yield per part number, then the counters.
 *
 * @module
 */

import type { HistoryPoint, ReportFacts, ServiceStatus } from "./model.ts";
import { humanBytes, humanCount, humanDuration } from "./_human.ts";

function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function rows(pairs: [string, unknown][]): string {
  return pairs.map(([key, value]) =>
    `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`
  ).join("");
}

/** A `<time>` the script shows in local time; the UTC text stays for a page without script. */
function time(iso: string | null | undefined): string {
  if (!iso) return "–";
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(iso.slice(11, 19))} UTC</time>`;
}

/** `in 4 s` or `4 s ago`, from `now`. */
function relative(iso: string | null | undefined, now: number): string {
  if (!iso) return "";
  const ms = Date.parse(iso) - now;
  return ms >= 0 ? `in ${humanDuration(ms)}` : `${humanDuration(-ms)} ago`;
}

/**
 * When a report is tried next. A due report the breaker or a `Retry-After` holds back says so:
 * "Next try 21 s ago" would read as a service that stopped trying.
 */
function nextTry(iso: string | null | undefined, api: ServiceStatus["api"], now: number): string {
  if (!iso) return "–";
  if (Date.parse(iso) > now) return `${time(iso)} (${escapeHtml(relative(iso, now))})`;
  if (api.breaker.state !== "closed") {
    const probe = api.breaker.retryAt && Date.parse(api.breaker.retryAt) > now
      ? ` (probe ${escapeHtml(relative(api.breaker.retryAt, now))})`
      : "";
    return `<span class="held">waiting for the breaker${probe}</span>`;
  }
  if (api.pausedUntil && Date.parse(api.pausedUntil) > now) {
    return `<span class="held">waiting for the server's Retry-After (${
      escapeHtml(relative(api.pausedUntil, now))
    })</span>`;
  }
  return "due now";
}

function table(head: string[], body: string[], empty: string): string {
  if (body.length === 0) return `<p class="none">${escapeHtml(empty)}</p>`;
  return `<table><tr>${head.map((cell) => `<th>${escapeHtml(cell)}</th>`).join("")}</tr>${
    body.join("")
  }</table>`;
}

function cells(values: string[]): string {
  return `<tr>${values.map((value) => `<td>${value}</td>`).join("")}</tr>`;
}

function reportCells(report: ReportFacts): string[] {
  return [
    escapeHtml(report.sn ?? report.id),
    escapeHtml(report.pn ?? "–"),
    `<code>${escapeHtml(report.file ?? "–")}</code>`,
  ];
}

/** An inline SVG line chart of one series. */
function chart(title: string, points: HistoryPoint[], value: (point: HistoryPoint) => number) {
  const width = 320;
  const height = 90;
  if (points.length < 2) {
    return `<figure><figcaption>${
      escapeHtml(title)
    }</figcaption><p class="none">collecting samples (one every 10 s)</p></figure>`;
  }
  const values = points.map(value);
  const max = Math.max(1, ...values);
  const first = Date.parse(points[0].at);
  const span = Math.max(1, Date.parse(points[points.length - 1].at) - first);
  const xy = points.map((point, index) => {
    const x = ((Date.parse(point.at) - first) / span) * (width - 2) + 1;
    const y = height - 1 - (values[index] / max) * (height - 12);
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  const last = values[values.length - 1];
  return `<figure><figcaption>${escapeHtml(title)}: ${escapeHtml(humanCount(last))} now, ${
    escapeHtml(humanCount(max))
  } at most</figcaption><svg role="img" aria-label="${
    escapeHtml(title)
  }" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<rect x="0" y="0" width="${width}" height="${height}" class="frame"/>` +
    `<polyline points="${xy.join(" ")}" class="line"/></svg><div class="axis">${
      time(points[0].at)
    } – ${time(points[points.length - 1].at)}</div></figure>`;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1rem;color:#222;max-width:72rem}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;margin-bottom:.5rem}th,td{text-align:left;padding:.15rem .7rem .15rem 0;vertical-align:top}
th{font-weight:600}.ok,.Passed{color:#1a7f37}.degraded{color:#9a6700}.failing,.Failed,.Error,.refused{color:#cf222e}
code{font-size:12px}.none{color:#666;margin:.2rem 0}.server{font-size:1.05rem}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}figure{margin:0}figcaption{font-weight:600}
svg .frame{fill:#f6f8fa;stroke:#d0d7de}svg .line{fill:none;stroke:#0969da;stroke-width:1.5}
.axis{font-size:12px;color:#666}#conn{color:#cf222e}.held{color:#9a6700}
@media (max-width:40rem){body{margin:.5rem}td,th{padding-right:.4rem}}`;

const FAVICON = "data:image/svg+xml," +
  encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0969da"/><path d="M3 4l2 8 3-6 3 6 2-8" stroke="#fff" stroke-width="1.6" fill="none"/></svg>`,
  );

const SCRIPT = `(() => {
  const live = document.getElementById("live");
  const conn = document.getElementById("conn");
  function localise(root) {
    for (const element of root.querySelectorAll("time[datetime]")) {
      const date = new Date(element.dateTime);
      element.textContent = date.toLocaleTimeString();
      element.title = date.toLocaleString();
    }
    const title = root.querySelector("[data-title]");
    if (title) document.title = title.dataset.title;
  }
  async function refresh() {
    try {
      const res = await fetch("?fragment=live", { cache: "no-store" });
      if (!res.ok) throw new Error("HTTP " + res.status);
      live.innerHTML = await res.text();
      localise(live);
      conn.textContent = "";
    } catch (error) {
      conn.textContent = "The status server does not answer (" + error.message + "); showing the last answer.";
    } finally {
      setTimeout(refresh, 2000);
    }
  }
  localise(document);
  setTimeout(refresh, 2000);
})();`;

/**
 * Renders the live part of the page (everything but the frame), as `/?fragment=live` answers.
 *
 * @param status The status snapshot.
 * @param now The time now, epoch ms (for "in 4 s").
 * @returns An HTML fragment.
 */
export function renderStatusFragment(status: ServiceStatus, now: number = Date.now()): string {
  const { health, queue, uploads, conversions, api } = status;
  const activity = status.activity;
  const reasons = health.reasons.length > 0
    ? `<ul>${health.reasons.map((reason) => `<li>${escapeHtml(reason)}</li>`).join("")}</ul>`
    : "";
  const problems = (activity?.uploadProblems ?? []).map((problem) =>
    cells([
      ...reportCells(problem.report),
      escapeHtml(problem.status ?? "no answer"),
      escapeHtml(problem.message),
      nextTry(problem.nextAttemptAt, api, now),
      escapeHtml(problem.attempts),
    ])
  );
  const waiting = (status.waiting ?? []).map((item) =>
    cells([
      ...reportCells(item.report),
      `${time(item.enqueuedAt)} (${escapeHtml(relative(item.enqueuedAt, now))})`,
      escapeHtml(item.attempts),
      nextTry(item.nextAttemptAt, api, now),
    ])
  );
  const errorFiles = (activity?.errorFiles ?? []).map((file) =>
    cells([time(file.at), `<code>${escapeHtml(file.file)}</code>`, escapeHtml(file.reason)])
  );
  const reports = (activity?.recentReports ?? []).map((settled) =>
    cells([
      time(settled.at),
      ...reportCells(settled.report).slice(0, 2),
      `<span class="${escapeHtml(settled.report.result ?? "")}">${
        escapeHtml(settled.report.result ?? "–")
      }</span>`,
      reportCells(settled.report)[2],
      settled.outcome === "accepted"
        ? `accepted after ${escapeHtml(humanDuration(settled.latencyMs ?? 0))}`
        : `<span class="refused">refused: ${escapeHtml(settled.message ?? "")}</span>`,
    ])
  );
  const yields = (activity?.firstPassYield ?? []).map((part) =>
    cells([
      escapeHtml(part.pn),
      escapeHtml(part.units),
      escapeHtml(part.passed),
      escapeHtml(`${Math.round(part.yield * 1000) / 10} %`),
    ])
  );
  const watch = status.watch.map((entry) =>
    cells([
      `<code>${escapeHtml(entry.path)}</code>`,
      escapeHtml(entry.converter),
      escapeHtml(entry.filesQueued),
      escapeHtml(entry.filesFailed),
      escapeHtml(entry.duplicates),
      time(entry.lastFileAt),
      escapeHtml(entry.lastError ?? ""),
    ])
  );
  const errors = status.recentErrors.map((error) =>
    cells([time(error.at), escapeHtml(error.kind), escapeHtml(error.message)])
  );
  const history = status.history ?? [];
  const serverPhrase = api.summary ?? `${api.state}, breaker ${api.breaker.state}`;
  return `<div data-title="${
    escapeHtml(`${health.status} – ${status.instance.station} – WATS`)
  }"><h1>WATS station service ${escapeHtml(status.instance.station)} <span id="health" class="${
    escapeHtml(health.status)
  }">${escapeHtml(health.status)}</span></h1>
${reasons}
<p class="server">Server <code>${escapeHtml(api.url)}</code>: <span id="server">${
    escapeHtml(serverPhrase)
  }</span></p>
<p>Updated ${time(new Date(now).toISOString())}; up ${
    escapeHtml(humanDuration(status.uptimeSeconds * 1000))
  }; version ${escapeHtml(status.version)}</p>
<h2>Upload problems</h2>${
    table(
      ["Serial", "Part", "File", "Status", "Server's message", "Next try", "Attempts"],
      problems,
      "none",
    )
  }
<h2>Waiting in the queue (${escapeHtml(humanCount(queue.pending))}, oldest first)</h2>${
    table(["Serial", "Part", "File", "Queued", "Attempts", "Next try"], waiting, "none")
  }
<h2>Error folder (${escapeHtml(activity?.errorFilesLastHour ?? 0)} in the last hour)</h2>${
    table(["Time", "File", "Reason"], errorFiles, "none")
  }
<h2>Last hour</h2><div class="charts">${
    chart("Backlog (reports pending)", history, (point) => point.pending)
  }${chart("Throughput (accepted per minute)", history, (point) => point.acceptedPerMinute)}</div>
<h2>Last reports</h2>${
    table(["Time", "Serial", "Part", "Result", "File", "Upload"], reports, "none yet")
  }
<h2>First pass yield, last hour</h2>${
    table(["Part", "Units", "Passed first time", "Yield"], yields, "no units yet")
  }
<h2>Queue</h2><table>${
    rows([
      ["Pending", humanCount(queue.pending)],
      ["Processing", humanCount(queue.processing)],
      ["Done", humanCount(queue.done)],
      ["Failed", humanCount(queue.failed)],
      ["Quarantine", humanCount(queue.quarantine)],
      ["Oldest pending", humanDuration(queue.oldestPendingAgeSeconds * 1000)],
      ["Free disk", status.disk ? humanBytes(status.disk.freeBytes) : "unknown"],
    ])
  }</table>
<h2>Since start</h2><table>${
    rows([
      ["Files converted", humanCount(conversions.completed)],
      ["Files failed", humanCount(conversions.failed)],
      ["Duplicates", humanCount(conversions.duplicates)],
      ["Reports accepted", humanCount(uploads.accepted)],
      ["Retries", humanCount(uploads.retried)],
      ["Reports refused", humanCount(uploads.failed)],
      ["Breaker opened", humanCount(api.breaker.opens)],
    ])
  }<tr><th>Last upload</th><td>${time(uploads.lastSuccessAt)}</td></tr></table>
<h2>Watch folders</h2>${
    table(
      ["Folder", "Converter", "Queued", "Failed", "Duplicates", "Last file", "Last error"],
      watch,
      "none configured",
    )
  }
<h2>Recent errors</h2>${table(["Time", "Where", "What"], errors, "none")}</div>`;
}

/**
 * Renders the status page.
 *
 * @param status The status snapshot.
 * @param now The time now, epoch ms.
 * @returns A whole HTML document.
 */
export function renderStatusPage(status: ServiceStatus, now: number = Date.now()): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${status.health.status} – ${status.instance.station} – WATS`)}</title>
<link rel="icon" href="${FAVICON}">
<style>${STYLE}</style></head><body>
<p id="conn" role="status"></p>
<main id="live">${renderStatusFragment(status, now)}</main>
<script>${SCRIPT}</script>
</body></html>`;
}
