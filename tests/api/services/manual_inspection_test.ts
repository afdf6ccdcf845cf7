import { assert, assertEquals, assertRejects } from "../../_assert.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../../mod.ts";
import { createUutReport } from "../../../api/models/report/mod.ts";
import { InspectionStatus } from "../../../api/models/manual_inspection.ts";
import { recordingClient, startEmulator } from "../../emulator/_helpers.ts";

const { Draft, Pending, Released, Revoked } = InspectionStatus;

Deno.test("a definition is created as a draft and read back in PascalCase", async () => {
  await using h = await startEmulator();
  const mi = h.wats.manualInspection;
  const def = await mi.createDefinition({
    Name: "Visual check",
    Description: "Look at the board",
    OnFailRequireRepair: 2,
  });
  const id = def.TestSequenceDefinitionId!;
  assertEquals([def.Status, def.Version, def.LogOperator, def.OnFailRequireRepair], [
    Draft,
    1,
    true,
    2,
  ]);
  assertEquals((await mi.definition(id))?.Description, "Look at the board");
  assertEquals((await mi.definitions()).map((d) => d.Name), ["Visual check"]);
  assertEquals(await mi.definitions(true), []);
  await assertRejects(() => mi.createDefinition({ Name: "Visual check" }), ConflictError);
  await assertRejects(() => mi.definition(crypto.randomUUID()), NotFoundError);
});

Deno.test("the lifecycle is enforced and a release revokes the earlier release", async () => {
  await using h = await startEmulator();
  const mi = h.wats.manualInspection;
  const v1 = (await mi.createDefinition({ Name: "Visual check" })).TestSequenceDefinitionId!;
  await assertRejects(() => mi.release(v1), ConflictError);
  assertEquals((await mi.moveToPending(v1)).Status, Pending);
  assertEquals((await mi.moveToDraft(v1)).Status, Draft);
  await mi.moveToPending(v1);
  const released = await mi.release(v1);
  assertEquals([released.Status, released.ReleasedBy], [Released, "emulator"]);
  const v1Now = (await mi.definition(v1))!;
  await assertRejects(
    () => mi.updateDefinition({ ...v1Now, Description: "edit after release" }),
    ConflictError,
  );
  const copy = await mi.copyDefinition(v1);
  assertEquals([copy.Version, copy.Status, copy.Name], [2, Draft, "Visual check"]);
  const v2 = copy.TestSequenceDefinitionId!;
  await mi.updateDefinition({ ...copy, Description: "second edition" });
  await mi.moveToPending(v2);
  await mi.release(v2);
  assertEquals((await mi.definition(v1))?.Status, Revoked, "the earlier release is revoked");
  assertEquals((await mi.definition(v2))?.Description, "second edition");
  await assertRejects(() => mi.moveToDraft(v2), ConflictError);
  assertEquals((await mi.revoke(v2)).Status, Revoked);
});

Deno.test("relations copy with the definition and conflicts show between live definitions", async () => {
  await using h = await startEmulator();
  const mi = h.wats.manualInspection;
  const a = (await mi.createDefinition({ Name: "A" })).TestSequenceDefinitionId!;
  const b = (await mi.createDefinition({ Name: "B" })).TestSequenceDefinitionId!;
  const product = { EntitySchema: "Product", EntityName: "PCB-1" };
  const relA = await mi.createRelation({ TestSequenceDefinitionId: a, ...product });
  assert(relA.RelationId);
  await assertRejects(
    () => mi.createRelation({ TestSequenceDefinitionId: a, ...product }),
    ConflictError,
  );
  await mi.createRelation({ TestSequenceDefinitionId: b, ...product });
  const conflicts = await mi.relationConflicts(a);
  assertEquals(conflicts.map((c) => c.ConflictingDefinitionName), ["B"]);
  const moved = await mi.updateRelation({ ...relA, EntityName: "PCB-2" });
  assertEquals(moved.EntityName, "PCB-2");
  assertEquals(await mi.relationConflicts(a), []);
  const copy = (await mi.copyDefinition(a)).TestSequenceDefinitionId!;
  assertEquals((await mi.relations(copy)).map((r) => r.EntityName), ["PCB-2"]);
  assertEquals((await mi.definition(copy))?.Relations?.length, 1);
  assert(await mi.deleteRelation(moved));
  assertEquals(await mi.relations(a), []);
  await assertRejects(() => mi.deleteRelation(moved), NotFoundError);
});

