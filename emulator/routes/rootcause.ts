/**
 * `/api/RootCause` routes with real state: tickets numbered in order, a history that records every
 * comment (type 0), progress change (1) and property change (2: status, assignee), status flags
 * and views (assigned to the caller, followed by the caller, all), archiving, and attachments
 * uploaded as `multipart/form-data` and referenced from a ticket update.
 *
 * As a WATS server does, the answer to a create leaves the assignee out (it is stored).
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import {
  EmulatorHttpError,
  isRecord,
  jsonResponse,
  queryInt,
  queryParam,
  readBody,
  readJson,
  readJsonObject,
  requireParam,
} from "../_http.ts";
import { callerName, isoNow, type Rec, RecordStore } from "../_records.ts";

type C = Context<EmulatorEnv>;

const STATUS_NAMES: Record<number, string> = {
  1: "Open",
  2: "In progress",
  4: "On hold",
  8: "Solved",
  16: "Closed",
  32: "Archived",
};
const ALL_FLAGS = 63;

async function find(store: RecordStore, id: string): Promise<Rec> {
  const ticket = await store.get<Rec>("ticket", id);
  if (!ticket) throw new EmulatorHttpError(404, `Ticket '${id}' was not found`);
  return ticket;
}

function checkStatus(value: unknown): number {
  if (typeof value !== "number" || !(value in STATUS_NAMES)) {
    throw new EmulatorHttpError(400, "Ticket.status must be one of 1, 2, 4, 8, 16, 32");
  }
  return value;
}

function checkPriority(value: unknown): number {
  if (value === undefined || value === null) return 1;
  if (value !== 0 && value !== 1 && value !== 2) {
    throw new EmulatorHttpError(400, "Ticket.priority must be 0, 1 or 2");
  }
  return value;
}

function requireSubject(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new EmulatorHttpError(400, "Ticket.subject is required");
  }
  return value.trim();
}

function entry(c: C, ctx: EmulatorContext, updateType: number, content: unknown, extra: Rec = {}) {
  return {
    updateId: crypto.randomUUID(),
    updateUtc: isoNow(ctx.now()),
    updateUser: callerName(c),
    content: typeof content === "string" ? content : null,
    updateType,
    attachments: [],
    ...extra,
  };
}

async function userUpdate(
  c: C,
  ctx: EmulatorContext,
  store: RecordStore,
  update: unknown,
): Promise<Rec | null> {
  if (!isRecord(update)) return null;
  const attachments = Array.isArray(update.attachments) ? update.attachments.filter(isRecord) : [];
  for (const attachment of attachments) {
    const id = String(attachment.attachmentId ?? "");
    if (!(await store.get("ticketAttachment", id))) {
      throw new EmulatorHttpError(400, `Attachment '${id}' was not uploaded`);
    }
  }
  const content = typeof update.content === "string" ? update.content : "";
  if (content.trim() === "" && attachments.length === 0) return null;
  return entry(c, ctx, 0, content, {
    attachments: attachments.map((a) => ({ attachmentId: a.attachmentId, filename: a.filename })),
  });
}

async function create(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const input = await readJsonObject(c, ctx.bodyLimit, "Ticket");
  const when = isoNow(ctx.now());
  const first = await userUpdate(c, ctx, store, input.update);
  const ticket: Rec = {
    ticketId: crypto.randomUUID(),
    ticketNumber: await ctx.entities.next("rootCauseTicket"),
    progress: typeof input.progress === "string" ? input.progress : null,
    owner: callerName(c),
    assignee: typeof input.assignee === "string" ? input.assignee : null,
    subject: requireSubject(input.subject),
    status: input.status === undefined || input.status === null ? 1 : checkStatus(input.status),
    priority: checkPriority(input.priority),
    reportUuid: typeof input.reportUuid === "string" ? input.reportUuid : null,
    createdUtc: when,
    updatedUtc: when,
    team: typeof input.team === "string" ? input.team : null,
    origin: typeof input.origin === "string" ? input.origin : null,
    tags: Array.isArray(input.tags) ? input.tags.filter(isRecord) : [],
    history: first ? [first] : [],
    update: null,
  };
  await store.put("ticket", String(ticket.ticketId), ticket);
  const { assignee: _omitted, ...answer } = ticket;
  return jsonResponse(answer);
}

async function update(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const input = await readJsonObject(c, ctx.bodyLimit, "Ticket");
  if (typeof input.ticketId !== "string") {
    throw new EmulatorHttpError(400, "Ticket.ticketId is required");
  }
  const ticket = await find(store, input.ticketId);
  if (ticket.status === 32) {
    throw new EmulatorHttpError(409, `Ticket ${ticket.ticketNumber} is archived and cannot change`);
  }
  const history = [...(ticket.history as Rec[])];
  const note = await userUpdate(c, ctx, store, input.update);
  if (note) history.push(note);
  if (input.status !== undefined && input.status !== null && input.status !== ticket.status) {
    const status = checkStatus(input.status);
    history.push(
      entry(
        c,
        ctx,
        2,
        `Status changed from ${STATUS_NAMES[Number(ticket.status)]} to ${STATUS_NAMES[status]}`,
      ),
    );
    ticket.status = status;
  }
  if (input.assignee !== undefined && (input.assignee ?? null) !== ticket.assignee) {
    ticket.assignee = typeof input.assignee === "string" ? input.assignee : null;
    history.push(
      entry(c, ctx, 2, ticket.assignee ? `Assigned to ${ticket.assignee}` : "Unassigned"),
    );
  }
  if (typeof input.progress === "string" && input.progress !== ticket.progress) {
    ticket.progress = input.progress;
    history.push(entry(c, ctx, 1, input.progress));
  }
  if (input.subject !== undefined) ticket.subject = requireSubject(input.subject);
  if (input.priority !== undefined) ticket.priority = checkPriority(input.priority);
  for (const key of ["team", "origin", "reportUuid"]) {
    if (input[key] !== undefined) ticket[key] = input[key];
  }
  if (Array.isArray(input.tags)) ticket.tags = input.tags.filter(isRecord);
  ticket.history = history;
  ticket.updatedUtc = isoNow(ctx.now());
  await store.put("ticket", String(ticket.ticketId), ticket);
  return jsonResponse(ticket);
}

function visible(ticket: Rec, view: number, user: string): boolean {
  const me = user.toLowerCase();
  if (view === 2) return true;
  if (view === 0) return String(ticket.assignee ?? "").toLowerCase() === me;
  return String(ticket.owner ?? "").toLowerCase() === me ||
    (ticket.history as Rec[]).some((h) => String(h.updateUser ?? "").toLowerCase() === me);
}

async function list(c: C, store: RecordStore): Promise<Response> {
  const flags = queryInt(c, "status", { min: 0 }) ?? ALL_FLAGS;
  const view = queryInt(c, "view", { min: 0, max: 2 }) ?? 0;
  const search = queryParam(c, "searchString")?.trim().toLowerCase();
  const user = callerName(c);
  const found = (await store.list<Rec>("ticket"))
    .filter((t) => (Number(t.status) & flags) !== 0)
    .filter((t) => visible(t, view, user))
    .filter((t) =>
      !search ||
      String(t.subject).toLowerCase().includes(search) ||
      String(t.ticketNumber) === search ||
      (t.history as Rec[]).some((h) => String(h.content ?? "").toLowerCase().includes(search))
    )
    .sort((a, b) => Number(a.ticketNumber) - Number(b.ticketNumber));
  return jsonResponse(found);
}

async function archive(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const ids = await readJson(c, ctx.bodyLimit);
  if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== "string")) {
    throw new EmulatorHttpError(400, "The body must be a non-empty list of ticket ids");
  }
  const tickets = [];
  for (const id of ids as string[]) tickets.push(await find(store, id));
  for (const ticket of tickets) {
    if (ticket.status !== 32) {
      ticket.history = [
        ...(ticket.history as Rec[]),
        entry(c, ctx, 2, `Status changed from ${STATUS_NAMES[Number(ticket.status)]} to Archived`),
      ];
      ticket.status = 32;
      ticket.updatedUtc = isoNow(ctx.now());
      await store.put("ticket", String(ticket.ticketId), ticket);
    }
  }
  return jsonResponse(tickets[tickets.length - 1]);
}

async function upload(c: C, ctx: EmulatorContext, store: RecordStore): Promise<Response> {
  const type = c.req.header("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) {
    throw new EmulatorHttpError(
      415,
      "Send the attachment as multipart/form-data with a 'file' field",
    );
  }
  let form: FormData;
  try {
    form = await new Response((await readBody(c, ctx.bodyLimit)).slice(), {
      headers: { "content-type": type },
    })
      .formData();
  } catch {
    throw new EmulatorHttpError(400, "The multipart body cannot be read");
  }
  const file = form.get("file");
  if (!(file instanceof File)) {
    throw new EmulatorHttpError(400, "The multipart body has no 'file' field");
  }
  const attachmentId = crypto.randomUUID();
  await store.putBytes(
    `ticket-attachment-${attachmentId}`,
    new Uint8Array(await file.arrayBuffer()),
  );
  await store.put("ticketAttachment", attachmentId, {
    attachmentId,
    filename: file.name,
    contentType: file.type || "application/octet-stream",
    size: file.size,
  });
  return jsonResponse(attachmentId);
}

async function download(c: C, store: RecordStore): Promise<Response> {
  const id = requireParam(c, "attachmentId");
  const meta = await store.get<Rec>("ticketAttachment", id);
  const bytes = meta ? await store.getBytes(`ticket-attachment-${id}`) : null;
  if (!meta || !bytes) throw new EmulatorHttpError(404, `Attachment '${id}' was not found`);
  const name = queryParam(c, "fileName") || String(meta.filename);
  return new Response(bytes, {
    headers: {
      "content-type": String(meta.contentType),
      "content-disposition": `attachment; filename="${name.replace(/["\\\r\n]/g, "_")}"`,
    },
  });
}

/** Register the `/api/RootCause` routes. */
export function rootCauseRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  const store = new RecordStore(ctx.kv);
  app.get(
    "/api/RootCause/Ticket",
    async (c) => jsonResponse(await find(store, requireParam(c, "ticketId"))),
  );
  app.get("/api/RootCause/Tickets", (c) => list(c, store));
  app.post("/api/RootCause/Ticket", (c) => create(c, ctx, store));
  app.put("/api/RootCause/Ticket", (c) => update(c, ctx, store));
  app.post("/api/RootCause/ArchiveTickets", (c) => archive(c, ctx, store));
  app.post("/api/RootCause/Attachment", (c) => upload(c, ctx, store));
  app.get("/api/RootCause/Attachment", (c) => download(c, store));
}
