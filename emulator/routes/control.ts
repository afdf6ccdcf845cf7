/**
 * The emulator's own routes under `/_emulator` (same token as the API): fault rules, statistics
 * and reset. Each group exists only when it was turned on.
 *
 * @module
 */
import type { Hono } from "hono";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import { parseFaultRules } from "../_faults.ts";
import { EmulatorHttpError, jsonResponse, readJson } from "../_http.ts";
import { clearKv } from "../_store.ts";

/** Register `/_emulator/faults` (when `faults`) and `/_emulator/stats`, `/reset` (when `inspect`). */
export function controlRoutes(
  app: Hono<EmulatorEnv>,
  ctx: EmulatorContext,
  enabled: { faults: boolean; inspect: boolean },
): void {
  if (enabled.faults) {
    app.get("/_emulator/faults", () => jsonResponse({ rules: ctx.faults.list() }));
    app.post("/_emulator/faults", async (c) => {
      const body = await readJson(c, ctx.bodyLimit);
      let rules;
      try {
        rules = parseFaultRules(body);
      } catch (error) {
        throw new EmulatorHttpError(400, (error as Error).message);
      }
      return jsonResponse({ rules: ctx.faults.add(rules) }, 201);
    });
    app.delete("/_emulator/faults", () => {
      ctx.faults.remove();
      return jsonResponse({ rules: [] });
    });
    app.delete("/_emulator/faults/:id", (c) => {
      const id = c.req.param("id");
      if (!ctx.faults.remove(id)) {
        throw new EmulatorHttpError(404, `Fault rule '${id}' was not found`);
      }
      return jsonResponse({ rules: ctx.faults.list() });
    });
  }
  if (enabled.inspect) {
    app.get("/_emulator/stats", () => jsonResponse(ctx.stats.snapshot(ctx.faults.fired)));
    app.post("/_emulator/reset", async () => {
      const deleted = await clearKv(ctx.kv);
      ctx.stats.reset();
      ctx.faults.reset();
      return jsonResponse({ reset: true, deletedKeys: deleted });
    });
  }
}
