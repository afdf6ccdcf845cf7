/**
 * `/metrics` of a real service that uploaded, retried on a 503 and refused a file, checked by
 * Prometheus's own parser and linter: `promtool check metrics` (Debian's `prometheus` package,
 * installed by `.ci/run`). A missing `promtool` fails the test with the reason.
 */

import assert from "node:assert/strict";
import { StationService } from "../../../client/service.ts";
import { serveEmulator } from "../../../emulator/mod.ts";
import { dropFile, serviceFolders, testConfig, waitFor, wsjfReport } from "../_service_kit.ts";
import { promtool } from "../../_promtool.ts";

/** Families by `# TYPE` line. */
function families(text: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(match[1], match[2]);
  return types;
}

Deno.test("/metrics of a working service passes promtool check metrics and has the issue's families", async () => {
  await using emulator = await serveEmulator({
    faults: [{ method: "POST", path: "/api/Report/WSJF", action: "status", status: 503, times: 1 }],
  });
  const folders = await serviceFolders();
  const config = await testConfig(folders, emulator);
  const service = await StationService.start({ config });
  try {
    await dropFile(folders.drop, "a.json", wsjfReport(1).text);
    await dropFile(folders.drop, "b.json", wsjfReport(2).text);
    await dropFile(folders.drop, "bad.json", "{ nope");
    await waitFor(
      "two reports accepted",
      () => service.stats.activity.outcomes.accepted === 2 ? true : undefined,
    );
    const text = await (await fetch(`${service.statusUrl}/metrics`)).text();
    const checked = await promtool(["check", "metrics"], text);
    assert.equal(checked.code, 0, `promtool check metrics:\n${checked.output}\n${text}`);
    const types = families(text);
    for (
      const [name, type] of [
        ["process_resident_memory_bytes", "gauge"],
        ["process_start_time_seconds", "gauge"],
        ["wats_build_info", "gauge"],
        ["wats_station_info", "gauge"],
        ["wats_health", "gauge"],
        ["wats_breaker", "gauge"],
        ["wats_reports_settled_total", "counter"],
        ["wats_upload_retries_total", "counter"],
        ["wats_http_responses_total", "counter"],
        ["wats_breaker_rejections_total", "counter"],
        ["wats_report_latency_seconds", "histogram"],
        ["wats_conversion_seconds", "histogram"],
        ["wats_upload_seconds", "histogram"],
        ["wats_error_folder_files_total", "counter"],
      ]
    ) assert.equal(types.get(name), type, name);
    assert.match(
      text,
      /^wats_http_responses_total\{method="POST",endpoint="\/api\/Report\/WSJF",code="503"\} 1$/m,
    );
    assert.match(
      text,
      /^wats_http_responses_total\{method="POST",endpoint="\/api\/Report\/WSJF",code="200"\} 2$/m,
    );
    assert.match(text, /^wats_reports_settled_total\{outcome="accepted"\} 2$/m);
    assert.match(text, /^wats_health\{state="ok"\} 1$/m);
    assert.match(text, /^wats_breaker\{state="closed"\} 1$/m);
    assert.match(text, /^wats_report_latency_seconds_count 2$/m);
    assert.match(text, /^wats_build_info\{version="[^"]+",deno="[^"]+"\} 1$/m);
    assert.ok(!text.includes(emulator.token), "the token is in /metrics");
  } finally {
    await service.stop();
    await Deno.remove(folders.root, { recursive: true });
  }
});
