/**
 * The internal manual-inspection routes a station running an inspection calls, with the
 * `Referer` check of internal routes. The WATS API spec gives only their names; what they answer
 * is chosen here from those names and the spec's report rules:
 *
 * - `GetMiDetailsNew/{id}` and the older `GetMiDetails/{id}`: the spec calls the id `unitId`,
 *   but the emulator keys units by serial and part number and has no unit ids, so the id is the
 *   test sequence definition's: the answer is the definition with its `Relations`,
 *   `InstancesCount` and `Sequences` (by `SortOrder`), everything a station needs to run it. The
 *   two routes answer the same.
 * - `GetWatswwfContent/{id}`: the definition's workflow file, its XAML, as `application/xml`;
 *   404 when the definition has none.
 * - `ValidateMiscInfo`: checks a list of misc infos `[{Description, Text}]` against the report
 *   rules (description 1–100 characters and unique without case, text at most 100) and answers
 *   `{IsValid, Errors: [{Index, Message}]}`; a body that is not such a list is a 400.
 * - `PutStringTest`: judges a string test `{Value, Limit?, CompOp?}` as a report's string step is
 *   judged (`LOG` by default, `EQ`, `NE`, `CASESENSIT`, `IGNORECASE`) and answers it with its
 *   `Status` (`P` or `F`); nothing is stored.
 *
 * @module
 */
import type { Hono } from "hono";
import { evaluate } from "../../api/models/report/evaluate.ts";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import { EmulatorHttpError, isRecord, jsonResponse, readJson, requireGuid } from "../_http.ts";
import { Definitions, same } from "../_mi_definitions.ts";
import { type Rec, requireReferer } from "../_records.ts";

const BASE = "/api/internal/ManualInspection";
const STRING_OPS = ["LOG", "EQ", "NE", "CASESENSIT", "IGNORECASE"] as const;

async function details(defs: Definitions, id: string): Promise<Response> {
  const def = await defs.present(await defs.find(requireGuid(id, "Definition id")));
  const sequences = (await defs.store.list<Rec>("miSequence"))
    .filter((s) => same(s.TestSequenceDefinitionId, def.TestSequenceDefinitionId))
    .sort((a, b) => Number(a.SortOrder) - Number(b.SortOrder));
  return jsonResponse({ ...def, Sequences: sequences });
}

function miscInfoErrors(value: unknown): Rec[] {
  if (!Array.isArray(value) || !value.every(isRecord)) {
    throw new EmulatorHttpError(400, "The body must be a JSON list of {Description, Text}");
  }
  const errors: Rec[] = [];
  const seen = new Set<string>();
  value.forEach((info: Rec, index) => {
    const description = typeof info.Description === "string" ? info.Description.trim() : "";
    if (description.length < 1 || description.length > 100) {
      errors.push({ Index: index, Message: "Description must have 1 to 100 characters" });
    } else if (seen.has(description.toLowerCase())) {
      errors.push({ Index: index, Message: `Description '${description}' is given twice` });
    }
    seen.add(description.toLowerCase());
    const text = info.Text ?? "";
    if (typeof text !== "string" || text.length > 100) {
      errors.push({ Index: index, Message: "Text must be text of at most 100 characters" });
    }
  });
  return errors;
}

function stringTest(input: unknown): Rec {
  if (!isRecord(input)) throw new EmulatorHttpError(400, "The body must be a JSON object");
  if (typeof input.Value !== "string") throw new EmulatorHttpError(400, "Value is required");
  const op = String(input.CompOp ?? "LOG").toUpperCase();
  if (!(STRING_OPS as readonly string[]).includes(op)) {
    throw new EmulatorHttpError(
      400,
      `CompOp '${input.CompOp}' is not a string-step operator; use ${STRING_OPS.join(", ")}`,
    );
  }
  if (op !== "LOG" && typeof input.Limit !== "string") {
    throw new EmulatorHttpError(400, `Limit is required with CompOp ${op}`);
  }
  const limit = op === "LOG" ? null : input.Limit as string;
  const passed = evaluate(op as typeof STRING_OPS[number], input.Value, limit);
  return { Value: input.Value, Limit: limit, CompOp: op, Status: passed ? "P" : "F" };
}

/** Register the station-side manual-inspection routes (see the module notes). */
export function manualInspectionRuntimeRoutes(
  app: Hono<EmulatorEnv>,
  ctx: EmulatorContext,
): void {
  const defs = new Definitions(ctx);
  app.use(`${BASE}/*`, async (c, next) => {
    requireReferer(c);
    await next();
  });
  app.get(`${BASE}/GetMiDetailsNew/:id`, (c) => details(defs, c.req.param("id")));
  app.get(`${BASE}/GetMiDetails/:id`, (c) => details(defs, c.req.param("id")));
  app.get(`${BASE}/GetWatswwfContent/:id`, async (c) => {
    const def = await defs.find(requireGuid(c.req.param("id"), "Definition id"));
    if (typeof def.XAML !== "string" || def.XAML === "") {
      throw new EmulatorHttpError(404, `'${def.Name}' version ${def.Version} has no workflow`);
    }
    return new Response(def.XAML, { headers: { "content-type": "application/xml" } });
  });
  app.put(`${BASE}/ValidateMiscInfo`, async (c) => {
    const errors = miscInfoErrors(await readJson(c, ctx.bodyLimit));
    return jsonResponse({ IsValid: errors.length === 0, Errors: errors });
  });
  app.put(
    `${BASE}/PutStringTest`,
    async (c) => jsonResponse(stringTest(await readJson(c, ctx.bodyLimit))),
  );
}
