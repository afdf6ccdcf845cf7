/**
 * Every metric an alert rule or a dashboard panel names is in `/metrics` of a running service
 * that uploaded a report, so a renamed series breaks this test rather than a dashboard.
 */

import assert from "node:assert/strict";
import { StationService } from "../../client/service.ts";
import { serveEmulator } from "../../emulator/mod.ts";
import {
  dropFile,
  serviceFolders,
  testConfig,
  waitFor,
  wsjfReport,
} from "../client/_service_kit.ts";
import {
  dashboardQueries,
  DEPLOY,
  metricNames,
  readDashboard,
  ruleExpressions,
} from "../_promtool.ts";

/** Series Prometheus makes itself for each scrape target, not the service. */
const FROM_PROMETHEUS = new Set(["up"]);

Deno.test("every metric of alerts.yml and station.json is in a running service's /metrics", async () => {
  await using emulator = await serveEmulator();
  const folders = await serviceFolders();
  const service = await StationService.start({ config: await testConfig(folders, emulator) });
  try {
    await dropFile(folders.drop, "a.json", wsjfReport(1).text);
    await waitFor(
      "a report accepted",
      () => service.stats.activity.outcomes.accepted === 1 ? true : undefined,
    );
    const text = await (await fetch(`${service.statusUrl}/metrics`)).text();
    const exposed = new Set(
      text.split("\n").filter((line) => line && !line.startsWith("#")).map((line) =>
        line.match(/^[A-Za-z_:][A-Za-z0-9_:]*/)?.[0]
      ),
    );
    const named = new Map<string, string>();
    for (const expr of ruleExpressions(await Deno.readTextFile(DEPLOY.alerts))) {
      for (const name of metricNames(expr)) named.set(name, "alerts.yml");
    }
    for (const { where, expr } of dashboardQueries(await readDashboard())) {
      for (const name of metricNames(expr)) named.set(name, `station.json, ${where}`);
    }
    assert.ok(named.size >= 15, `only ${named.size} metric names found: ${[...named.keys()]}`);
    const missing = [...named].filter(([name]) => !exposed.has(name) && !FROM_PROMETHEUS.has(name))
      .map(([name, where]) => `${name} (${where})`);
    assert.deepEqual(missing, [], `not in /metrics:\n${text}`);
  } finally {
    await service.stop();
    await Deno.remove(folders.root, { recursive: true });
  }
});
