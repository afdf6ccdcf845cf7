/**
 * `/api/App` metadata routes: version, processes, levels, product groups.
 *
 * @module
 */
import type { Hono } from "hono";
import type { EmulatorContext, EmulatorEnv, ProcessInfo } from "../_context.ts";
import { jsonResponse, queryBool, queryParam } from "../_http.ts";
import type { Rec } from "../_records.ts";

function process(
  code: number,
  name: string,
  kind: "test" | "repair" | "wip",
  processIndex: number,
): ProcessInfo {
  return {
    code,
    name,
    description: name,
    isTestOperation: kind === "test",
    isRepairOperation: kind === "repair",
    isWipOperation: kind === "wip",
    processIndex,
    state: 1,
  };
}

/** The process list of a fresh WATS installation, plus the codes the sample reports use. */
export const DEFAULT_PROCESSES: readonly ProcessInfo[] = [
  process(10, "SW Debug", "test", 1),
  process(20, "ICT", "test", 2),
  process(30, "AOI", "test", 3),
  process(50, "PCBA test", "test", 4),
  process(90, "Burn In test", "test", 5),
  process(100, "Final Function test", "test", 6),
  process(200, "Assembly", "wip", 7),
  process(500, "Repair", "repair", 8),
  process(510, "RMA repair", "repair", 9),
];

/** Production levels (static on a WATS server unless an administrator edits them). */
export const LEVELS: readonly { levelId: number; levelName: string }[] = [
  { levelId: 1, levelName: "PCBA" },
  { levelId: 2, levelName: "Module" },
  { levelId: 3, levelName: "System" },
];

/** The name of a process code, or null. */
export function processName(ctx: EmulatorContext, code: unknown): string | null {
  return ctx.processes.find((p) => p.code === code)?.name ?? null;
}

/** Register `/api/App/Version`, `/Processes`, `/Levels`, `/ProductGroups`. */
export function appRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.get("/api/App/Version", () => jsonResponse(ctx.version));

  app.get("/api/App/Processes", (c) => {
    const kinds = ["includeTestOperations", "includeRepairOperations", "includeWipOperations"];
    const anyKind = kinds.some((name) => queryParam(c, name) !== undefined);
    const test = queryBool(c, kinds[0], !anyKind);
    const repair = queryBool(c, kinds[1], !anyKind);
    const wip = queryBool(c, kinds[2], !anyKind);
    const inactive = queryBool(c, "includeInactiveProcesses", false);
    return jsonResponse(ctx.processes.filter((p) =>
      (inactive || p.state === 1) &&
      ((test && p.isTestOperation) || (repair && p.isRepairOperation) ||
        (wip && p.isWipOperation))
    ));
  });

  app.get("/api/App/Levels", () => jsonResponse(LEVELS));

  app.get("/api/App/ProductGroups", async () => {
    const groups = await ctx.entities.list<Rec>("productGroup");
    return jsonResponse(groups);
  });
}
