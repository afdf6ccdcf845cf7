/**
 * Root-cause tickets (`/api/RootCause`): create, read, list, comment, change status, assign,
 * attach files, archive.
 *
 * The server changes a ticket by a PUT of the whole ticket, so a comment, a status change or an
 * assignment reads the ticket first and sends it back changed. Attachments are uploaded as
 * `multipart/form-data` (field `file`) and then referenced from the ticket's `update`, which is
 * how they reach the history. The create answer leaves the assignee out; the service puts the
 * requested one back so the returned ticket says what was saved.
 *
 * @module
 */

import { NotFoundError } from "../http/errors.ts";
import type { ErrorMode, Found, Transport } from "../http/transport.ts";
import {
  type Ticket,
  TicketListSchema,
  TicketSchema,
  TicketStatus,
  type TicketTag,
} from "../models/rootcause.ts";
import { bareId, checkInput, requireText } from "./_input.ts";
import { parseResponse } from "./_parse.ts";

/**
 * What a new ticket needs.
 *
 * @category Root cause
 */
export interface TicketInput {
  /** Subject. */
  subject: string;
  /** Priority 0 low, 1 medium (default), 2 high. */
  priority?: number;
  /** The report the ticket is about. */
  reportUuid?: string;
  /** The first comment. */
  comment?: string;
  /** Who should work on it. */
  assignee?: string;
  /** Team. */
  team?: string;
  /** Where it came from. */
  origin?: string;
  /** Tags. */
  tags?: TicketTag[];
}

/**
 * Which tickets to list.
 *
 * @category Root cause
 */
export interface TicketQuery {
  /** Status flags, combined with `|` (see {@linkcode TicketStatus}); all statuses when absent. */
  status?: number;
  /** 0 assigned to me (default), 1 followed, 2 all. */
  view?: number;
  /** Text to search for. */
  search?: string;
}

/**
 * A file to attach.
 *
 * @category Root cause
 */
export interface TicketFile {
  /** File name. */
  fileName: string;
  /** Content. */
  data: Uint8Array;
  /** Media type. Default `application/octet-stream`. */
  contentType?: string;
}

const ALL_STATUSES = Object.values(TicketStatus).reduce((all, bit) => all | bit, 0);

/**
 * Root-cause tickets, reached as `wats.rootCause`.
 *
 * @typeParam M The client's error mode: look-ups return `T` in strict mode, `T | null` otherwise.
 *
 * @example Open a ticket for a failed report and work it
 * ```ts
 * import assert from "node:assert/strict";
 * import { Wats } from "@wats/toolkit";
 * import { TicketStatus } from "@wats/toolkit/models";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * const ticket = await wats.rootCause.create({ subject: "U7 cracks", assignee: "kari" });
 * await wats.rootCause.comment(ticket.ticketId!, "Reflow profile too hot");
 * const solved = await wats.rootCause.setStatus(ticket.ticketId!, TicketStatus.Solved);
 * assert.equal(solved.status, TicketStatus.Solved);
 * ```
 *
 * @category Root cause
 */
export class RootCauseService<M extends ErrorMode = ErrorMode> {
  #transport: Transport;

