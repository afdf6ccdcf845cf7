import assert from "node:assert/strict";
import { ConflictError, NotFoundError, ValidationError } from "../../../mod.ts";
import { startEmulator } from "../../emulator/_helpers.ts";

Deno.test("createUser sends a real body; the user reads back by id and by userName", async () => {
  await using h = await startEmulator();
  const scim = h.wats.scim;
  const user = await scim.createUser({
    userName: "kari.nordmann",
    displayName: "Kari Nordmann",
    name: { givenName: "Kari", familyName: "Nordmann" },
    emails: [{ value: "kari@example.com", type: "work", primary: true }],
  });
  assert.ok(user.id, "the server assigns an id");
  assert.equal(user.active, true);
  assert.equal(user.meta?.resourceType, "User");
  assert.equal((await scim.user(user.id!))?.emails?.[0].value, "kari@example.com");
  assert.deepEqual((await scim.userByName("KARI.NORDMANN"))?.id, user.id);
  await assert.rejects(() => scim.createUser({ userName: "kari.nordmann" }), ConflictError);
  await assert.rejects(() => scim.userByName("nobody"), NotFoundError);
  assert.equal(await h.client({ mode: "lenient" }).scim.userByName("nobody"), null);
});

Deno.test("patches replace active and displayName; PatchOp is what goes over the wire", async () => {
  await using h = await startEmulator();
  const scim = h.wats.scim;
  const { id } = await scim.createUser({ userName: "ola" });
  const off = await scim.deactivate(id!);
  assert.equal(off.active, false);
  const renamed = await scim.setDisplayName(id!, "Ola N.");
  assert.deepEqual([renamed.displayName, renamed.active], ["Ola N.", false]);
  const both = await scim.patchUser(id!, [
    { op: "replace", value: { active: true, "name.givenName": "Ola" } },
  ]);
  assert.deepEqual([both.active, both.name?.givenName], [true, "Ola"]);
  await assert.rejects(
    () => scim.patchUser(id!, [{ op: "replace", path: "favouriteColour", value: "blue" }]),
    ValidationError,
  );
  await assert.rejects(() => scim.patchUser(id!, []), TypeError);
});

Deno.test("users() pages with startIndex and count and stops at the total", async () => {
  await using h = await startEmulator();
  const scim = h.wats.scim;
  for (let i = 1; i <= 7; i++) await scim.createUser({ userName: `user${i}` });
  const before = (await h.stats()).totalRequests;
  const names: string[] = [];
  for await (const user of scim.users({ pageSize: 3 })) names.push(user.userName);
  assert.deepEqual(names, ["user1", "user2", "user3", "user4", "user5", "user6", "user7"]);
  assert.equal((await h.stats()).totalRequests - before, 4, "3 pages of data + the stats call");
  const page = await scim.userPage({ startIndex: 4, count: 2 });
  assert.deepEqual([page.totalResults, page.startIndex, page.Resources.map((u) => u.userName)], [
    7,
    4,
    ["user4", "user5"],
  ]);
  // an exact multiple of the page size stops once the total is reached, without an empty page
  const exact = (await h.stats()).totalRequests;
  let count = 0;
  for await (const _ of scim.users({ pageSize: 7 })) count++;
  assert.equal(count, 7);
  assert.equal((await h.stats()).totalRequests - exact, 2, "one page + the stats call");
  const filtered = [];
  for await (const u of scim.users({ filter: 'userName eq "user5"' })) filtered.push(u.userName);
  assert.deepEqual(filtered, ["user5"]);
});

Deno.test("deleting a user removes it and its group memberships", async () => {
  await using h = await startEmulator();
  const scim = h.wats.scim;
  const a = await scim.createUser({ userName: "a", displayName: "A" });
  const b = await scim.createUser({ userName: "b" });
  const group = await scim.createGroup({ displayName: "Operators", members: [{ value: a.id! }] });
  assert.deepEqual(group.members?.map((m) => m.display), ["A"]);
  const grown = await scim.addMembers(group.id!, [b.id!, a.id!]);
  assert.deepEqual(grown.members?.map((m) => m.value), [a.id, b.id]);
  const shrunk = await scim.removeMembers(group.id!, [a.id!]);
  assert.deepEqual(shrunk.members?.map((m) => m.value), [b.id]);
  await scim.deleteUser(b.id!);
  await assert.rejects(() => scim.user(b.id!), NotFoundError);
  assert.deepEqual((await scim.group(group.id!))?.members, []);
  await assert.rejects(() => scim.addMembers(group.id!, [b.id!]), ValidationError);
  await assert.rejects(() => scim.createGroup({ displayName: "operators" }), ConflictError);
  const groups = [];
  for await (const g of scim.groups()) groups.push(g.displayName);
  assert.deepEqual(groups, ["Operators"]);
  await scim.deleteGroup(group.id!);
  assert.equal((await scim.groupPage()).totalResults, 0);
});

Deno.test("token issues a provisioning token for the asked lifetime", async () => {
  await using h = await startEmulator();
  const token = await h.wats.scim.token(30);
  assert.ok(token.token.length > 20);
  assert.equal(token.durationDays, 30);
  const days = (Date.parse(token.expiresUtc!) - Date.now()) / 86_400_000;
  assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);
});

Deno.test("invalid users are refused before anything is sent", async () => {
  await using h = await startEmulator();
  await assert.rejects(() => h.wats.scim.createUser({ userName: "" }), TypeError);
  await assert.rejects(() => h.wats.scim.createGroup({ displayName: " " }), TypeError);
  await assert.rejects(
    () => h.wats.scim.patchUser("x", [{ op: "move" as "add", path: "a" }]),
    TypeError,
  );
  assert.equal((await h.stats()).totalRequests, 0);
});
