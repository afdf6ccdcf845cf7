import { assert, assertEquals, assertRejects } from "../../_assert.ts";
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
  assertEquals([first.ticketNumber, second.ticketNumber], [1, 2]);
  assertEquals([first.priority, second.priority], [1, 2]);
  assertEquals(first.status, TicketStatus.Open);
  assertEquals(first.owner, "emulator");
  // the server's create answer leaves the assignee out; the service puts it back
  assertEquals(first.assignee, "kari");
  const stored = await rc.get(first.ticketId!);
  assertEquals(stored?.assignee, "kari");
  assertEquals(stored?.history?.map((u) => [u.content, u.updateType]), [
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
  assertEquals(assigned.assignee, "ola");
  assertEquals(assigned.status, TicketStatus.InProgress);
  assertEquals(assigned.history?.map((u) => [u.updateType, u.content]), [
    [TicketUpdateType.Content, "Stencil looks worn"],
    [TicketUpdateType.Properties, "Status changed from Open to In progress"],
    [TicketUpdateType.Properties, "Assigned to ola"],
  ]);
  assert(assigned.history!.every((u) => u.updateUser === "emulator" && u.updateId));
  await assertRejects(() => rc.setStatus(id, 3), TypeError, "3 is two flags, not one");
  await assertRejects(() => rc.comment(crypto.randomUUID(), "x"), NotFoundError);
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
  assertEquals(numbers(await rc.open()), [a.ticketNumber]);
  assertEquals(numbers(await rc.active(TicketView.All)), [a.ticketNumber, b.ticketNumber]);
  assertEquals(numbers(await rc.list({ view: TicketView.All })), [1, 2, 3]);
  assertEquals(numbers(await rc.list({ view: TicketView.All, search: "u7" })), [b.ticketNumber]);
  assertEquals(
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
  assertEquals(last.content, "X-ray attached");
  assertEquals(last.attachments?.map((a) => a.filename), ["xray.png"]);
  const back = await rc.attachment(last.attachments![0].attachmentId, "xray.png");
  assertEquals(back, data);
  // a ticket update that names an attachment nobody uploaded is refused
  const current = (await rc.get(ticketId!))!;
  await assertRejects(
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
  assertEquals(answer?.status, TicketStatus.Archived);
  assertEquals((await rc.get(one.ticketId!))?.status, TicketStatus.Archived);
  await assertRejects(() => rc.comment(one.ticketId!, "too late"), ConflictError);
  assertEquals(await rc.list({ view: TicketView.All, status: TicketStatus.Open }), []);
});

Deno.test("invalid input is refused before anything is sent", async () => {
  await using h = await startEmulator();
  const rc = h.wats.rootCause;
  await assertRejects(() => rc.create({ subject: " " }), TypeError);
  await assertRejects(() => rc.create({ subject: "x", priority: 5 }), TypeError);
  await assertRejects(() => rc.update({ subject: "no id" }), TypeError);
  await assertRejects(() => rc.archive([]), TypeError);
  assertEquals((await h.stats()).totalRequests, 0);
});
