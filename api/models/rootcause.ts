/**
 * Root-cause ticket models (`/api/RootCause`).
 *
 * A ticket's `status` is one flag of {@linkcode TicketStatus}; list queries combine flags
 * (`TicketStatus.Open | TicketStatus.InProgress`). Changes travel in `update`: the server moves a
 * sent `update` into `history`, stamped with who and when.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";

/**
 * Ticket status flags; a ticket has one, a query may combine several.
 *
 * @category Root cause
 */
export const TicketStatus: {
  readonly Open: 1;
  readonly InProgress: 2;
  readonly OnHold: 4;
  readonly Solved: 8;
  readonly Closed: 16;
  readonly Archived: 32;
} = Object.freeze({ Open: 1, InProgress: 2, OnHold: 4, Solved: 8, Closed: 16, Archived: 32 });

/**
 * Ticket priorities.
 *
 * @category Root cause
 */
export const TicketPriority: { readonly Low: 0; readonly Medium: 1; readonly High: 2 } = Object
  .freeze({ Low: 0, Medium: 1, High: 2 });

/**
 * Which tickets a list shows.
 *
 * @category Root cause
 */
export const TicketView: { readonly Assigned: 0; readonly Following: 1; readonly All: 2 } = Object
  .freeze({ Assigned: 0, Following: 1, All: 2 });

/**
 * Kinds of ticket history entries.
 *
 * @category Root cause
 */
export const TicketUpdateType: {
  readonly Content: 0;
  readonly Progress: 1;
  readonly Properties: 2;
  readonly Notification: 3;
} = Object.freeze({ Content: 0, Progress: 1, Properties: 2, Notification: 3 });

/**
 * A file on a ticket update.
 *
 * @category Root cause
 */
export interface TicketAttachment {
  /** Attachment id, as the upload answered it. */
  attachmentId: string;
  /** File name. */
  filename?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A key/value setting (ticket tag).
 *
 * @category Root cause
 */
export interface TicketTag {
  /** Key. */
  key: string;
  /** Value. */
  value?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A change to a ticket: a comment, progress, a property change or a notification.
 *
 * @category Root cause
 */
export interface TicketUpdate {
  /** Update id (server-assigned). */
  updateId?: string | null;
  /** When (UTC). */
  updateUtc?: string | null;
  /** Who. */
  updateUser?: string | null;
  /** The text. */
  content?: string | null;
  /** Kind: see {@linkcode TicketUpdateType}. */
  updateType?: number | null;
  /** Files attached with it. */
  attachments?: TicketAttachment[] | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A root-cause ticket.
 *
 * @category Root cause
 */
export interface Ticket {
  /** Ticket id (server-assigned). */
  ticketId?: string | null;
  /** Running number (server-assigned). */
  ticketNumber?: number | null;
  /** Progress text. */
  progress?: string | null;
  /** Who opened it. */
  owner?: string | null;
  /** Who works on it. */
  assignee?: string | null;
  /** Subject. */
  subject: string;
  /** One flag of {@linkcode TicketStatus}. */
  status?: number | null;
  /** See {@linkcode TicketPriority}. */
  priority?: number | null;
  /** The report the ticket is about. */
  reportUuid?: string | null;
  /** Created (UTC). */
  createdUtc?: string | null;
  /** Last changed (UTC). */
  updatedUtc?: string | null;
  /** Team. */
  team?: string | null;
  /** Where it came from. */
  origin?: string | null;
  /** Tags. */
  tags?: TicketTag[] | null;
  /** Earlier updates, oldest first. */
  history?: TicketUpdate[] | null;
  /** A change to apply with this save (a comment, files). */
  update?: TicketUpdate | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const attachment: z.ZodType<TicketAttachment> = z.looseObject({
  attachmentId: z.string(),
  filename: z.string().nullish(),
});

const tag: z.ZodType<TicketTag> = z.looseObject({
  key: z.string(),
  value: z.string().nullish(),
});

const ticketUpdate: z.ZodType<TicketUpdate> = z.looseObject({
  updateId: z.string().nullish(),
  updateUtc: z.string().nullish(),
  updateUser: z.string().nullish(),
  content: z.string().nullish(),
  updateType: z.number().int().nullish(),
  attachments: z.array(attachment).nullish(),
});

const STATUS_FLAGS = new Set<number>(Object.values(TicketStatus));

const ticket: z.ZodType<Ticket> = z.looseObject({
  ticketId: z.string().nullish(),
  ticketNumber: z.number().int().nullish(),
  progress: z.string().nullish(),
  owner: z.string().nullish(),
  assignee: z.string().nullish(),
  subject: z.string().trim().min(1, "subject must not be blank"),
  status: z.number().int().refine((s) => STATUS_FLAGS.has(s), "status must be one flag")
    .nullish(),
  priority: z.number().int().min(0).max(2).nullish(),
  reportUuid: z.string().nullish(),
  createdUtc: z.string().nullish(),
  updatedUtc: z.string().nullish(),
  team: z.string().nullish(),
  origin: z.string().nullish(),
  tags: z.array(tag).nullish(),
  history: z.array(ticketUpdate).nullish(),
  update: ticketUpdate.nullish(),
});

/**
 * Validates a {@linkcode Ticket}.
 *
 * @category Root cause
 */
export const TicketSchema: Schema<Ticket> = ticket;
/**
 * Validates a list of {@linkcode Ticket}s.
 *
 * @category Root cause
 */
export const TicketListSchema: Schema<Ticket[]> = z.array(ticket);

/**
 * The names of the flags set in a status value.
 *
 * @param flags One flag or several combined.
 * @returns The names, e.g. `["Open", "InProgress"]`.
 *
 * @example The names of a status set
 * ```ts
 * import assert from "node:assert/strict";
 * import { statusNames, TicketStatus } from "@wats/toolkit/models";
 *
 * assert.deepEqual(statusNames(TicketStatus.Open | TicketStatus.OnHold), ["Open", "OnHold"]);
 * ```
 *
 * @category Root cause
 */
export function statusNames(flags: number): string[] {
  return Object.entries(TicketStatus).filter(([, bit]) => (flags & bit) !== 0).map(([name]) =>
    name
  );
}