  /**
   * Creates the service on a transport.
   *
   * @param transport The HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * One ticket.
   *
   * @param ticketId The ticket id.
   * @returns The ticket, or `null` in lenient mode when there is none.
   * @throws {NotFoundError} In strict mode when there is none.
   */
  async get(ticketId: string): Promise<Found<Ticket, M>> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/RootCause/Ticket",
      query: { ticketId: requireText(ticketId, "a ticket id", "rootCause.get") },
      operation: "rootCause.get",
    });
    return (data === null ? null : parseResponse(TicketSchema, data, "rootCause.get")) as Found<
      Ticket,
      M
    >;
  }

  /**
   * Tickets by status, view and search text.
   *
   * @param query Status flags, view and search text.
   * @returns The tickets.
   */
  async list(query: TicketQuery = {}): Promise<Ticket[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/RootCause/Tickets",
      query: {
        status: query.status ?? ALL_STATUSES,
        view: query.view ?? 0,
        searchString: query.search,
      },
      operation: "rootCause.list",
    }, { allowEmpty: true });
    return parseResponse(TicketListSchema, data ?? [], "rootCause.list");
  }

  /**
   * Open tickets.
   *
   * @param view 0 assigned to me (default), 1 followed, 2 all.
   * @returns The tickets.
   */
  open(view = 0): Promise<Ticket[]> {
    return this.list({ status: TicketStatus.Open, view });
  }

  /**
   * Open and in-progress tickets.
   *
   * @param view 0 assigned to me (default), 1 followed, 2 all.
   * @returns The tickets.
   */
  active(view = 0): Promise<Ticket[]> {
    return this.list({ status: TicketStatus.Open | TicketStatus.InProgress, view });
  }

  /**
   * Creates a ticket.
   *
   * @param input Subject (required), priority (default medium), report, first comment, assignee.
   * @returns The created ticket.
   * @throws {TypeError} When the subject is blank; nothing is sent.
   */
  async create(input: TicketInput): Promise<Ticket> {
    const { comment, ...fields } = input;
    const body = checkInput(TicketSchema, {
      ...fields,
      priority: input.priority ?? 1,
      update: comment ? { content: comment } : undefined,
    }, "rootCause.create");
    const data = await this.#transport.send({
      method: "POST",
      path: "/api/RootCause/Ticket",
      json: body,
      operation: "rootCause.create",
    });
    const created = parseResponse(TicketSchema, data, "rootCause.create");
    if (!created.assignee && body.assignee) created.assignee = body.assignee;
    return created;
  }

  /**
   * Saves a whole ticket; a set `update` is added to its history by the server.
   *
   * @param ticket The ticket, with its `ticketId`.
   * @returns The saved ticket.
   * @throws {TypeError} When `ticketId` is missing; nothing is sent.
   */
  async update(ticket: Ticket): Promise<Ticket> {
    const body = checkInput(TicketSchema, ticket, "rootCause.update");
    requireText(body.ticketId, "the ticket's ticketId", "rootCause.update");
    const data = await this.#transport.send({
      method: "PUT",
      path: "/api/RootCause/Ticket",
      json: body,
      operation: "rootCause.update",
    });
    return parseResponse(TicketSchema, data, "rootCause.update");
  }

  async #change(ticketId: string, operation: string, edit: (t: Ticket) => void): Promise<Ticket> {
    const current = await this.get(requireText(ticketId, "a ticket id", operation));
    if (!current) {
      throw new NotFoundError(`${operation} failed: ticket ${ticketId} was not found`, {
        operation,
        status: 404,
      });
    }
    const changed: Ticket = { ...current, update: null };
    edit(changed);
    return this.update(changed);
  }

  /**
   * Adds a comment.
   *
   * @param ticketId The ticket id.
   * @param content The comment.
   * @returns The saved ticket, the comment last in its history.
   */
  comment(ticketId: string, content: string): Promise<Ticket> {
    const text = requireText(content, "a comment", "rootCause.comment");
    return this.#change(ticketId, "rootCause.comment", (t) => t.update = { content: text });
  }

  /**
   * Changes the status.
   *
   * @param ticketId The ticket id.
   * @param status One flag of {@linkcode TicketStatus}.
   * @param comment A comment to go with the change.
   * @returns The saved ticket.
   */
  setStatus(ticketId: string, status: number, comment?: string): Promise<Ticket> {
    return this.#change(ticketId, "rootCause.setStatus", (t) => {
      t.status = status;
      if (comment) t.update = { content: comment };
    });
  }

  /**
   * Assigns the ticket.
   *
   * @param ticketId The ticket id.
   * @param assignee The user to work on it.
   * @returns The saved ticket.
   */
  assign(ticketId: string, assignee: string): Promise<Ticket> {
    const who = requireText(assignee, "an assignee", "rootCause.assign");
    return this.#change(ticketId, "rootCause.assign", (t) => t.assignee = who);
  }

  /**
   * Archives tickets.
   *
   * @param ticketIds The ticket ids.
   * @returns The ticket the server answers with, or `null`.
   */
  async archive(ticketIds: readonly string[]): Promise<Ticket | null> {
    if (ticketIds.length === 0) throw new TypeError("rootCause.archive needs ticket ids");
    const data = await this.#transport.send({
      method: "POST",
      path: "/api/RootCause/ArchiveTickets",
      json: ticketIds,
      idempotent: true,
      operation: "rootCause.archive",
    }, { allowEmpty: true });
    return data === null || typeof data !== "object"
      ? null
      : parseResponse(TicketSchema, data, "rootCause.archive");
  }

  /**
   * Uploads a file (multipart field `file`).
   *
   * @param file Name, content and media type.
   * @returns The attachment id to reference in a ticket update.
   */
  async uploadAttachment(file: TicketFile): Promise<string> {
    const fileName = requireText(file.fileName, "a file name", "rootCause.uploadAttachment");
    const form = new FormData();
    form.append(
      "file",
      new Blob([file.data.slice()], { type: file.contentType ?? "application/octet-stream" }),
      fileName,
    );
    // Response serialises the form with its boundary, so the transport sends plain bytes.
    const encoded = new Response(form);
    const data = await this.#transport.send({
      method: "POST",
      path: "/api/RootCause/Attachment",
      body: new Uint8Array(await encoded.arrayBuffer()),
      contentType: encoded.headers.get("content-type") ?? "multipart/form-data",
      operation: "rootCause.uploadAttachment",
    });
    const id = bareId(data);
    if (!id) throw new TypeError("rootCause.uploadAttachment failed: the server answered no id");
    return id;
  }

  /**
   * Uploads a file and attaches it to a ticket, with an optional comment.
   *
   * @param ticketId The ticket id.
   * @param file Name, content and media type.
   * @param comment Text to go with it.
   * @returns The saved ticket; the file is on its newest history entry.
   */
  async attach(ticketId: string, file: TicketFile, comment = ""): Promise<Ticket> {
    const attachmentId = await this.uploadAttachment(file);
    return this.#change(ticketId, "rootCause.attach", (t) => {
      t.update = { content: comment, attachments: [{ attachmentId, filename: file.fileName }] };
    });
  }

  /**
   * The content of an attachment.
   *
   * @param attachmentId The attachment id.
   * @param fileName The file name, as the server wants it with the id.
   * @returns The bytes, or `null` in lenient mode when there is none.
   */
  attachment(attachmentId: string, fileName?: string): Promise<Found<Uint8Array, M>> {
    return this.#transport.send<Uint8Array>({
      method: "GET",
      path: "/api/RootCause/Attachment",
      query: {
        attachmentId: requireText(attachmentId, "an attachment id", "rootCause.attachment"),
        fileName,
      },
      responseType: "bytes",
      operation: "rootCause.attachment",
    }) as Promise<Found<Uint8Array, M>>;
  }
}
