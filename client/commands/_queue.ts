/**
 * `wats queue ls|show|retry|purge`: look into and tend the queue of a data folder. Safe while the
 * service runs: nothing here takes back claims, and a retried report is found by the service's
 * next sweep of `pending/`.
 *
 * `ls` shows the reports still to settle (every state but `done`), oldest first, 50 at most with
 * "50 of 1,907" said; `show` and `retry` take the start of an id; `retry` says why nothing was
 * sent again and warns when no service runs to send it; `purge` asks on a terminal.
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { type AcceptedRecord, Ledger } from "../ledger/ledger.ts";
import { isLocked } from "../lock.ts";
import { ReportQueue } from "../queue/queue.ts";
import { QUEUE_STATES, type QueueItem, type QueueState } from "../queue/envelope.ts";
import { humanCount, humanDuration } from "../status/_human.ts";
import { CommandError, COMMON_OPTIONS, dataDirFrom, queueDir } from "./_context.ts";
import type { CliIo } from "./_io.ts";
import { controlRequest, runningService } from "./_control.ts";

/** Retries through the running service (which sends at once), else in the queue folder. */
async function retryVia(dataDir: string, id: string, queue: ReportQueue): Promise<number> {
  const service = await runningService(dataDir);
  if (!service) return await queue.retryFailed(id);
  const { body } = await controlRequest(service, "POST", `/queue/${encodeURIComponent(id)}/retry`);
  return (body as { moved: number }).moved;
}
import { enqueuedAt, itemDetails, itemTable, matches, type QueueFilter } from "./_queue_view.ts";

/** Help of `wats queue`. */
export const QUEUE_HELP =
  `Usage: wats queue <ls|show|retry|purge> [options] [--config FILE | --data-dir DIR]

  ls [--state STATE] [--sn SERIAL] [--file NAME] [--all] [--json]
                     reports oldest first: every state but done unless --state
                     (repeatable); --sn a serial number, --file a part of the
                     source file's name; 50 at most unless --all
  show ID [--json]   one report: serial, part, source file, tries, last error
                     (ID: its first characters are enough)
  retry ID | --all   send failed reports again
  purge STATE [--older-than DURATION] [--yes] [--dry-run]
                     remove done, failed or quarantined items (DURATION like 7d,
                     12h, 30m; default 0: all); asks first on a terminal
`;

const SHOWN = 50;

async function acceptedRecord(dataDir: string, id: string): Promise<AcceptedRecord | null> {
  const ledger = await Ledger.open(join(dataDir, "ledger.kv"));
  try {
    return await ledger.getAccepted(id);
  } finally {
    ledger.close();
  }
}

function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new CommandError(`Not a duration: ${text} (e.g. 7d, 12h, 30m)`, 2);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? "s"]!;
  return Number(match[1]) * unit;
}

function isState(value: string): value is QueueState {
  return (QUEUE_STATES as readonly string[]).includes(value);
}

async function everyItem(queue: ReportQueue, states: readonly QueueState[]): Promise<QueueItem[]> {
  const items: QueueItem[] = [];
  for (const state of states) items.push(...await queue.list(state, { limit: Infinity }));
  return items;
}

/** The one item whose id is `prefix` or starts with it, in any state. */
async function findByPrefix(queue: ReportQueue, prefix: string): Promise<QueueItem | null> {
  const exact = await queue.get(prefix);
  if (exact) return exact;
  const found = (await everyItem(queue, QUEUE_STATES)).filter((item) => item.id.startsWith(prefix));
  if (found.length > 1) {
    throw new CommandError(
      `${found.length} reports start with ${prefix} (${
        found.slice(0, 3).map((item) => item.id).join(", ")
      }${found.length > 3 ? ", …" : ""}); give more of the id`,
      2,
    );
  }
  return found[0] ?? null;
}

async function list(
  queue: ReportQueue,
  values: { state?: string[]; sn?: string; file?: string; all?: boolean; json?: boolean },
  io: CliIo,
): Promise<number> {
  for (const state of values.state ?? []) {
    if (!isState(state)) {
      throw new CommandError(`--state must be one of ${QUEUE_STATES.join(", ")}`, 2);
    }
  }
  const states =
    (values.state?.length
      ? values.state
      : QUEUE_STATES.filter((state) => state !== "done")) as QueueState[];
  const filter: QueueFilter = { sn: values.sn, file: values.file, states };
  const found = (await everyItem(queue, states)).filter((item) => matches(item, filter))
    .sort((a, b) => enqueuedAt(a) - enqueuedAt(b));
  const shown = values.all ? found : found.slice(0, SHOWN);
  if (values.json) {
    io.out(
      JSON.stringify({ counts: await queue.counts(), total: found.length, items: shown }, null, 2) +
        "\n",
    );
    return 0;
  }
  const what = `${states.join(", ")}${filter.sn ? `, serial ${filter.sn}` : ""}${
    filter.file ? `, file *${filter.file}*` : ""
  }`;
  if (found.length === 0) {
    io.out(`No reports (${what})\n`);
    return 0;
  }
  io.out(itemTable(shown, Date.now()));
  io.out(
    shown.length < found.length
      ? `${humanCount(shown.length)} of ${humanCount(found.length)} reports (${what}), oldest ` +
        "first; --all lists every one\n"
      : `${humanCount(found.length)} report${found.length === 1 ? "" : "s"} (${what})\n`,
  );
  return 0;
}