Deno.test("sequences belong to a draft definition and keep their order", async () => {
  await using h = await startEmulator();
  const mi = h.wats.manualInspection;
  const id = (await mi.createDefinition({ Name: "Visual check" })).TestSequenceDefinitionId!;
  const top = await mi.saveSequence({ TestSequenceDefinitionId: id, Name: "Top side" });
  const bottom = await mi.saveSequence({ TestSequenceDefinitionId: id, Name: "Bottom side" });
  assertEquals([top.SortOrder, bottom.SortOrder], [1, 2]);
  await mi.saveSequence({ ...top, SortOrder: 3 });
  assertEquals((await mi.sequences(id)).map((s) => s.Name), ["Bottom side", "Top side"]);
  assert(await mi.deleteSequence(bottom.SequenceId!));
  assertEquals((await mi.sequences()).map((s) => s.Name), ["Top side"]);
  assert(await mi.setXaml(id, "<Activity/>"));
  assertEquals(await mi.xaml(id), "<Activity/>");
  await mi.moveToPending(id);
  await assertRejects(
    () => mi.saveSequence({ TestSequenceDefinitionId: id, Name: "Late" }),
    ConflictError,
  );
  await assertRejects(() => mi.setXaml(id, "<Other/>"), ConflictError);
});

Deno.test("the instance count follows the reports run with the definition", async () => {
  await using h = await startEmulator();
  const mi = h.wats.manualInspection;
  const id = (await mi.createDefinition({ Name: "Visual check" })).TestSequenceDefinitionId!;
  assertEquals(await mi.instancesCount(id), 0);
  for (const sn of ["SN-1", "SN-2"]) {
    await h.wats.report.submit(
      createUutReport({
        pn: "PCB-1",
        sn,
        rev: "A",
        processCode: 30,
        seqCall: { name: "Visual check", version: "1" },
      }).passFailStep("Solder joints", true).build(),
    );
  }
  assertEquals(await mi.instancesCount(id), 2);
  assertEquals((await mi.definition(id))?.InstancesCount, 2);
});

Deno.test("every call sends the Referer; without it the internal routes refuse", async () => {
  await using h = await startEmulator();
  assertEquals(await h.wats.manualInspection.definitions(), []);
  await assertRejects(
    () =>
      h.wats.request({
        method: "GET",
        path: "/api/internal/ManualInspection/GetTestSequenceDefinitions",
        operation: "test.noReferer",
      }),
    ValidationError,
  );
  await assertRejects(() => h.wats.manualInspection.createDefinition({ Name: "" }), TypeError);
  await assertRejects(
    () => h.wats.manualInspection.createDefinition({ Name: "x", OnFailRequireRepair: 5 }),
    TypeError,
  );
});

Deno.test("updateDefinition sends the id and only the changed fields; status moves read nothing first", async () => {
  await using h = await startEmulator();
  const sent: { method: string; path: string; body: unknown }[] = [];
  const mi = h.client({
    fetch: async (input, init) => {
      const body = typeof init?.body === "string" ? JSON.parse(init.body) : null;
      sent.push({ method: init?.method ?? "GET", path: new URL(String(input)).pathname, body });
      return await fetch(input, init);
    },
  }).manualInspection;
  const created = await mi.createDefinition({ Name: "Solder check", Description: "first" });
  const id = created.TestSequenceDefinitionId!;
  sent.length = 0;
  const saved = await mi.updateDefinition({ TestSequenceDefinitionId: id, Description: "second" });
  assertEquals([saved.Description, saved.Name, saved.LogOperator], [
    "second",
    "Solder check",
    true,
  ]);
  await mi.moveToPending(id);
  assertEquals(sent, [
    {
      method: "PUT",
      path: "/api/internal/ManualInspection/PutDefinitionNew",
      body: { TestSequenceDefinitionId: id, Description: "second" },
    },
    {
      method: "PUT",
      path: "/api/internal/ManualInspection/PutDefinitionNew",
      body: { TestSequenceDefinitionId: id, Status: Pending },
    },
  ]);
  await assertRejects(() => mi.updateDefinition({ Description: "x" } as never), TypeError);
});

