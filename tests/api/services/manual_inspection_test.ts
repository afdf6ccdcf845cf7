import assert from "node:assert/strict";
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
  assert.deepEqual([def.Status, def.Version, def.LogOperator, def.OnFailRequireRepair], [
    Draft,
    1,
    true,
    2,
  ]);
  assert.equal((await mi.definition(id))?.Description, "Look at the board");
  assert.deepEqual((await mi.definitions()).map((d) => d.Name), ["Visual check"]);
  assert.deepEqual(await mi.definitions(true), []);
  await assert.rejects(() => mi.createDefinition({ Name: "Visual check" }), ConflictError);
  await assert.rejects(() => mi.definition(crypto.randomUUID()), NotFoundError);
});

Deno.test("the lifecycle is enforced and a release revokes the earlier release", async () => {
  await using h = await startEmulator();
  const mi = h.wats.manualInspection;
  const v1 = (await mi.createDefinition({ Name: "Visual check" })).TestSequenceDefinitionId!;
  await assert.rejects(() => mi.release(v1), ConflictError);
  assert.deepEqual((await mi.moveToPending(v1)).Status, Pending);
  assert.deepEqual((await mi.moveToDraft(v1)).Status, Draft);
  await mi.moveToPending(v1);
  const released = await mi.release(v1);
  assert.deepEqual([released.Status, released.ReleasedBy], [Released, "emulator"]);
  const v1Now = (await mi.definition(v1))!;
  await assert.rejects(
    () => mi.updateDefinition({ ...v1Now, Description: "edit after release" }),
    ConflictError,
  );
  const copy = await mi.copyDefinition(v1);
  assert.deepEqual([copy.Version, copy.Status, copy.Name], [2, Draft, "Visual check"]);
  const v2 = copy.TestSequenceDefinitionId!;
  await mi.updateDefinition({ ...copy, Description: "second edition" });
  await mi.moveToPending(v2);
  await mi.release(v2);
  assert.deepEqual((await mi.definition(v1))?.Status, Revoked, "the earlier release is revoked");
  assert.equal((await mi.definition(v2))?.Description, "second edition");
  await assert.rejects(() => mi.moveToDraft(v2), ConflictError);
  assert.deepEqual((await mi.revoke(v2)).Status, Revoked);
});

Deno.test("relations copy with the definition and conflicts show between live definitions", async () => {
  await using h = await startEmulator();
  const mi = h.wats.manualInspection;
  const a = (await mi.createDefinition({ Name: "A" })).TestSequenceDefinitionId!;
  const b = (await mi.createDefinition({ Name: "B" })).TestSequenceDefinitionId!;
  const product = { EntitySchema: "Product", EntityName: "PCB-1" };
  const relA = await mi.createRelation({ TestSequenceDefinitionId: a, ...product });
  assert.ok(relA.RelationId);
  await assert.rejects(
    () => mi.createRelation({ TestSequenceDefinitionId: a, ...product }),
    ConflictError,
  );
  await mi.createRelation({ TestSequenceDefinitionId: b, ...product });
  const conflicts = await mi.relationConflicts(a);
  assert.deepEqual(conflicts.map((c) => c.ConflictingDefinitionName), ["B"]);
  const moved = await mi.updateRelation({ ...relA, EntityName: "PCB-2" });
  assert.equal(moved.EntityName, "PCB-2");
  assert.deepEqual(await mi.relationConflicts(a), []);
  const copy = (await mi.copyDefinition(a)).TestSequenceDefinitionId!;
  assert.deepEqual((await mi.relations(copy)).map((r) => r.EntityName), ["PCB-2"]);
  assert.equal((await mi.definition(copy))?.Relations?.length, 1);
  assert.ok(await mi.deleteRelation(moved));
  assert.deepEqual(await mi.relations(a), []);
  await assert.rejects(() => mi.deleteRelation(moved), NotFoundError);
});

