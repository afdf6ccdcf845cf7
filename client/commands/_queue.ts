/**
 * `wats queue ls|show|retry|purge`: look into and tend the queue of a data folder. Safe while the
 * service runs: nothing here takes back claims, and a retried report is found by the service's
 * next sweep of `pending/`.
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { type AcceptedRecord, Ledger } from "../ledger/ledger.ts";
import { ReportQueue } from "../queue/queue.ts";
import { QUEUE_STATES, type QueueItem, type QueueState } from "../queue/envelope.ts";
import { CommandError, COMMON_OPTIONS, dataDirFrom, queueDir } from "./_context.ts";
import type { CliIo } from "./_io.ts";
import { controlRequest, runningService } from "./_control.ts";

/** Retries through the running service (which sends at once), else in the queue folder. */
async function retry(dataDir: string, id: string, queue: ReportQueue): Promise<number> {
  const service = await runningService(dataDir);
  if (!service) return await queue.retryFailed(id);
  const { body } = await controlRequest(service, "POST", `/queue/${encodeURIComponent(id)}/retry`);
  return (body as { moved: number }).moved;
}

/** Help of `wats queue`. */
export const QUEUE_HELP =
  `Usage: wats queue <ls|show|retry|purge> [options] [--config FILE | --data-dir DIR]

  ls [--state STATE] [--limit N] [--offset N] [--json]
                     list reports of a state (default: counts of every state)
  show ID [--json]   one report's envelope: attempts, last error, source
  retry ID | --all   send failed reports again
  purge STATE [--older-than DURATION]
                     remove done, failed or quarantined items (DURATION like 7d, 12h, 30m;
                     default 0: all)
`;

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

function line(item: QueueItem): string {
  const envelope = item.envelope;
  const when = new Date(item.changedAt).toISOString();
  if (!envelope) return `${item.id}  ${item.state}  ${when}  ${item.problem ?? ""}`;
  const report = envelope.report as Record<string, unknown>;
  const error = envelope.lastError ? `  last error: ${envelope.lastError.message}` : "";
  return `${item.id}  ${item.state}  ${when}  pn ${report.pn ?? "?"} sn ${report.sn ?? "?"}  ` +
    `attempts ${envelope.attempts}${error}`;
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
      state: { type: "string" },
      limit: { type: "string" },
      offset: { type: "string" },
      all: { type: "boolean" },
      "older-than": { type: "string" },
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
      case "list": {
        if (values.state === undefined) {
          const counts = await queue.counts();
          io.out(
            values.json
              ? JSON.stringify(counts) + "\n"
              : QUEUE_STATES.map((state) => `${state}: ${counts[state]}`).join("\n") + "\n",
          );
          return 0;
        }
        if (!isState(values.state)) {
          throw new CommandError(`--state must be one of ${QUEUE_STATES.join(", ")}`, 2);
        }
        const items = await queue.list(values.state, {
          limit: values.limit === undefined ? 50 : Number(values.limit),
          offset: values.offset === undefined ? 0 : Number(values.offset),
        });
        io.out(
          values.json
            ? JSON.stringify(items, null, 2) + "\n"
            : items.map(line).join("\n") + (items.length ? "\n" : ""),
        );
        return 0;
      }
      case "show": {
        if (!target) throw new CommandError("Usage: wats queue show ID", 2);
        const item = await queue.get(target);
        if (!item) throw new CommandError(`No report ${target} in the queue`, 1);
        // The server's answer to an accepted report is the ledger's.
        const accepted = item.state === "done" ? await acceptedRecord(dataDir, target) : null;
        if (values.json) io.out(JSON.stringify({ ...item, accepted }, null, 2) + "\n");
        else {
          const answer = accepted
            ? `accepted at ${accepted.at}${accepted.serverId ? ` as ${accepted.serverId}` : ""}\n`
            : "";
          io.out(
            `${line(item)}\n${answer}source: ${JSON.stringify(item.envelope?.source ?? null)}\n`,
          );
        }
        return 0;
      }
      case "retry": {
        if (!target && !values.all) throw new CommandError("Usage: wats queue retry ID | --all", 2);
        const moved = await retry(dataDir, values.all ? "all" : target, queue);
        io.out(`${moved} report(s) queued again\n`);
        return moved > 0 || values.all ? 0 : 1;
      }
      case "purge": {
        if (!target || !isState(target)) {
          throw new CommandError(
            "Usage: wats queue purge done|failed|quarantine [--older-than 7d]",
            2,
          );
        }
        const olderThanMs = values["older-than"] ? parseDuration(values["older-than"]) : 0;
        let removed: number;
        try {
          removed = await queue.purge(target, { olderThanMs });
        } catch (error) {
          if (error instanceof TypeError) throw new CommandError(error.message, 2);
          throw error;
        }
        io.out(`${removed} item(s) removed from ${target}\n`);
        return 0;
      }
      default:
        throw new CommandError(`Unknown queue action "${action}"\n\n${QUEUE_HELP}`, 2);
    }
  } finally {
    await queue.indexed();
  }
}