/** Why `retry` moved nothing for this id. */
async function whyNotRetried(queue: ReportQueue, dataDir: string, id: string): Promise<string> {
  const item = await findByPrefix(queue, id);
  const accepted = await acceptedRecord(dataDir, item?.id ?? id);
  if (accepted) return `${item?.id ?? id} was already accepted by the server at ${accepted.at}`;
  if (!item) return `No report ${id} in the queue`;
  switch (item.state) {
    case "pending":
      return `${item.id} is not failed: it waits in pending/ for its next try`;
    case "processing":
      return `${item.id} is not failed: it is being uploaded now`;
    case "quarantine":
      return `${item.id} is quarantined (${item.problem ?? "a damaged file"}); it cannot be sent`;
    default:
      return `${item.id} is ${item.state}`;
  }
}

async function retry(
  queue: ReportQueue,
  dataDir: string,
  target: string | undefined,
  all: boolean,
  io: CliIo,
): Promise<number> {
  if (!target && !all) throw new CommandError("Usage: wats queue retry ID | --all", 2);
  let moved: number;
  if (all) moved = await retryVia(dataDir, "all", queue);
  else {
    const item = await findByPrefix(queue, target!);
    moved = item?.state === "failed" ? await retryVia(dataDir, item.id, queue) : 0;
    if (moved === 0) {
      io.err(`${await whyNotRetried(queue, dataDir, target!)}\n`);
      return 1;
    }
  }
  io.out(
    moved === 0
      ? "No failed reports to retry\n"
      : `${moved} report${moved === 1 ? "" : "s"} queued again\n`,
  );
  if (moved > 0 && !await isLocked(dataDir)) {
    io.err(
      `Warning: no WATS service runs on ${dataDir}; the reports wait until \`wats run\` starts\n`,
    );
  }
  return 0;
}

async function purge(
  queue: ReportQueue,
  target: string | undefined,
  values: { "older-than"?: string; yes?: boolean; "dry-run"?: boolean },
  io: CliIo,
): Promise<number> {
  if (!target || !isState(target) || target === "pending" || target === "processing") {
    throw new CommandError(
      "Usage: wats queue purge done|failed|quarantine [--older-than 7d] [--yes] [--dry-run]" +
        (target === "pending" || target === "processing"
          ? `\nCannot purge ${target}: it holds reports not yet accepted by the server`
          : ""),
      2,
    );
  }
  const olderThanMs = values["older-than"] ? parseDuration(values["older-than"]) : 0;
  const cutoff = Date.now() - olderThanMs;
  const doomed = (await queue.list(target, { limit: Infinity }))
    .filter((item) => item.changedAt <= cutoff).length;
  const what = `${humanCount(doomed)} item${doomed === 1 ? "" : "s"} from ${target}${
    olderThanMs > 0 ? ` older than ${humanDuration(olderThanMs)}` : ""
  }`;
  if (values["dry-run"]) {
    io.out(`Would remove ${what}\n`);
    return 0;
  }
  if (doomed === 0) {
    io.out(`Nothing to remove from ${target}\n`);
    return 0;
  }
  if (!values.yes && io.ask) {
    const answer = await io.ask(`Remove ${what}? [y/N] `);
    if (!/^y(es)?$/i.test(answer?.trim() ?? "")) {
      io.out("Nothing removed\n");
      return 1;
    }
  }
  const removed = await queue.purge(target, { olderThanMs });
  io.out(`${humanCount(removed)} item${removed === 1 ? "" : "s"} removed from ${target}\n`);
  return 0;
}

/**
 * Runs `wats queue`.
 *
 * @param args The arguments after `queue`.
 * @param io Output.
 * @returns The exit code.
 */
export async function queueCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...COMMON_OPTIONS,
      state: { type: "string", multiple: true },
      sn: { type: "string" },
      file: { type: "string" },
      all: { type: "boolean" },
      "older-than": { type: "string" },
      yes: { type: "boolean", short: "y" },
      "dry-run": { type: "boolean" },
    },
  });
  const [action, target] = positionals;
  if (values.help || action === undefined) {
    io.out(QUEUE_HELP);
    return values.help ? 0 : 2;
  }
  const dataDir = await dataDirFrom(values, io);
  const queue = await ReportQueue.open(queueDir(dataDir), { recover: false });
  try {
    switch (action) {
      case "ls":
      case "list":
        return await list(queue, values, io);
      case "show": {
        if (!target) throw new CommandError("Usage: wats queue show ID", 2);
        const item = await findByPrefix(queue, target);
        if (!item) throw new CommandError(`No report ${target} in the queue`, 1);
        // The server's answer to an accepted report is the ledger's.
        const accepted = item.state === "done" ? await acceptedRecord(dataDir, item.id) : null;
        if (values.json) io.out(JSON.stringify({ ...item, accepted }, null, 2) + "\n");
        else {
          const answer = accepted
            ? `accepted at ${accepted.at}${accepted.serverId ? ` as ${accepted.serverId}` : ""}\n`
            : "";
          io.out(itemDetails(item, Date.now()) + answer);
        }
        return 0;
      }
      case "retry":
        return await retry(queue, dataDir, target, values.all ?? false, io);
      case "purge":
        return await purge(queue, target, values, io);
      default:
        throw new CommandError(`Unknown queue action "${action}"\n\n${QUEUE_HELP}`, 2);
    }
  } finally {
    await queue.indexed();
  }
}
