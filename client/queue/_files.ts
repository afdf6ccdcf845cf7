/**
 * File-level helpers of the queue: paths, envelope encoding, reading, quarantine.
 *
 * @module
 */

import { extname, join } from "node:path";
import { exists, isTempName, moveDurable, writeFileDurable } from "../_fs.ts";
import { parseEnvelope, type QueueEnvelope, type QueueItem, type QueueState } from "./envelope.ts";
import { currentPlatform, type Platform } from "../../util/platform.ts";

const encoder = new TextEncoder();

/** Suffix of the reason file written beside a failed or quarantined file. */
export const REASON_SUFFIX = ".reason.txt";

/** The folder of a state. */
export function stateFolder(root: string, state: QueueState): string {
  return join(root, state);
}

/** The envelope file name of a report id. */
export function envelopeName(id: string): string {
  return `${id}.json`;
}

/** Tells whether a name is an envelope file name (`*.json`, not a temp file). */
export function isEnvelopeName(name: string): boolean {
  return name.endsWith(".json") && name.length > 5 && !isTempName(name);
}

/** The report id an envelope file name stands for. */
export function idOfName(name: string): string {
  return name.endsWith(".json") ? name.slice(0, -5) : name;
}

/** ISO 8601 of epoch milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The bytes of an envelope file. */
export function encodeEnvelope(envelope: QueueEnvelope): Uint8Array {
  return encoder.encode(JSON.stringify(envelope));
}

/** An envelope read from disk, or the reason it could not be. */
export type ReadResult = { ok: true; envelope: QueueEnvelope } | { ok: false; reason: string };

/**
 * Reads and parses an envelope file; `NotFound` and transient errors (another process holds the
 * file open) are thrown, every other failure is a reason.
 */
export function readEnvelopeFile(
  path: string,
  expectedId?: string,
  options: { platform?: Platform; read?: (path: string) => string } = {},
): Promise<ReadResult> {
  let text: string;
  try {
    // A queue file is a few kB on the local data folder: read in place, not on a worker thread.
    text = (options.read ?? Deno.readTextFileSync)(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return Promise.reject(error);
    if ((options.platform ?? currentPlatform).isTransientError(error)) {
      return Promise.reject(error);
    }
    return Promise.resolve({ ok: false, reason: `unreadable: ${(error as Error).message}` });
  }
  const parsed = parseEnvelope(text);
  if (parsed.ok && expectedId !== undefined && parsed.envelope.id !== expectedId) {
    const reason = `file name does not match the envelope id ${parsed.envelope.id}`;
    return Promise.resolve({ ok: false, reason });
  }
  return Promise.resolve(parsed);
}

/** Reads an envelope file, or returns `undefined` when it does not exist. */
export async function readIfPresent(path: string, id: string): Promise<ReadResult | undefined> {
  try {
    return await readEnvelopeFile(path, id);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Writes a reason file durably: the reason plus where and when, one fact a line. */
export async function writeReason(
  path: string,
  facts: { reason: string; from: string; at: number },
): Promise<void> {
  const text = `reason: ${facts.reason}\nfrom: ${facts.from}\nat: ${isoTime(facts.at)}\n`;
  await writeFileDurable(path, encoder.encode(text));
}

/** Reads the `reason:` line of a reason file, or `undefined` when there is none. */
export async function readReason(path: string): Promise<string | undefined> {
  try {
    const text = await Deno.readTextFile(path);
    const line = text.split(/\r?\n/).find((candidate) => candidate.startsWith("reason: "));
    return line?.slice("reason: ".length) ?? text.trim();
  } catch {
    return undefined;
  }
}

/**
 * Moves a bad file to `quarantine/`, never over another quarantined file, with its reason beside
 * it. The reason is written first, so a quarantined file never lacks one.
 */
export async function quarantineFile(
  root: string,
  from: { state: QueueState; name: string },
  reason: string,
  now: number,
): Promise<string> {
  const folder = stateFolder(root, "quarantine");
  let name = from.name;
  if (await exists(join(folder, name))) {
    const extension = extname(name);
    const stem = extension ? name.slice(0, -extension.length) : name;
    name = `${stem}.${now}-${crypto.randomUUID().slice(0, 4)}${extension}`;
  }
  await writeReason(join(folder, name + REASON_SUFFIX), {
    reason,
    from: `${from.state}/${from.name}`,
    at: now,
  });
  const source = join(stateFolder(root, from.state), from.name);
  // The mtime records when it was quarantined, so `purge` ages it from then.
  await Deno.utime(source, new Date(now), new Date(now)).catch(() => {});
  await moveDurable(source, join(folder, name));
  return name;
}

/** The modification time of a file in epoch ms, or `undefined` when it is gone. */
export async function mtimeOf(path: string): Promise<number | undefined> {
  try {
    return (await Deno.lstat(path)).mtime?.getTime() ?? 0;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Streams the entries of a state folder that hold queue items: files, no temp files, no reason
 * files. The directory is never loaded whole.
 */
export async function* itemNames(folder: string, state: QueueState): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(folder)) {
    if (!entry.isFile || isTempName(entry.name) || entry.name.endsWith(REASON_SUFFIX)) continue;
    if (state !== "quarantine" && !isEnvelopeName(entry.name)) {
      // A stray non-envelope file in pending/ is still a claim candidate (it is quarantined then);
      // in the other folders it is not an item.
      if (state !== "pending") continue;
    }
    yield entry.name;
  }
}

/** Reads one item of a state folder for listing; `null` when the file is gone. */
export async function readItem(
  root: string,
  state: QueueState,
  name: string,
): Promise<QueueItem | null> {
  const path = join(stateFolder(root, state), name);
  const changedAt = await mtimeOf(path);
  if (changedAt === undefined) return null;
  const id = idOfName(name);
  if (state === "quarantine") {
    const problem = await readReason(path + REASON_SUFFIX) ?? "no reason recorded";
    return { id, name, state, envelope: null, problem, changedAt };
  }
  const read = await readIfPresent(path, id);
  if (read === undefined) return null;
  if (read.ok) return { id, name, state, envelope: read.envelope, changedAt };
  return { id, name, state, envelope: null, problem: read.reason, changedAt };
}
