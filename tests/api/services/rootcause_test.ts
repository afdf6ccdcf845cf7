import assert from "node:assert/strict";
import { ConflictError, NotFoundError, ValidationError } from "../../../mod.ts";
import { TicketStatus, TicketUpdateType, TicketView } from "../../../api/models/rootcause.ts";
import { startEmulator } from "../../emulator/_helpers.ts";

Deno.test("create numbers tickets, defaults to medium priority and keeps the requested assignee", async () => {
  await using h = await startEmulator();
  const rc = h.wats.rootCause;
  const first = await rc.create({
    subject: "U7 cracks",
    comment: "Seen on three boards",
    assignee: "kari",
    reportUuid: crypto.randomUUID(),
  });
  const second = await rc.create({ subject: "Fixture wear", priority: 2 });
  assert.deepEqual([first.ticketNumber, second.ticketNumber], [1, 2]);
  assert.deepEqual([first.priority, second.priority], [1, 2]);
  assert.deepEqual(first.status, TicketStatus.Open);
  assert.equal(first.owner, "emulator");
  // the server's create answer leaves the assignee out; the service puts it back
  assert.equal(first.assignee, "kari");
  const stored = await rc.get(first.ticketId!);
  assert.equal(stored?.assignee, "kari");
  assert.deepEqual(stored?.history?.map((u) => [u.content, u.updateType]), [
    ["Seen on three boards", TicketUpdateType.Content],
  ]);
});

Deno.test("comment, status change and assignment each land in the history", async () => {
  await using h = await startEmulator();
  const rc = h.wats.rootCause;
  const { ticketId } = await rc.create({ subject: "Solder bridges" });
  const id = ticketId!;
  await rc.comment(id, "Stencil looks worn");
  await rc.setStatus(id, TicketStatus.InProgress);
  const assigned = await rc.assign(id, "ola");
  assert.equal(assigned.assignee, "ola");
  assert.deepEqual(assigned.status, TicketStatus.InProgress);
  assert.deepEqual(assigned.history?.map((u) => [u.updateType, u.content]), [
    [TicketUpdateType.Content, "Stencil looks worn"],
    [TicketUpdateType.Properties, "Status changed from Open to In progress"],
    [TicketUpdateType.Properties, "Assigned to ola"],
  ]);
  assert.ok(assigned.history!.every((u) => u.updateUser === "emulator" && u.updateId));
  await assert.rejects(() => rc.setStatus(id, 3), TypeError, "3 is two flags, not one");
  await assert.rejects(() => rc.comment(crypto.randomUUID(), "x"), NotFoundError);
});

Deno.test("lists filter by status flags, view and search text", async () => {
  await using h = await startEmulator();
  const rc = h.wats.rootCause;
  const a = await rc.create({ subject: "Voltage drift", assignee: "emulator" });
  const b = await rc.create({ subject: "Cracked U7", assignee: "someone-else" });
  const c = await rc.create({ subject: "Label misprint", assignee: "emulator" });
  await rc.setStatus(b.ticketId!, TicketStatus.InProgress);
  await rc.setStatus(c.ticketId!, TicketStatus.Solved);
  const numbers = (list: { ticketNumber?: number | null }[]) => list.map((t) => t.ticketNumber);
  assert.deepEqual(numbers(await rc.open()), [a.ticketNumber]);
  assert.deepEqual(numbers(await rc.active(TicketView.All)), [a.ticketNumber, b.ticketNumber]);
  assert.deepEqual(numbers(await rc.list({ view: TicketView.All })), [1, 2, 3]);
  assert.deepEqual(numbers(await rc.list({ view: TicketView.All, search: "u7" })), [
    b.ticketNumber,
  ]);
  assert.deepEqual(
    numbers(await rc.list({ status: TicketStatus.Solved | TicketStatus.Closed })),
    [c.ticketNumber],
  );
});

Deno.test("attachments upload as multipart, reach the history and download byte for byte", async () => {
  await using h = await startEmulator();
  const rc = h.wats.rootCause;
  const { ticketId } = await rc.create({ subject: "X-ray shows voids" });
  const data = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
  const ticket = await rc.attach(ticketId!, {
    fileName: "xray.png",
    data,
    contentType: "image/png",
  }, "X-ray attached");
  const last = ticket.history![ticket.history!.length - 1];
  assert.equal(last.content, "X-ray attached");
  assert.deepEqual(last.attachments?.map((a) => a.filename), ["xray.png"]);
  const back = await rc.attachment(last.attachments![0].attachmentId, "xray.png");
  assert.deepEqual(back, data);
  // a ticket update that names an attachment nobody uploaded is refused
  const current = (await rc.get(ticketId!))!;
  await assert.rejects(
    () =>
      rc.update({
        ...current,
        update: { content: "", attachments: [{ attachmentId: "nope", filename: "a" }] },
      }),
    ValidationError,
  );
});

Deno.test("archived tickets no longer change", async () => {
  await using h = await startEmulator();
  const rc = h.wats.rootCause;
  const one = await rc.create({ subject: "One" });
  const two = await rc.create({ subject: "Two" });
  const answer = await rc.archive([one.ticketId!, two.ticketId!]);
  assert.deepEqual(answer?.status, TicketStatus.Archived);
  assert.deepEqual((await rc.get(one.ticketId!))?.status, TicketStatus.Archived);
  await assert.rejects(() => rc.comment(one.ticketId!, "too late"), ConflictError);
  assert.deepEqual(await rc.list({ view: TicketView.All, status: TicketStatus.Open }), []);
});

Deno.test("invalid input is refused before anything is sent", async () => {
  await using h = await startEmulator();
  const rc = h.wats.rootCause;
  await assert.rejects(() => rc.create({ subject: " " }), TypeError);
  await assert.rejects(() => rc.create({ subject: "x", priority: 5 }), TypeError);
  await assert.rejects(() => rc.update({ subject: "no id" }), TypeError);
  await assert.rejects(() => rc.archive([]), TypeError);
  assert.equal((await h.stats()).totalRequests, 0);
});
