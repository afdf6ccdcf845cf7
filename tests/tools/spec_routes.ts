/**
 * Counts the routes of the WATS API spec that the emulator answers.
 *
 * Reads the spec's §3 tables (§3.11, "declared but never called", left out), lists every
 * method and path they give, and probes each against a fresh emulator over loopback. A route is
 * answered unless the emulator says it has no such resource (404 "No HTTP resource…") or not for
 * that method (405); a 404 or 400 from a real route (no such entity, a missing parameter) counts
 * as answered.
 *
 * Run: `deno run --unstable-kv --allow-read --allow-net=127.0.0.1 tests/tools/spec_routes.ts
 * <the WATS API spec .md>`; `--missing` lists the routes not answered.
 *
 * How the tables are read: in each row, method words (`GET`, `GET / PUT`, `POST/GET`) apply to
 * the next backticked path; a path with none uses the row's last methods; `…/X` and `/X` are
 * relative to the row's previous path (to the last absolute path before the row when it has
 * none), cut where the relative path's first segment appears in it, else in place of its last
 * segment (or of as many as share its tail: `/Calibration/External` → `/Maintenance/External`),
 * parameter segments dropped; `?…` and "same" mean the
 * previous path; `{A,B}` expands; `{param}` becomes a placeholder. In the "serial admin" row
 * every later relative path is below the first one (`…/SerialNumbers`, `…/Count`). Where a row
 * gives several methods, a path named after a verb (`GetX`, `PutX`) takes only its own; a method
 * inside parentheses is a remark, not a route.
 *
 * @module
 */
import { serveEmulator } from "../../emulator/mod.ts";

/** One route of the spec. */
export interface SpecRoute {
  /** HTTP method. */
  method: string;
  /** Path with placeholders filled in. */
  path: string;
}

const METHOD = /^(GET|PUT|POST|DELETE|PATCH)$/;

function expand(path: string): string[] {
  const m = path.match(/\{([^{}]*,[^{}]*)\}/);
  if (!m) return [path];
  return m[1].split(",").flatMap((part) => expand(path.replace(m[0], part.trim())));
}

function resolve(relative: string, base: string): string {
  const rel = relative.replace(/^…/, "").replace(/^\/+/, "");
  const relSegments = rel.split("/");
  const baseSegments = base.split("/").filter((s) => s !== "" && !s.startsWith("{"));
  const first = relSegments[0].toLowerCase();
  const at = baseSegments.findIndex((s) => s.toLowerCase() === first);
  const sameTail = relSegments.length > 1 && baseSegments.at(-1) === relSegments.at(-1);
  const kept = at >= 0
    ? baseSegments.slice(0, at)
    : baseSegments.slice(0, sameTail ? -relSegments.length : -1);
  return "/" + [...kept, rel].join("/");
}

/** Lists the routes the spec's §3 tables give. */
export function specRoutes(markdown: string): SpecRoute[] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => l.startsWith("## 3."));
  const end = lines.findIndex((l, i) => i > start && l.startsWith("## 4."));
  const found = new Map<string, SpecRoute>();
  let lastAbsolute = "/api";
  for (const line of lines.slice(start, end)) {
    if (line.startsWith("### 3.11")) break;
    const heading = line.match(/^###.*`(\/api\/[^`]+)`/);
    if (heading) lastAbsolute = heading[1] + "/x";
    if (!line.startsWith("|")) continue;
    const isSerialAdmin = line.startsWith("| serial admin");
    // A method named inside parentheses is a remark ("DELETE drops it"), not a route.
    const row = line.replace(
      /\([^()]*\)/g,
      (m) => m.replace(/\b(GET|PUT|POST|DELETE|PATCH)\b/g, ""),
    );
    const tokens = row.match(/`[^`]*`|\b[A-Z]{3,6}\b|\bsame\b/g) ?? [];
    let pending: string[] = [];
    let methods: string[] = [];
    let previous: string | null = null;
    let firstRelative: string | null = null;
    for (const token of tokens) {
      if (METHOD.test(token)) {
        pending.push(token);
        continue;
      }
      let path: string | null = null;
      if (token === "same") {
        path = previous;
      } else if (token.startsWith("`")) {
        const text = token.slice(1, -1).split("?")[0].trim();
        if (token.startsWith("`?")) path = previous;
        else if (text.startsWith("/api/")) path = lastAbsolute = text;
        else if (text.startsWith("…/") || (text.startsWith("/") && text.length > 1)) {
          const base = isSerialAdmin && firstRelative
            ? firstRelative + "/x"
            : previous ?? lastAbsolute;
          path = resolve(text, base);
          firstRelative ??= path;
        }
      }
      if (path === null) continue;
      if (pending.length > 0) {
        methods = pending;
        pending = [];
      }
      previous = path;
      // `GET/PUT …/GetX, …/PutX`: a verb-named route takes only its own method.
      const verb = path.split("/").filter((x) => !x.startsWith("{")).at(-1)?.match(
        /^(Get|Put|Post|Delete)[A-Z]/,
      )?.[1].toUpperCase();
      const own = methods.length > 1 && verb && methods.includes(verb) ? [verb] : methods;
      for (const method of own) {
        for (const each of expand(path)) {
          const filled = each.replace(/\{[^{}]*\}/g, "00000000-0000-4000-8000-000000000000");
          found.set(`${method} ${filled.toLowerCase()}`, { method, path: filled });
        }
      }
    }
  }
  return [...found.values()];
}

/** Probes each route; answers the ones the emulator answers and the ones it does not. */
export async function probe(
  routes: readonly SpecRoute[],
): Promise<{ answered: SpecRoute[]; missing: SpecRoute[] }> {
  await using emulator = await serveEmulator();
  const answered: SpecRoute[] = [];
  const missing: SpecRoute[] = [];
  for (const route of routes) {
    const hasBody = route.method === "PUT" || route.method === "POST" || route.method === "PATCH";
    const res = await fetch(`${emulator.url}${route.path}`, {
      method: route.method,
      headers: {
        authorization: `Basic ${emulator.token}`,
        "content-type": "application/json",
        referer: emulator.url,
      },
      body: hasBody ? "{}" : undefined,
    });
    const text = await res.text();
    const unknown = res.status === 405 ||
      (res.status === 404 && text.includes("No HTTP resource was found"));
    (unknown ? missing : answered).push(route);
  }
  return { answered, missing };
}

if (import.meta.main) {
  const [specPath, flag] = Deno.args;
  if (!specPath) throw new TypeError("give the path of the WATS API spec (.md)");
  const routes = specRoutes(await Deno.readTextFile(specPath));
  const { answered, missing } = await probe(routes);
  const out = [`${answered.length} of ${routes.length} spec routes answered`];
  if (flag === "--missing") out.push(...missing.map((r) => `  ${r.method} ${r.path}`));
  await Deno.stdout.write(new TextEncoder().encode(out.join("\n") + "\n"));
}
