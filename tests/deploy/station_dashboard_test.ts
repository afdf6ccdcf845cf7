/**
 * `deploy/grafana/station.json`: a `station` variable, a fleet row and a station row, and every
 * query valid PromQL (parsed by `promtool check rules` as recording rules, Grafana's variables
 * replaced by values).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  dashboardQueries,
  promtool,
  readDashboard,
  withoutGrafanaVariables,
} from "../_promtool.ts";

Deno.test("the dashboard has a station variable and panels for the fleet and for one station", async () => {
  const dashboard = await readDashboard();
  const station = dashboard.templating.list.find((variable) => variable.name === "station");
  assert.equal(station?.type, "query");
  const rows = dashboard.panels.filter((panel) => panel.type === "row").map((row) => row.title);
  assert.deepEqual(rows, ["Fleet", "Station $station"]);
  const rowAt = dashboard.panels.findIndex((panel) => panel.title === "Station $station");
  const fleet = dashboard.panels.slice(1, rowAt);
  const one = dashboard.panels.slice(rowAt + 1);
  assert.ok(fleet.length >= 6 && one.length >= 6, `${fleet.length} fleet, ${one.length} station`);
  for (const panel of one) {
    for (const target of panel.targets ?? []) {
      assert.match(target.expr ?? "", /station="\$station"/, `${panel.title} ignores $station`);
    }
  }
  for (const panel of [...fleet, ...one]) {
    assert.ok((panel.targets ?? []).length > 0, `${panel.title} has no query`);
  }
});

Deno.test("every dashboard query is PromQL that promtool parses", async () => {
  const queries = dashboardQueries(await readDashboard());
  const rules = queries.map(({ expr }, index) => ({
    record: `dashboard:query_${index}`,
    expr: withoutGrafanaVariables(expr),
  }));
  const root = await Deno.makeTempDir({ prefix: "wats-dashboard-" });
  try {
    const file = join(root, "queries.yml");
    // JSON is YAML: promtool reads it as a rules file.
    await Deno.writeTextFile(file, JSON.stringify({ groups: [{ name: "dashboard", rules }] }));
    const checked = await promtool(["check", "rules", file]);
    assert.equal(checked.code, 0, checked.output);
    assert.match(checked.output, new RegExp(`SUCCESS: ${rules.length} rules found`));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