Deno.test("sequences belong to a draft definition and keep their order", async () => {
  await using h = await startEmulator();
  const mi = h.wats.manualInspection;
  const id = (await mi.createDefinition({ Name: "Visual check" })).TestSequenceDefinitionId!;
  const top = await mi.saveSequence({ TestSequenceDefinitionId: id, Name: "Top side" });
  const bottom = await mi.saveSequence({ TestSequenceDefinitionId: id, Name: "Bottom side" });
  assert.deepEqual([top.SortOrder, bottom.SortOrder], [1, 2]);
  await mi.saveSequence({ ...top, SortOrder: 3 });
  assert.deepEqual((await mi.sequences(id)).map((s) => s.Name), ["Bottom side", "Top side"]);
  assert.ok(await mi.deleteSequence(bottom.SequenceId!));
  assert.deepEqual((await mi.sequences()).map((s) => s.Name), ["Top side"]);
  assert.ok(await mi.setXaml(id, "<Activity/>"));
  assert.equal(await mi.xaml(id), "<Activity/>");
  await mi.moveToPending(id);
  await assert.rejects(
    () => mi.saveSequence({ TestSequenceDefinitionId: id, Name: "Late" }),
    ConflictError,
  );
  await assert.rejects(() => mi.setXaml(id, "<Other/>"), ConflictError);
});

Deno.test("the instance count follows the reports run with the definition", async () => {
  await using h = await startEmulator();
  const mi = h.wats.manualInspection;
  const id = (await mi.createDefinition({ Name: "Visual check" })).TestSequenceDefinitionId!;
  assert.equal(await mi.instancesCount(id), 0);
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
  assert.equal(await mi.instancesCount(id), 2);
  assert.equal((await mi.definition(id))?.InstancesCount, 2);
});

Deno.test("every call sends the Referer; without it the internal routes refuse", async () => {
  await using h = await startEmulator();
  assert.deepEqual(await h.wats.manualInspection.definitions(), []);
  await assert.rejects(
    () =>
      h.wats.request({
        method: "GET",
        path: "/api/internal/ManualInspection/GetTestSequenceDefinitions",
        operation: "test.noReferer",
      }),
    ValidationError,
  );
  await assert.rejects(() => h.wats.manualInspection.createDefinition({ Name: "" }), TypeError);
  await assert.rejects(
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
  assert.deepEqual([saved.Description, saved.Name, saved.LogOperator], [
    "second",
    "Solder check",
    true,
  ]);
  await mi.moveToPending(id);
  assert.deepEqual(sent, [
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
  await assert.rejects(() => mi.updateDefinition({ Description: "x" } as never), TypeError);
});

Deno.test("a definition is created with its documented flags sent explicitly", async () => {
  await using h = await startEmulator();
  const { wats, sent } = recordingClient(h);
  await wats.manualInspection.createDefinition({ Name: "Torque check", LogOperator: false });
  assert.deepEqual(sent.map((r) => r.body), [{
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
  await assert.rejects(() => mi.runtime.workflow(id), NotFoundError);
  const xaml = '<Activity x:Class="Visual"/>';
  await mi.setXaml(id, xaml);

  const details = await mi.runtime.details(id);
  assert.deepEqual(details.Name, "Visual check");
  assert.deepEqual(details.Sequences?.map((s) => s.Name), ["Solder", "Labels"]);
  assert.deepEqual(details.Relations?.map((r) => r.EntityName), ["PCB-1"]);
  assert.deepEqual(await mi.runtime.legacyDetails(id), details);
  assert.deepEqual(await mi.runtime.workflow(id), xaml);
  await assert.rejects(() => mi.runtime.details(crypto.randomUUID()), NotFoundError);
  await assert.rejects(() => mi.runtime.workflow("not-a-guid"), ValidationError);

  assert.deepEqual(
    await mi.runtime.validateMiscInfo([{ Description: "Fixture", Text: "F-12" }]),
    { IsValid: true, Errors: [] },
  );
  const bad = await mi.runtime.validateMiscInfo([
    { Description: "Fixture", Text: "x".repeat(101) },
    { Description: "fixture" },
    { Description: "" },
  ]);
  assert.deepEqual(bad.IsValid, false);
  assert.deepEqual(bad.Errors.map((e) => e.Index), [0, 1, 2]);

  const pass = await mi.runtime.stringTest({ value: "Pass", limit: "PASS", compOp: "IGNORECASE" });
  assert.deepEqual([pass.Status, pass.CompOp], ["P", "IGNORECASE"]);
  assert.deepEqual(
    (await mi.runtime.stringTest({ value: "Pass", limit: "PASS", compOp: "CASESENSIT" })).Status,
    "F",
  );
  assert.deepEqual((await mi.runtime.stringTest({ value: "anything" })).Status, "P");
  await assert.rejects(() => mi.runtime.stringTest({ value: "v", compOp: "EQ" }), ValidationError);
  await assert.rejects(
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
  await assert.rejects(
    () =>
      h.wats.request({
        method: "GET",
        path: `/api/internal/ManualInspection/GetMiDetailsNew/${id}`,
        operation: "test.noReferer",
      }),
    ValidationError,
  );
});
