/**
 * How `wats queue` reads for people: the items of the queue oldest first as aligned columns
 * (age, state, serial and part number, source file, tries, last error, id), filters by serial
 * number, source file and state, and finding a report by the start of its id.
 *
 * @module
 */

import { basename } from "node:path";
import type { QueueItem, QueueState } from "../queue/envelope.ts";
import { humanDuration } from "../status/_human.ts";

/** What `wats queue ls` keeps: a serial number, a part of the source file's name, states. */
export interface QueueFilter {
  /** Serial number, exactly (case-insensitive). */
  sn?: string;
  /** A part of the source file's name (case-insensitive). */
  file?: string;
  /** The states to list. */
  states: readonly QueueState[];
}

/** The serial number of a queued report, when its envelope holds one. */
export function serialOf(item: QueueItem): string | undefined {
  const sn = (item.envelope?.report as Record<string, unknown> | undefined)?.sn;
  return typeof sn === "string" ? sn : undefined;
}

function partOf(item: QueueItem): string | undefined {
  const pn = (item.envelope?.report as Record<string, unknown> | undefined)?.pn;
  return typeof pn === "string" ? pn : undefined;
}

/** The source file's name (without its folder), when the report came from a file. */
export function fileOf(item: QueueItem): string | undefined {
  const path = item.envelope?.source?.path;
  return path ? basename(path) : undefined;
}

/** When the item entered the queue, epoch ms (a damaged file: its last change). */
export function enqueuedAt(item: QueueItem): number {
  const at = item.envelope ? Date.parse(item.envelope.enqueuedAt) : NaN;
  return Number.isFinite(at) ? at : item.changedAt;
}

/**
 * Tells whether an item passes the filter.
 *
 * @param item A queue item.
 * @param filter The filter.
 * @returns `true` to keep it.
 */
export function matches(item: QueueItem, filter: QueueFilter): boolean {
  if (!filter.states.includes(item.state)) return false;
  if (filter.sn !== undefined && serialOf(item)?.toLowerCase() !== filter.sn.toLowerCase()) {
    return false;
  }
  if (filter.file !== undefined) {
    const name = fileOf(item)?.toLowerCase() ?? "";
    if (!name.includes(filter.file.toLowerCase())) return false;
  }
  return true;
}

function lastError(item: QueueItem): string {
  const error = item.envelope?.lastError;
  if (!error) return item.problem ?? "";
  return `${error.status ?? "no answer"} ${error.message}`.replaceAll("\n", " ");
}

/**
 * The items as aligned columns under a header, oldest first as given.
 *
 * @param items The items to show.
 * @param now The time now, epoch ms (for the ages).
 * @returns Lines ending in a newline; empty for no items.
 */
export function itemTable(items: QueueItem[], now: number): string {
  if (items.length === 0) return "";
  const rows = [
    ["AGE", "STATE", "SERIAL", "PART", "FILE", "TRIES", "LAST ERROR", "ID"],
    ...items.map((item) => [
      humanDuration(now - enqueuedAt(item)),
      item.state,
      serialOf(item) ?? "-",
      partOf(item) ?? "-",
      fileOf(item) ?? "-",
      String(item.envelope?.attempts ?? "-"),
      lastError(item) || "-",
      item.id,
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row.map((cell, column) => column === row.length - 1 ? cell : cell.padEnd(widths[column]))
      .join("  ")
  ).join("\n") + "\n";
}

/**
 * One report in full, for `wats queue show`.
 *
 * @param item The item.
 * @param now The time now, epoch ms.
 * @returns Lines ending in a newline.
 */
export function itemDetails(item: QueueItem, now: number): string {
  const envelope = item.envelope;
  const lines = [
    `id:          ${item.id}`,
    `state:       ${item.state}`,
    `serial:      ${serialOf(item) ?? "-"}`,
    `part:        ${partOf(item) ?? "-"}`,
    `queued:      ${new Date(enqueuedAt(item)).toISOString()} (${
      humanDuration(now - enqueuedAt(item))
    } ago)`,
  ];
  if (envelope?.source) {
    lines.push(`source:      ${envelope.source.path} (${envelope.source.converter})`);
  }
  if (envelope) lines.push(`tries:       ${envelope.attempts}`);
  if (item.state === "pending" && envelope) {
    const due = Date.parse(envelope.nextAttemptAt) - now;
    lines.push(`next try:    ${due > 0 ? `in ${humanDuration(due)}` : "due now"}`);
  }
  const error = lastError(item);
  if (error) lines.push(`last error:  ${error}`);
  return lines.join("\n") + "\n";
}
