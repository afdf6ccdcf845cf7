/**
 * Runs `promtool` (Debian's `prometheus` package, installed by `.ci/run`), and reads the PromQL
 * of `deploy/`: the alert rules and the Grafana dashboard. A missing `promtool` fails the calling
 * test with the reason; it never skips.
 *
 * @module
 */

import { join } from "node:path";
import { REPO_ROOT } from "./_processes.ts";

/** The alert rules, their unit tests and the dashboard, by absolute path. */
export const DEPLOY = {
  alerts: join(REPO_ROOT, "deploy/prometheus/alerts.yml"),
  alertsTest: join(REPO_ROOT, "deploy/prometheus/alerts_test.yml"),
  dashboard: join(REPO_ROOT, "deploy/grafana/station.json"),
} as const;

/**
 * Runs `promtool` with `args`, writing `input` to its standard input.
 *
 * @returns The exit code and standard output followed by standard error.
 */
export async function promtool(
  args: string[],
  input = "",
): Promise<{ code: number; output: string }> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("promtool", { args, stdin: "piped", stdout: "piped", stderr: "piped" })
      .spawn();
  } catch (error) {
    throw new Error(
      `promtool is missing (${(error as Error).message}); install Debian's prometheus package ` +
        `(apt-get install prometheus), as .ci/run does`,
    );
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, output: decoder.decode(stdout) + decoder.decode(stderr) };
}

/**
 * The `expr` of each rule in a rules file written like `deploy/prometheus/alerts.yml`: inline
 * (`expr: up == 0`) or a `|` block indented below the key. Callers compare the count with the
 * rules `promtool check rules` finds, so a rule this reader misses fails a test.
 */
export function ruleExpressions(yaml: string): string[] {
  const lines = yaml.split("\n");
  const expressions: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = lines[i].match(/^(\s*)(?:- )?expr:\s*(.*)$/);
    if (!match) continue;
    if (match[2] !== "|") {
      expressions.push(match[2]);
      continue;
    }
    const block: string[] = [];
    while (
      i + 1 < lines.length && (lines[i + 1].trim() === "" || indent(lines[i + 1]) > match[1].length)
    ) {
      block.push(lines[++i].trim());
    }
    expressions.push(block.join(" ").trim());
  }
  return expressions;
}

function indent(line: string): number {
  return line.length - line.trimStart().length;
}

/** A panel query or variable query of the Grafana dashboard. */
export interface DashboardQuery {
  /** Where it is: the panel's title, or `variable <name>`. */
  where: string;
  /** The PromQL, with Grafana's variables as written. */
  expr: string;
}

interface Panel {
  title?: string;
  type?: string;
  targets?: { expr?: string }[];
}

/** The dashboard JSON, parsed. */
export interface Dashboard {
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown }[] };
}

/** Reads `deploy/grafana/station.json`. */
export async function readDashboard(): Promise<Dashboard> {
  return JSON.parse(await Deno.readTextFile(DEPLOY.dashboard));
}

/** Every PromQL query of the dashboard: panel targets, then `label_values(metric, label)` variables. */
export function dashboardQueries(dashboard: Dashboard): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  for (const panel of dashboard.panels) {
    for (const target of panel.targets ?? []) {
      if (typeof target.expr === "string") {
        queries.push({ where: panel.title ?? "?", expr: target.expr });
      }
    }
  }
  for (const variable of dashboard.templating.list) {
    if (variable.type !== "query") continue;
    const query = variable.query;
    const text = typeof query === "string" ? query : (query as { query?: string })?.query ?? "";
    const labelValues = text.match(/^label_values\((.+),\s*[A-Za-z_]\w*\)$/);
    queries.push({ where: `variable ${variable.name}`, expr: labelValues ? labelValues[1] : text });
  }
  return queries;
}

/** Replaces Grafana's variables with values Prometheus accepts, to parse a query offline. */
export function withoutGrafanaVariables(expr: string): string {
  return expr.replaceAll("$__rate_interval", "5m").replaceAll("$station", "Station 7");
}

const NOT_METRICS = new Set([
  "and",
  "or",
  "unless",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "offset",
  "inf",
  "nan",
]);

/**
 * The metric names a PromQL expression selects: identifiers outside strings, label matchers,
 * ranges and grouping clauses that are neither functions, keywords nor parts of numbers.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const before = stripped[match.index - 1] ?? " ";
    const after = stripped.slice(match.index + match[0].length).trimStart();
    if (/[0-9.]/.test(before) || after.startsWith("(")) continue;
    if (NOT_METRICS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}
