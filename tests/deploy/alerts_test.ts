/**
 * `deploy/prometheus/alerts.yml` checked by `promtool check rules` and tested by
 * `promtool test rules` against `alerts_test.yml`, and the PromQL reader the metric-name test
 * relies on.
 */

import assert from "node:assert/strict";
import { DEPLOY, metricNames, promtool, ruleExpressions } from "../_promtool.ts";

const ALERTS = [
  "WatsBacklogGrowing",
  "WatsOldestPendingTooOld",
  "WatsBreakerOpen",
  "WatsErrorFolderGrowing",
  "WatsDiskLow",
  "WatsServiceDown",
];

Deno.test("alerts.yml passes promtool check rules and holds the six alerts of the issue", async () => {
  const checked = await promtool(["check", "rules", DEPLOY.alerts]);
  assert.equal(checked.code, 0, checked.output);
  const found = Number(checked.output.match(/SUCCESS: (\d+) rules found/)?.[1]);
  assert.equal(found, ALERTS.length, checked.output);
  const text = await Deno.readTextFile(DEPLOY.alerts);
  const names = [...text.matchAll(/^\s*- alert: (\S+)$/gm)].map((match) => match[1]);
  assert.deepEqual(names, ALERTS);
  assert.equal(ruleExpressions(text).length, found, "an expr the reader of _promtool.ts missed");
});

Deno.test("promtool test rules: each alert fires on its problem and stays quiet before", async () => {
  const tested = await promtool(["test", "rules", DEPLOY.alertsTest]);
  assert.equal(tested.code, 0, tested.output);
  assert.match(tested.output, /SUCCESS/);
  const cases = await Deno.readTextFile(DEPLOY.alertsTest);
  for (const alert of ALERTS) {
    assert.match(cases, new RegExp(`alertname: ${alert}\\n\\s+exp_alerts: \\[\\]`), alert);
    assert.match(
      cases,
      new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`),
      alert,
    );
  }
});

Deno.test("metricNames finds the selected metrics of a PromQL expression, nothing else", () => {
  const cases: [string, string[]][] = [
    ['up{job="wats"} == 0', ["up"]],
    [
      'sum by (le, station) (rate(wats_report_latency_seconds_bucket{a="b c"}[$__rate_interval]))',
      ["wats_report_latency_seconds_bucket"],
    ],
    [
      "wats_disk_free_bytes / wats_disk_total_bytes * on (instance) group_left (station) " +
      'wats_station_info{station="$station"} < 1e9',
      ["wats_disk_free_bytes", "wats_disk_total_bytes", "wats_station_info"],
    ],
    ["topk(10, wats_typo_total) or vector(0)", ["wats_typo_total"]],
    ["histogram_quantile(0.95, sum(rate(x_bucket[5m])) without (job))", ["x_bucket"]],
  ];
  for (const [expr, names] of cases) assert.deepEqual(metricNames(expr), names, expr);
});
