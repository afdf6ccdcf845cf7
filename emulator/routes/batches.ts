/**
 * `/api/Production/Batch(es)` routes with real state: a batch saved (keyed by its number, without
 * case) reads back, filtered by part number or batch id.
 *
 * @module
 */
import type { Hono } from "hono";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import {
  EmulatorHttpError,
  isRecord,
  jsonResponse,
  queryParam,
  readJson,
  readJsonObject,
} from "../_http.ts";
import type { Rec } from "../_records.ts";

async function saveBatch(ctx: EmulatorContext, input: Rec): Promise<Rec> {
  if (typeof input.batchNumber !== "string" || input.batchNumber.trim() === "") {
    throw new EmulatorHttpError(400, "Batch.batchNumber is required");
  }
  const batchNumber = input.batchNumber.trim();
  const size = input.batchSize;
  if (size !== undefined && size !== null && !(Number.isInteger(size) && (size as number) >= 0)) {
    throw new EmulatorHttpError(400, "Batch.batchSize must be a whole number >= 0");
  }
  const existing = await ctx.entities.get<Rec>("batch", batchNumber);
  const batch: Rec = {
    batchSize: null,
    partNumber: null,
    ...existing,
    ...input,
    batchNumber,
    batchId: existing?.batchId ?? crypto.randomUUID(),
  };
  await ctx.entities.put("batch", batchNumber, batch);
  return batch;
}

/** Register the batch routes. */
export function batchRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.get("/api/Production/Batches", async (c) => {
    const pn = queryParam(c, "partNumber")?.toLowerCase();
    const id = queryParam(c, "batchId")?.toLowerCase();
    const batches = (await ctx.entities.list<Rec>("batch")).filter((b) =>
      (!pn || String(b.partNumber ?? "").toLowerCase() === pn) &&
      (!id || String(b.batchId).toLowerCase() === id ||
        String(b.batchNumber).toLowerCase() === id)
    );
    return jsonResponse(batches);
  });
  app.put("/api/Production/Batch", async (c) => {
    return jsonResponse(await saveBatch(ctx, await readJsonObject(c, ctx.bodyLimit, "Batch")));
  });
  app.put("/api/Production/Batches", async (c) => {
    const body = await readJson(c, ctx.bodyLimit);
    if (!Array.isArray(body) || !body.every(isRecord)) {
      throw new EmulatorHttpError(400, "Request body must be an array of Batch objects");
    }
    const saved = [];
    for (const input of body) saved.push(await saveBatch(ctx, input));
    return jsonResponse(saved);
  });
}