Deno.test("a definition is created with its documented flags sent explicitly", async () => {
  await using h = await startEmulator();
  const { wats, sent } = recordingClient(h);
  await wats.manualInspection.createDefinition({ Name: "Torque check", LogOperator: false });
  assertEquals(sent.map((r) => r.body), [{
    Name: "Torque check",
    LogOperator: false,
    IsGlobal: false,
    OnFailGotoCleanup: false,
    OnFailRequireSubmit: false,
    OnFailRequireRepair: 0,
    AddChildUnits: false,
  }]);
});

Deno.test("a station reads a definition's details and workflow, checks misc infos and string tests", async () => {
  await using h = await startEmulator();
  const mi = h.wats.manualInspection;
  const id = (await mi.createDefinition({ Name: "Visual check" })).TestSequenceDefinitionId!;
  await mi.saveSequence({ TestSequenceDefinitionId: id, Name: "Solder" });
  await mi.saveSequence({ TestSequenceDefinitionId: id, Name: "Labels" });
  await mi.createRelation({
    TestSequenceDefinitionId: id,
    EntitySchema: "Product",
    EntityName: "PCB-1",
  });
  await assertRejects(() => mi.runtime.workflow(id), NotFoundError);
  const xaml = '<Activity x:Class="Visual"/>';
  await mi.setXaml(id, xaml);

  const details = await mi.runtime.details(id);
  assertEquals(details.Name, "Visual check");
  assertEquals(details.Sequences?.map((s) => s.Name), ["Solder", "Labels"]);
  assertEquals(details.Relations?.map((r) => r.EntityName), ["PCB-1"]);
  assertEquals(await mi.runtime.legacyDetails(id), details);
  assertEquals(await mi.runtime.workflow(id), xaml);
  await assertRejects(() => mi.runtime.details(crypto.randomUUID()), NotFoundError);
  await assertRejects(() => mi.runtime.workflow("not-a-guid"), ValidationError);

  assertEquals(
    await mi.runtime.validateMiscInfo([{ Description: "Fixture", Text: "F-12" }]),
    { IsValid: true, Errors: [] },
  );
  const bad = await mi.runtime.validateMiscInfo([
    { Description: "Fixture", Text: "x".repeat(101) },
    { Description: "fixture" },
    { Description: "" },
  ]);
  assertEquals(bad.IsValid, false);
  assertEquals(bad.Errors.map((e) => e.Index), [0, 1, 2]);

  const pass = await mi.runtime.stringTest({ value: "Pass", limit: "PASS", compOp: "IGNORECASE" });
  assertEquals([pass.Status, pass.CompOp], ["P", "IGNORECASE"]);
  assertEquals(
    (await mi.runtime.stringTest({ value: "Pass", limit: "PASS", compOp: "CASESENSIT" })).Status,
    "F",
  );
  assertEquals((await mi.runtime.stringTest({ value: "anything" })).Status, "P");
  await assertRejects(() => mi.runtime.stringTest({ value: "v", compOp: "EQ" }), ValidationError);
  await assertRejects(
    () =>
      h.wats.request({
        method: "PUT",
        path: "/api/internal/ManualInspection/PutStringTest",
        json: { Value: "1", Limit: "1", CompOp: "GELE" },
        internal: true,
        operation: "test.numericOp",
      }),
    ValidationError,
  );
  await assertRejects(
    () =>
      h.wats.request({
        method: "GET",
        path: `/api/internal/ManualInspection/GetMiDetailsNew/${id}`,
        operation: "test.noReferer",
      }),
    ValidationError,
  );
});
