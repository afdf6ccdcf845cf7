/**
 * `/metrics` in the Prometheus text format (version 0.0.4): the standard `process_` series,
 * `wats_build_info` and `wats_station_info`, and `wats_` series for per-state queue depth, the
 * oldest pending age, final report outcomes apart from retries, HTTP responses by real status
 * code, breaker rejections, health and breaker state as one series per state, histograms of
 * queue→accepted latency, conversion and upload time, free disk bytes and error-folder files,
 * and, per event sink, pending, published and dropped events.
 *
 * @module
 */

import type { ServiceStatus } from "./model.ts";
import type { ServiceStats } from "./_stats.ts";
import type { Histogram } from "./_histogram.ts";
import { VERSION } from "../../api/version.ts";

type Labels = Record<string, string>;

function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([key, value]) => `${key}="${escapeLabel(value)}"`);
  return parts.length > 0 ? `{${parts.join(",")}}` : "";
}

class MetricsText {
  readonly lines: string[] = [];

  metric(
    name: string,
    type: "gauge" | "counter" | "summary" | "histogram",
    help: string,
    samples: [Labels, number][],
    suffixes?: string[],
  ): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    samples.forEach(([labels, value], index) => {
      const suffix = suffixes?.[index] ?? "";
      this.lines.push(
        `${name}${suffix}${formatLabels(labels)} ${Number.isFinite(value) ? value : 0}`,
      );
    });
  }

  histogram(name: string, help: string, histogram: Histogram): void {
    const { buckets, sum, count } = histogram.snapshot;
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
    for (const { le, count: inBucket } of buckets) {
      this.lines.push(`${name}_bucket{le="${le}"} ${inBucket}`);
    }
    this.lines.push(
      `${name}_bucket{le="+Inf"} ${count}`,
      `${name}_sum ${sum}`,
      `${name}_count ${count}`,
    );
  }
}

const BREAKER_STATES: Record<string, number> = { closed: 0, "half-open": 1, open: 2 };
const HEALTH_STATES: Record<string, number> = { ok: 0, degraded: 1, failing: 2 };

/**
 * Renders the metrics of a running service.
 *
 * @param status The status snapshot.
 * @param stats The live counters (per converter and per submission outcome).
 * @returns The Prometheus text, ending in a newline.
 */
