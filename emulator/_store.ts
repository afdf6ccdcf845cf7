/**
 * Reports in Deno KV.
 *
 * A KV value holds at most 64 KiB and an atomic commit at most 800 KiB, while a report may be
 * megabytes. So the report text is split into chunks written under a fresh generation id, and a
 * small meta record (`["reports", id]`: generation, chunk count, the header row, attachment
 * metadata) is swapped in atomically once the chunks are written. A reader follows the meta
 * record to one complete generation; the chunks of the replaced generation are deleted after the
 * swap. Small reports are written in one commit. The swap checks the previous meta record, so
 * concurrent posts of one id both count in `receiveCount`.
 *
 * Keys: `["reports", id]`, `["report_chunks", id, generation, n]`, `["attachments", n]`,
 * `["attachment_steps", stepId]`, `["counters", "attachment"]`. Ids are stored lower-case
 * (GUIDs compare without case).
 *
 * @module
 */
import type { AttachmentMeta, AttachmentSource } from "./_report_shape.ts";
import type { Rec } from "./_records.ts";

const CHUNK_BYTES = 60_000;
/** Reports up to this size are written in the same commit as their meta record. */
const SINGLE_COMMIT_BYTES = 600_000;
/** Chunks written per commit for larger reports (stays under the 800 KiB commit limit). */
const CHUNKS_PER_COMMIT = 10;

/** The meta record of a stored report. */
export interface ReportMeta {
  id: string;
  generation: string;
  chunks: number;
  size: number;
  header: Rec;
  attachments: AttachmentMeta[];
}

/** What {@link ReportStore.put} needs besides the report bytes. */
export interface PutReport {
  id: string;
  body: Uint8Array;
  attachments: readonly AttachmentSource[];
  /** Builds the header row once the receive count and attachment ids are known. */
  header(receiveCount: number, attachments: readonly AttachmentMeta[]): Rec;
}

function chunkKey(id: string, generation: string, n: number): Deno.KvKey {
  return ["report_chunks", id, generation, n];
}

/** Report storage on a Deno KV. */
export class ReportStore {
  #kv: Deno.Kv;

  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /** Store (or overwrite) a report; resolves with its new receive count. */
  async put(input: PutReport): Promise<ReportMeta> {
    const id = input.id.toLowerCase();
    const generation = crypto.randomUUID();
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < input.body.byteLength; offset += CHUNK_BYTES) {
      chunks.push(input.body.subarray(offset, offset + CHUNK_BYTES));
    }
    const inline = input.body.byteLength <= SINGLE_COMMIT_BYTES;
    if (!inline) {
      for (let i = 0; i < chunks.length; i += CHUNKS_PER_COMMIT) {
        const op = this.#kv.atomic();
        chunks.slice(i, i + CHUNKS_PER_COMMIT).forEach((chunk, j) => {
          op.set(chunkKey(id, generation, i + j), chunk);
        });
        await op.commit();
      }
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      const previous = await this.#kv.get<ReportMeta>(["reports", id]);
      const counter = input.attachments.length > 0
        ? await this.#kv.get<number>(["counters", "attachment"])
        : null;
      const firstId = (counter?.value ?? 0) + 1;
      const attachments: AttachmentMeta[] = input.attachments.map((source, i) => ({
        ...source,
        attachmentId: firstId + i,
        reportId: input.id,
      }));
      const receiveCount = Number(previous.value?.header.receiveCount ?? 0) + 1;
      const meta: ReportMeta = {
        id: input.id,
        generation,
        chunks: chunks.length,
        size: input.body.byteLength,
        header: input.header(receiveCount, attachments),
        attachments,
      };
      const op = this.#kv.atomic().check(previous).set(["reports", id], meta);
      if (counter) {
        op.check(counter).set(["counters", "attachment"], firstId + attachments.length - 1);
      }
      for (const attachment of attachments) {
        op.set(["attachments", attachment.attachmentId], attachment);
        if (attachment.stepId !== null) {
          op.set(["attachment_steps", String(attachment.stepId)], attachment.attachmentId);
        }
      }
      if (inline) chunks.forEach((chunk, n) => op.set(chunkKey(id, generation, n), chunk));
      const result = await op.commit();
      if (!result.ok) continue;
      if (previous.value) await this.#dropGeneration(previous.value);
      return meta;
    }
    throw new Error(`Report ${input.id} could not be stored: too many concurrent writes`);
  }

  async #dropGeneration(old: ReportMeta): Promise<void> {
    const id = old.id.toLowerCase();
    const keys: Deno.KvKey[] = [];
    for (let n = 0; n < old.chunks; n++) keys.push(chunkKey(id, old.generation, n));
    for (const attachment of old.attachments) keys.push(["attachments", attachment.attachmentId]);
    for (let i = 0; i < keys.length; i += 100) {
      const op = this.#kv.atomic();
      for (const key of keys.slice(i, i + 100)) op.delete(key);
      await op.commit();
    }
  }

  /** The meta record of a report, or null. */
  async meta(id: string): Promise<ReportMeta | null> {
    return (await this.#kv.get<ReportMeta>(["reports", id.toLowerCase()])).value;
  }

  /** The stored report bytes, or null when there is no such report. */
  async body(id: string): Promise<Uint8Array | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const meta = await this.meta(id);
      if (!meta) return null;
      const parts: Uint8Array[] = [];
      const prefix = ["report_chunks", meta.id.toLowerCase(), meta.generation];
      for await (const entry of this.#kv.list<Uint8Array>({ prefix })) parts.push(entry.value);
      if (parts.length !== meta.chunks) continue; // overwritten while reading: read again
      const out = new Uint8Array(meta.size);
      let offset = 0;
      for (const part of parts) {
        out.set(part, offset);
        offset += part.byteLength;
      }
      return out;
    }
    return null;
  }

  /** The stored report parsed, or null. */
  async report(id: string): Promise<Rec | null> {
    const bytes = await this.body(id);
    return bytes ? JSON.parse(new TextDecoder().decode(bytes)) as Rec : null;
  }

  /** Every stored header row. */
  async headers(): Promise<Rec[]> {
    const out: Rec[] = [];
    for await (const entry of this.#kv.list<ReportMeta>({ prefix: ["reports"] })) {
      out.push({ ...entry.value.header });
    }
    return out;
  }

  /** Attachment metadata by id, or null. */
  async attachment(attachmentId: number): Promise<AttachmentMeta | null> {
    return (await this.#kv.get<AttachmentMeta>(["attachments", attachmentId])).value;
  }

  /** The latest attachment of a step id, or null. */
  async attachmentOfStep(stepId: string): Promise<AttachmentMeta | null> {
    const ref = await this.#kv.get<number>(["attachment_steps", stepId]);
    return ref.value === null ? null : await this.attachment(ref.value);
  }
}

/** Delete every key of the emulator's KV (for `POST /_emulator/reset`). */
export async function clearKv(kv: Deno.Kv): Promise<number> {
  let deleted = 0;
  let op = kv.atomic();
  let pending = 0;
  for await (const entry of kv.list({ prefix: [] })) {
    op.delete(entry.key);
    pending += 1;
    deleted += 1;
    if (pending === 500) {
      await op.commit();
      op = kv.atomic();
      pending = 0;
    }
  }
  if (pending > 0) await op.commit();
  return deleted;
}
