/**
 * Case-insensitive routing. A WATS server runs on ASP.NET, whose routes ignore case
 * (`/api/Report/Wsjf/{id}` and `/api/report/WSJF/{id}` are the same route); hono's router is
 * case-sensitive. The router keeps one spelling per route and this module rewrites the static
 * segments of an incoming path to that spelling, leaving parameter segments untouched. It also
 * tells a wrong method (405, with `Allow`) from an unknown path (404).
 *
 * @module
 */

interface Template {
  method: string;
  segments: string[];
  lower: string[];
  wildcard: boolean;
}

function splitPath(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

function isParam(segment: string): boolean {
  return segment.startsWith(":");
}

/** Route templates registered on the app, used to canonicalise paths and detect 405. */
export class RouteTable {
  #templates: Template[] = [];

  /** Replace the known templates (call after all routes are registered). */
  load(routes: readonly { method: string; path: string }[]): void {
    this.#templates = routes
      .filter((route) => route.method !== "ALL")
      .map((route) => {
        const segments = splitPath(route.path);
        const wildcard = segments.at(-1) === "*";
        if (wildcard) segments.pop();
        return {
          method: route.method,
          segments,
          lower: segments.map((segment) => segment.toLowerCase()),
          wildcard,
        };
      });
  }

  #score(template: Template, segments: string[]): number {
    if (
      template.wildcard ? segments.length < template.segments.length : (
        segments.length !== template.segments.length
      )
    ) return -1;
    let score = 0;
    for (let i = 0; i < template.segments.length; i++) {
      if (isParam(template.segments[i])) continue;
      if (template.lower[i] !== segments[i].toLowerCase()) return -1;
      score += 1;
    }
    return score;
  }

  #best(segments: string[], method?: string): Template | undefined {
    let best: Template | undefined;
    let bestScore = -1;
    for (const template of this.#templates) {
      if (method !== undefined && template.method !== method) continue;
      const score = this.#score(template, segments);
      if (score > bestScore) {
        best = template;
        bestScore = score;
      }
    }
    return best;
  }

  /** The path with its static segments spelled as the best-matching route spells them. */
  canonical(path: string, method: string): string {
    const segments = splitPath(path);
    const template = this.#best(segments, method) ?? this.#best(segments);
    if (!template) return path;
    const out = segments.map((segment, i) =>
      i < template.segments.length && !isParam(template.segments[i])
        ? template.segments[i]
        : segment
    );
    // ASP.NET ignores a trailing slash, so the canonical form has none.
    return "/" + out.join("/");
  }

  /** Methods that a path answers to (empty when the path is unknown). */
  allowedMethods(path: string): string[] {
    const segments = splitPath(path);
    const methods = new Set<string>();
    for (const template of this.#templates) {
      if (this.#score(template, segments) >= 0) methods.add(template.method);
    }
    return [...methods].sort();
  }
}