export function renderMetrics(status: ServiceStatus, stats: ServiceStats): string {
  const text = new MetricsText();
  const { queue, uploads } = status;
  text.metric(
    "wats_queue_depth",
    "gauge",
    "Reports per queue state.",
    (["pending", "processing", "done", "failed", "quarantine"] as const).map((state) => [
      { queue_name: state },
      queue[state],
    ]),
  );
  text.metric("wats_queue_oldest_pending_age_seconds", "gauge", "Age of the oldest due report.", [
    [{}, queue.oldestPendingAgeSeconds],
  ]);
  text.metric("wats_uploads_total", "counter", "Upload results since start.", [
    [{ result: "accepted" }, uploads.accepted],
    [{ result: "ledger_hit" }, uploads.ledgerHits],
    [{ result: "retried" }, uploads.retried],
    [{ result: "failed" }, uploads.failed],
  ]);
  text.metric(
    "wats_http_requests_total",
    "counter",
    "Report submissions by outcome.",
    [...stats.submissions].map(([outcome, count]) => [
      { method: "POST", endpoint: "/api/Report/WSJF", status: outcome },
      count,
    ]),
  );
  text.metric("wats_uploads_in_flight", "gauge", "Uploads in flight.", [[{}, uploads.inFlight]]);
  text.metric(
    "wats_last_upload_timestamp_seconds",
    "gauge",
    "When the server last accepted a report (Unix time).",
    [[{}, stats.lastUploadAt === null ? 0 : stats.lastUploadAt / 1000]],
  );
  const converters = [...stats.converters];
  text.metric(
    "wats_converter_executions_total",
    "counter",
    "Conversions by converter and outcome.",
    converters.flatMap(([converter, counts]) => [
      [{ converter, status: "success" }, counts.succeeded] as [Labels, number],
      [{ converter, status: "failed" }, counts.failed] as [Labels, number],
    ]),
  );
  text.metric(
    "wats_converter_duration_seconds",
    "summary",
    "Time spent converting.",
    converters.flatMap(([converter, counts]) => [
      [{ converter }, counts.seconds] as [Labels, number],
      [{ converter }, counts.succeeded + counts.failed] as [Labels, number],
    ]),
    converters.flatMap(() => ["_sum", "_count"]),
  );
  text.metric("wats_conversions_active", "gauge", "Files being converted.", [
    [{}, status.conversions.active],
  ]);
  text.metric("wats_duplicates_total", "counter", "Files recognised as duplicates.", [
    [{}, status.conversions.duplicates],
  ]);
  text.metric("wats_archive_purged_total", "counter", "Archived sources purged, by reason.", [
    [{ reason: "age" }, status.counters["archive.purged.age"] ?? 0],
    [{ reason: "size" }, status.counters["archive.purged.size"] ?? 0],
  ]);
  text.metric("wats_breaker_state", "gauge", "Circuit breaker: 0 closed, 1 half-open, 2 open.", [
    [{}, BREAKER_STATES[status.api.breaker.state] ?? 0],
  ]);
  text.metric("wats_breaker_opens_total", "counter", "Times the breaker opened.", [
    [{}, status.api.breaker.opens],
  ]);
  if (status.api.limiter) {
    text.metric("wats_limiter_waiting", "gauge", "Requests waiting for the rate limiter.", [
      [{}, status.api.limiter.waiting],
    ]);
    text.metric("wats_limiter_throttled_total", "counter", "Requests that had to wait.", [
      [{}, status.api.limiter.throttled],
    ]);
  }
  if (status.events) {
    const sinks = status.events;
    text.metric("wats_events_pending", "gauge", "Events waiting in the outbox, per sink.", [
      ...sinks.map((sink) => [{ sink: sink.name }, sink.pending] as [Labels, number]),
    ]);
    text.metric("wats_events_published_total", "counter", "Events published, per sink.", [
      ...sinks.map((sink) => [{ sink: sink.name }, sink.published] as [Labels, number]),
    ]);
    text.metric("wats_events_dropped_total", "counter", "Events dropped from a full outbox.", [
      ...sinks.map((sink) => [{ sink: sink.name }, sink.dropped] as [Labels, number]),
    ]);
    text.metric("wats_event_sink_up", "gauge", "Event sink connected: 1 yes, 0 no.", [
      ...sinks.map((sink) =>
        [{ sink: sink.name }, sink.state === "connected" ? 1 : 0] as [
          Labels,
          number,
        ]
      ),
    ]);
  }
  text.metric("wats_health_status", "gauge", "Health: 0 ok, 1 degraded, 2 failing.", [
    [{}, HEALTH_STATES[status.health.status] ?? 2],
  ]);
  text.metric("wats_process_memory_bytes", "gauge", "Resident memory of the process.", [
    [{}, status.memory.rss],
  ]);
  text.metric("wats_uptime_seconds", "gauge", "Seconds since the service started.", [
    [{}, status.uptimeSeconds],
  ]);
  text.metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", [
    [{}, status.memory.rss],
  ]);
  text.metric("process_start_time_seconds", "gauge", "Start time of the process (Unix time).", [
    [{}, stats.startedAt / 1000],
  ]);
  text.metric("wats_build_info", "gauge", "The toolkit and runtime versions.", [
    [{ version: VERSION, deno: Deno.version.deno }, 1],
  ]);
  text.metric("wats_station_info", "gauge", "The station this service uploads for.", [
    [{ station: status.instance.station }, 1],
  ]);
  text.metric(
    "wats_health",
    "gauge",
    "Health: 1 for the current state, 0 for the others.",
    Object.keys(HEALTH_STATES).map((state) => [{ state }, state === status.health.status ? 1 : 0]),
  );
  text.metric(
    "wats_breaker",
    "gauge",
    "Circuit breaker: 1 for the current state, 0 for the others.",
    Object.keys(BREAKER_STATES).map((
      state,
    ) => [{ state }, state === status.api.breaker.state ? 1 : 0]),
  );
  const outcomes = stats.activity.outcomes;
  text.metric(
    "wats_reports_settled_total",
    "counter",
    "Final outcomes of reports: accepted, refused by the server, failed without an answer.",
    [
      [{ outcome: "accepted" }, outcomes.accepted],
      [{ outcome: "refused" }, outcomes.refused],
      [{ outcome: "failed" }, outcomes.failed],
    ],
  );
  text.metric("wats_upload_retries_total", "counter", "Upload attempts that will be retried.", [
    [{}, uploads.retried],
  ]);
  text.metric(
    "wats_http_responses_total",
    "counter",
    "HTTP responses of the server by real status code (network: no answer).",
    [...stats.responses.counts.values()].map(({ method, endpoint, status, count }) => [
      { method, endpoint, code: status },
      count,
    ]),
  );
  text.metric(
    "wats_breaker_rejections_total",
    "counter",
    "Calls the open breaker refused without a request.",
    [[{}, status.api.breaker.rejected]],
  );
  text.histogram(
    "wats_report_latency_seconds",
    "Time from entering the queue to the server's acceptance.",
    stats.latencySeconds,
  );
  text.histogram("wats_conversion_seconds", "Time per file conversion.", stats.conversionSeconds);
  text.histogram("wats_upload_seconds", "Time per report upload request.", stats.uploadSeconds);
  text.metric(
    "wats_error_folder_files_total",
    "counter",
    "Files moved into an error folder.",
    [[{}, stats.activity.errorFolderCount]],
  );
  if (status.disk) {
    text.metric("wats_disk_free_bytes", "gauge", "Free bytes of the data folder's volume.", [
      [{}, status.disk.freeBytes],
    ]);
    text.metric("wats_disk_total_bytes", "gauge", "Size of the data folder's volume.", [
      [{}, status.disk.totalBytes],
    ]);
  }
  return text.lines.join("\n") + "\n";
}
