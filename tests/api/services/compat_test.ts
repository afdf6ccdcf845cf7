import assert from "node:assert/strict";
/**
 * The compatibility suite: for every operation in `tests/fixtures/exchanges/<domain>.json` (the
 * requests the reference client sends, written from the WATS API spec's tables), the TypeScript
 * client's operation is run through `recordingClient` against the emulator, and its request is
 * compared with the recorded one: method, path (literal segments with their casing; `{x}` stands
 * for one segment), the query parameter names (exact casing, no more and no fewer), and the body
 * (the top-level field names of a JSON object, of each item of a JSON list, or the content type
 * of a raw body). The emulator must know the route: an answer "No HTTP resource" or 405 fails.
 *
 * @module
 */
import { createUutReport, type Wats, WatsError } from "../../../mod.ts";
import {
  type Harness,
  recordingClient,
  type SentRequest,
  startEmulator,
} from "../../emulator/_helpers.ts";

/** What the reference client sends as a body. */
interface BodySpec {
  /** The top-level field names of a JSON object. */
  fields?: string[];
  /** The field names of each object in a JSON list. */
  items?: string[];
  /** A JSON list of scalars. */
  scalars?: boolean;
  /** The content type of a raw (non-JSON) body. */
  raw?: string;
}

/** One recorded exchange. */
interface Exchange {
  operation: string;
  /** Why the exchange differs from what the reference client sends today, where it does. */
  note?: string;
  method: string;
  path: string;
  query: string[];
  body?: BodySpec;
}

/** Ids of the state the runners work on, made before the exchanges run. */
interface State {
  reportId: string;
  productId: string;
  packageId: string;
  ticketId: string;
  userId: string;
  definitionId: string;
  processId: string;
  assetId: string;
  typeId: string;
}

type Runner = (w: Wats, s: State) => Promise<unknown>;

const unit = { serialNumber: "SN-1", partNumber: "PCB-1" };
const parent = { serialNumber: "BOX-1", partNumber: "BOX" };
const asset = { serialNumber: "AS-1" };
const from = new Date("2026-01-01T00:00:00Z");
const to = new Date("2026-02-01T00:00:00Z");
const stepLists = {
  stepFilters: '<Filters><Filter Name="Voltage"/></Filters>',
  sequenceFilters: "<Filters/>",
};

function report(id?: string) {
  const built = createUutReport({
    pn: "PCB-1",
    sn: "SN-1",
    rev: "A",
    processCode: 10,
    machineName: "station-7",
    location: "Line 1",
    purpose: "Production",
    start: "2026-01-30T10:00:00.000+01:00",
  }).build();
  return id ? { ...built, id } : built;
}

const WSXF = `<?xml version="1.0" encoding="utf-8"?>
<Reports xmlns="http://wats.virinco.com/schemas/WATS/Report/wsxf">
<Report type="UUT" ID="${crypto.randomUUID().toUpperCase()}" Start="2026-01-30T10:00:00+01:00" Result="Passed" SN="SN-X" PN="PCB-1" Rev="A" MachineName="st" Location="L" Purpose="P">
<Process Code="10" Name="Test"/><UUT UserLoginName="op"/></Report></Reports>`;

const RUNNERS: Record<string, Runner> = {
  "app.version": (w) => w.app.version(),
  "app.levels": (w) => w.app.levels(),
  "app.productGroups": (w) => w.app.productGroups(true),
  "report.submit": (w) => w.report.submit(report()),
  "report.submitWsxf": (w) => w.report.submitWsxf(WSXF),
  "report.get": (w, s) =>
    w.report.get(s.reportId, { detailLevel: 7, includeChartdata: true, includeAttachments: true }),
  "report.getWsxf": (w, s) =>
    w.report.getWsxf(s.reportId, {
      includeAttachments: true,
      includeChartdata: true,
      includeIndexes: false,
    }),
  "report.queryHeaders": (w) =>
    w.report.headers({
      type: "uut",
      filter: "partNumber eq 'PCB-1'",
      orderBy: "start desc",
      top: 5,
      skip: 1,
      expand: ["subUnits", "miscInfo"],
    }),
  "report.headersByMiscInfo": (w) =>
    w.report.headersByMiscInfo({ description: "Fixture", stringValue: "F-1", top: 10 }),
  "report.attachment": (w) => w.report.attachment({ attachmentId: 1 }),
  "report.attachments": (w, s) => w.report.attachments(s.reportId),
  "report.certificate": (w, s) => w.report.certificate(s.reportId),
  "product.list": (w) => w.product.list(),
  "product.get": (w) => w.product.get("PCB-1"),
  "product.save": (w) => w.product.save({ partNumber: "PCB-2", name: "Board 2" }),
  "product.saveMany": (w) => w.product.saveMany([{ partNumber: "PCB-3", name: "Board 3" }]),
  "product.saveRevision": (w) => w.product.saveRevision({ partNumber: "PCB-1", revision: "C" }),
  "product.groups": (w) => w.product.groups(),
  "product.createGroup": (w) => w.product.createGroup("Boards"),
  "product.vendors": (w) => w.product.vendors(),
  "product.saveVendor": (w) => w.product.saveVendor({ name: "Acme" }),
  "product.deleteVendor": (w) => w.product.deleteVendor(1),
  "product.uploadBom": (w) =>
    w.product.uploadBom({ partNumber: "PCB-1", revision: "A", items: [] }, { format: "wsbf" }),
  "product.bom": (w) => w.product.bom({ partNumber: "PCB-1", revision: "A" }),
  "product.hierarchy": (w) => w.product.hierarchy({ partNumber: "PCB-1", revision: "A" }),
  "product.groupsFor": (w) => w.product.groupsFor("PCB-1"),
  "product.categories": (w) => w.product.categories(),
  "product.readTags": (w) => w.product.readTags({ partNumber: "PCB-1" }),
  "product.writeTags": (w) =>
    w.product.writeTags({ partNumber: "PCB-1", revision: "A" }, [
      { key: "Family", value: "Power", change: 1 },
    ]),
  "production.unit": (w) => w.production.unit(unit),
  "production.saveUnits": (w) => w.production.saveUnits([{ ...unit, revision: "A" }]),
  "production.verify": (w) => w.production.verify(unit, "A"),
  "production.unitChanges": async (w) => {
    for await (const _ of w.production.unitChanges({ ...unit, top: 10, skip: 1 })) break;
  },
  "production.acknowledgeChange": (w) => w.production.acknowledgeChange(1),
  "production.setPhase": (w) => w.production.setPhase(unit, 16, "done"),
  "production.setProcess": (w) => w.production.setProcess(unit, 10, "moved"),
  "production.addChild": (w) => w.production.addChild(parent, unit),
  "production.removeChild": (w) => w.production.removeChild(parent, unit),
  "production.checkChildren": (w) => w.production.checkChildren(unit, "A"),
  "production.serialNumberTypes": (w) => w.production.serialNumberTypes(),
  "production.takeSerialNumbers": (w) =>
    w.production.takeSerialNumbers("SerialNumber", {
      quantity: 2,
      referenceSerialNumber: "BOX-1",
      referencePartNumber: "BOX",
      stationName: "st-1",
    }),
  "production.serialNumbersInRange": (w) =>
    w.production.serialNumbersInRange("SerialNumber", "SN000001", "SN000009"),
  "production.serialNumbersByReference": (w) =>
    w.production.serialNumbersByReference("SerialNumber", {
      serialNumber: "BOX-1",
      partNumber: "BOX",
    }),
  "production.serialNumbers.importNumbers": (w) =>
    w.production.serialNumbers.importNumbers("SerialNumber,Type\nSN700001,SerialNumber\n"),
  "production.serialNumbers.exportNumbers": (w) =>
    w.production.serialNumbers.exportNumbers("SerialNumber", { state: "Free", format: "csv" }),
  "production.batches": (w) => w.production.batches({ partNumber: "PCB-1", batchId: "B1" }),
  "production.saveBatch": (w) => w.production.saveBatch({ batchNumber: "B1", batchSize: 10 }),
  "production.saveBatches": (w) => w.production.saveBatches([{ batchNumber: "B2", batchSize: 5 }]),
  "production.phases": (w) => w.production.phases({ refresh: true }),
  "production.isConnected": (w) => w.production.isConnected(),
  "production.units.find": (w) => w.production.units.find("SN-1", "PCB-1"),
  "production.units.info": (w) => w.production.units.info(unit),
  "production.units.contents": (w) => w.production.units.contents(unit, "A"),
  "production.units.create": (w) =>
    w.production.units.create({
      serialNumber: "SN-9",
      partNumber: "PCB-1",
      revision: "A",
      batchNumber: "B1",
      unitPhase: 2,
    }),
  "production.units.fit": (w) =>
    w.production.units.fit(parent, unit, {
      checkPartNumber: true,
      checkRevision: true,
      checkPhase: true,
    }),
  "production.units.remove": (w) => w.production.units.remove(parent, unit),
  "production.units.removeAll": (w) => w.production.units.removeAll(parent),
  "production.units.check": (w) => w.production.units.check(parent),
  "production.serialNumbers.list": (w) =>
    w.production.serialNumbers.list({
      type: "SerialNumber",
      startAddress: "SN000001",
      endAddress: "SN000009",
      from,
      to,
    }),
  "production.serialNumbers.count": (w) =>
    w.production.serialNumbers.count({
      type: "SerialNumber",
      startAddress: "SN000001",
      endAddress: "SN000009",
      from,
      to,
    }),
  "asset.list": (w) =>
    w.asset.list({ filter: "state eq 1", orderBy: "serialNumber", top: 5, skip: 1 }),
  "asset.get": (w) => w.asset.get(asset),
  "asset.save": (w, s) =>
    w.asset.save({ serialNumber: "AS-2", typeId: s.typeId, assetName: "DMM 2" }),
  "asset.delete": (w) => w.asset.delete({ serialNumber: "AS-404" }),
  "asset.status": (w) => w.asset.status(asset, { translate: false, cultureCode: "en-US" }),
  "asset.setState": (w) => w.asset.setState(asset, 1),
  "asset.incrementCount": (w) =>
    w.asset.incrementCount(asset, { by: 1, totalCount: 5, incrementChildren: true }),
  "asset.resetRunningCount": (w) => w.asset.resetRunningCount(asset, "reset"),
  "asset.setRunningCount": (w) => w.asset.setRunningCount(asset, 3),
  "asset.setTotalCount": (w) => w.asset.setTotalCount(asset, 30),
  "asset.recordCalibration": (w) =>
    w.asset.recordCalibration(asset, { date: from, comment: "cal" }),
  "asset.recordMaintenance": (w) =>
    w.asset.recordMaintenance(asset, { date: from, comment: "mnt" }),
  "asset.recordExternalCalibration": (w) =>
    w.asset.recordExternalCalibration(asset, { from, to, comment: "ext" }),
  "asset.recordExternalMaintenance": (w) =>
    w.asset.recordExternalMaintenance(asset, { from, to, comment: "ext" }),
  "asset.log": (w) =>
    w.asset.log({ filter: "assetId ne null", orderBy: "date desc", top: 5, skip: 1 }),
  "asset.addMessage": (w) => w.asset.addMessage({ serialNumber: "AS-1" }, "hello", "op"),
  "asset.types": (w) => w.asset.types({ filter: "typeName eq 'DMM'", top: 5 }),
  "asset.saveType": (w) => w.asset.saveType({ typeName: "Scope", runningCountLimit: 100 }),
  "asset.subAssets": (w) => w.asset.subAssets(asset, 1),
  "asset.files.upload": (w, s) => w.asset.files.upload(s.assetId, "cal.pdf", new Uint8Array([1])),
  "asset.files.download": (w, s) => w.asset.files.download(s.assetId, "cal.pdf"),
  "asset.files.list": (w, s) => w.asset.files.list(s.assetId),
  "asset.files.delete": (w, s) => w.asset.files.delete(s.assetId, ["cal.pdf"]),
  "software.packages": (w) => w.software.packages(),
  "software.get": (w, s) => w.software.get(s.packageId),
  "software.byName": (w) => w.software.byName("Seq", { status: "Released", version: 1 }),
  "software.byTag": (w) => w.software.byTag("Line", "1", "Released"),
  "software.create": (w) => w.software.create({ name: "Seq 2", description: "second" }),
  "software.update": (w, s) => w.software.update({ packageId: s.packageId, name: "Seq" }),
  "software.delete": (w) => w.software.delete(crypto.randomUUID()),
  "software.deleteByName": (w) => w.software.deleteByName("Nope", 1),
  "software.setStatus": (w, s) => w.software.submitForReview(s.packageId),
  "software.files": (w, s) => w.software.files(s.packageId),
  "software.uploadZip": (w, s) =>
    w.software.uploadZip(s.packageId, new Uint8Array([80, 75, 5, 6, ...new Array(18).fill(0)]), {
      cleanInstall: true,
    }),
  "software.setFileAttributes": (w) =>
    w.software.setFileAttributes(crypto.randomUUID(), "ReadOnly"),
  "software.virtualFolders": (w) => w.software.virtualFolders(),
  "software.isConnected": (w) => w.software.isConnected(),
  "software.internal.checkFile": (w, s) =>
    w.software.internal.checkFile(s.packageId, "main.seq", {
      parentFolderId: crypto.randomUUID(),
      checksum: "00",
      fileDate: from,
    }),
  "software.internal.createFolder": (w, s) =>
    w.software.internal.createFolder(s.packageId, { name: "seq" }),
  "software.internal.updateFolder": (w) =>
    w.software.internal.updateFolder({ packageFolderId: crypto.randomUUID(), name: "x" }),
  "software.internal.deleteFolder": (w) => w.software.internal.deleteFolder(crypto.randomUUID()),
  "software.internal.deleteFiles": (w) => w.software.internal.deleteFiles([crypto.randomUUID()]),
  "software.internal.history": (w) =>
    w.software.internal.history({ tags: ["line=1"], status: "Released", allVersions: true }),
  "software.internal.downloadHistory": (w) => w.software.internal.downloadHistory("station-7"),
  "software.internal.revoked": (w, s) => w.software.internal.revoked([s.packageId], true),
  "software.internal.available": (w, s) => w.software.internal.available([s.packageId]),
  "software.internal.details": (w, s) => w.software.internal.details(s.packageId),
  "software.internal.logDownload": (w, s) => w.software.internal.logDownload(s.packageId, 10),
  "analytics.dynamicYield": (w) =>
    w.analytics.dynamicYield({
      partNumber: "PCB-1",
      periodCount: 30,
      dateGrouping: 4,
      dimensions: "partNumber;period",
    }),
  "analytics.volumeYield": (w) => w.analytics.volumeYield({ partNumber: "PCB-1" }),
  "analytics.highVolume": (w) => w.analytics.highVolume({ partNumber: "PCB-1" }),
  "analytics.highVolumeByProductGroup": (w) =>
    w.analytics.highVolumeByProductGroup({ productGroup: "Boards" }),
  "analytics.worstYield": (w) => w.analytics.worstYield({ partNumber: "PCB-1" }),
  "analytics.worstYieldByProductGroup": (w) =>
    w.analytics.worstYieldByProductGroup({ productGroup: "Boards" }),
  "analytics.dynamicRepair": (w) =>
    w.analytics.dynamicRepair({ partNumber: "PCB-1", dimensions: "repairCode" }),
  "analytics.relatedRepairHistory": (w) => w.analytics.relatedRepairHistory("PCB-1", "A"),
  "analytics.topFailed": (w) => w.analytics.topFailed({ partNumber: "PCB-1", topCount: 5 }),
  "analytics.testStepAnalysis": (w) =>
    w.analytics.testStepAnalysis({
      partNumber: "PCB-1",
      testOperation: "10",
      run: 1,
      maxCount: 100,
    }),
  "analytics.measurements": (w) =>
    w.analytics.measurements({ partNumber: "PCB-1" }, "MainSequence Callback¶Voltage"),
  "analytics.oee": (w) => w.analytics.oee({ stationName: "station-7" }),
  "analytics.serialNumberHistory": (w) => w.analytics.serialNumberHistory({ serialNumber: "SN-1" }),
  "analytics.uutReports": (w) => w.analytics.uutReports({ partNumber: "PCB-1" }),
  "analytics.uurReports": (w) => w.analytics.uurReports({ partNumber: "PCB-1" }),
  "analytics.unitFlow": (w) =>
    w.analytics.unitFlow({ partNumber: "PCB-1", includePassed: true, includeFailed: true }),
  "analytics.internal.unitFlowOf": (w) =>
    w.analytics.internal.unitFlowOf(["SN-1"], { partNumber: "PCB-1" }),
  "analytics.internal.unitFlowSplitBy": (w) =>
    w.analytics.internal.unitFlowSplitBy("stationName", { partNumber: "PCB-1" }),
  "analytics.internal.unitFlowOrdered": (w) =>
    w.analytics.internal.unitFlowOrdered("startTime", { partNumber: "PCB-1" }),
  "analytics.internal.measurementList": (w) =>
    w.analytics.internal.measurementList({ ...stepLists, productGroupId: 1, levelId: 1, days: 7 }),
  "analytics.internal.measurementListFiltered": (w) =>
    w.analytics.internal.measurementList({ ...stepLists, filter: { partNumber: "PCB-1" } }),
  "analytics.internal.stepStatusList": (w) =>
    w.analytics.internal.stepStatusList({ ...stepLists, productGroupId: 1, levelId: 1, days: 7 }),
  "analytics.internal.stepStatusListFiltered": (w) =>
    w.analytics.internal.stepStatusList({ ...stepLists, filter: { partNumber: "PCB-1" } }),
  "analytics.internal.topFailed": (w) =>
    w.analytics.internal.topFailed({
      partNumber: "PCB-1",
      processCode: 10,
      productGroupId: 1,
      levelId: 1,
      days: 7,
    }),
  "analytics.internal.topFailedFiltered": (w) =>
    w.analytics.internal.topFailed({ filter: { partNumber: "PCB-1" }, count: 5 }),
  "analytics.internal.alarmLogs": (w) =>
    w.analytics.internal.alarmLogs({
      topCount: 10,
      dateFrom: from,
      dateTo: to,
      productGroup: "Boards",
      level: "PCBA",
    }),
  "rootCause.get": (w, s) => w.rootCause.get(s.ticketId),
  "rootCause.list": (w) => w.rootCause.list({ status: 1, view: 2, search: "volt" }),
  "rootCause.create": (w) => w.rootCause.create({ subject: "Drift", priority: 2, comment: "seen" }),
  "rootCause.archive": (w, s) => w.rootCause.archive([s.ticketId]),
  "rootCause.attachment": (w) => w.rootCause.attachment(crypto.randomUUID(), "a.txt"),
  "scim.token": (w) => w.scim.token(30),
  "scim.userPage": (w) => w.scim.userPage({ startIndex: 1, count: 10 }),
  "scim.createUser": (w) =>
    w.scim.createUser({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "bob",
      displayName: "Bob",
      active: true,
    }),
  "scim.user": (w, s) => w.scim.user(s.userId),
  "scim.setActive": (w, s) => w.scim.setActive(s.userId, false),
  "scim.userByName": (w) => w.scim.userByName("alice"),
  "scim.deleteUser": (w) => w.scim.deleteUser(crypto.randomUUID()),
  "process.list": (w) => w.process.list({ includeInactive: true, refresh: true }),
  "process.detailed": (w) => w.process.detailed({ refresh: true }),
  "process.detail": (w, s) => w.process.detail(s.processId),
  "process.failCodes": (w) => w.process.failCodes(500),
  "process.repairOperation": (w, s) => w.process.repairOperation(s.processId, 500),
  "manualInspection.definitions": (w) => w.manualInspection.definitions(true),
  "manualInspection.definition": (w, s) => w.manualInspection.definition(s.definitionId),
  "manualInspection.copyDefinition": (w, s) => w.manualInspection.copyDefinition(s.definitionId),
  "manualInspection.instancesCount": (w, s) => w.manualInspection.instancesCount(s.definitionId),
  "manualInspection.createDefinition": (w) =>
    w.manualInspection.createDefinition({ Name: "Visual 2", Description: "second" }),
  "manualInspection.updateDefinition": (w, s) =>
    w.manualInspection.updateDefinition({
      TestSequenceDefinitionId: s.definitionId,
      Description: "changed",
    }),
  "manualInspection.relations": (w, s) => w.manualInspection.relations(s.definitionId),
  "manualInspection.relationConflicts": (w, s) =>
    w.manualInspection.relationConflicts(s.definitionId),
  "manualInspection.createRelation": (w, s) =>
    w.manualInspection.createRelation({
      TestSequenceDefinitionId: s.definitionId,
      EntitySchema: "Product",
      EntityName: "PartNumber",
      EntityValue: "PCB-1",
    }),
  "manualInspection.deleteRelation": (w, s) =>
    w.manualInspection.deleteRelation({
      TestSequenceDefinitionId: s.definitionId,
      EntitySchema: "Product",
      EntityName: "PartNumber",
      EntityValue: "PCB-1",
    }),
  "manualInspection.sequences": (w) => w.manualInspection.sequences(),
  "manualInspection.xaml": (w, s) => w.manualInspection.xaml(s.definitionId),
  "manualInspection.runtime.details": (w, s) => w.manualInspection.runtime.details(s.definitionId),
  "manualInspection.runtime.legacyDetails": (w, s) =>
    w.manualInspection.runtime.legacyDetails(s.definitionId),
  "manualInspection.runtime.workflow": (w, s) =>
    w.manualInspection.runtime.workflow(s.definitionId),
  "manualInspection.runtime.validateMiscInfo": (w) =>
    w.manualInspection.runtime.validateMiscInfo([{ Description: "Fixture", Text: "F-1" }]),
  "manualInspection.runtime.stringTest": (w) =>
    w.manualInspection.runtime.stringTest({ value: "1.4", limit: "1.4", compOp: "EQ" }),
};

async function seed(h: Harness): Promise<State> {
  const w = h.wats;
  const reportId = await w.report.submit(report());
  const product = await w.product.save({ partNumber: "PCB-1", name: "Board" });
  await w.product.saveRevision({ partNumber: "PCB-1", revision: "A" });
  await w.product.save({ partNumber: "BOX", name: "Box" });
  await w.production.saveUnits([{ ...unit, revision: "A" }, { ...parent, revision: "A" }]);
  const type = await w.asset.saveType({ typeName: "DMM" });
  const saved = await w.asset.save({
    serialNumber: "AS-1",
    typeId: type.typeId!,
    assetName: "DMM",
  });
  const pkg = await w.software.create({ name: "Seq" });
  const ticket = await w.rootCause.create({ subject: "First" });
  const user = await w.scim.createUser({ userName: "alice", displayName: "Alice", active: true });
  const definition = await w.manualInspection.createDefinition({ Name: "Visual" });
  const [process] = await w.process.detailed();
  return {
    reportId: String(reportId),
    productId: String(product.productId),
    packageId: String(pkg.packageId),
    ticketId: String(ticket.ticketId),
    userId: String(user.id),
    definitionId: String(definition.TestSequenceDefinitionId),
    processId: String(process.ProcessID),
    assetId: String(saved.assetId),
    typeId: String(type.typeId),
  };
}

function pathMatches(template: string, path: string): boolean {
  const want = template.split("/");
  const got = path.split("/");
  return want.length === got.length &&
    want.every((segment, i) => {
      // `{x}` stands for any text within the segment; the rest must match, casing included.
      const literal = segment.split(/\{[^}]+\}/).map((part) =>
        part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")
      );
      return new RegExp(`^${literal.join("[^/]+")}$`).test(decodeURIComponent(got[i]));
    });
}

/** The differences between a sent request and the recorded exchange, in words. */
function differences(exchange: Exchange, sent: SentRequest): string[] {
  const out: string[] = [];
  const names = Object.keys(sent.query).sort();
  const wanted = [...exchange.query].sort();
  const extra = names.filter((n) => !wanted.includes(n));
  const missing = wanted.filter((n) => !names.includes(n));
  if (extra.length) out.push(`query names not sent by the reference client: ${extra.join(", ")}`);
  if (missing.length) out.push(`query names missing: ${missing.join(", ")}`);
  const body = exchange.body;
  if (!body) {
    if (sent.body !== null && sent.body !== undefined) out.push("a body the reference sends none");
    return out;
  }
  const fieldsOf = (value: unknown) =>
    Object.keys(value && typeof value === "object" ? value : {}).sort().join(", ");
  if (body.raw) {
    const type = sent.headers.get("content-type") ?? "";
    if (!type.startsWith(body.raw)) out.push(`content type ${type}, reference ${body.raw}`);
  } else if (body.fields) {
    if (typeof sent.body !== "object" || sent.body === null || Array.isArray(sent.body)) {
      out.push("the body is not a JSON object");
    } else if (fieldsOf(sent.body) !== [...body.fields].sort().join(", ")) {
      out.push(
        `body fields [${fieldsOf(sent.body)}], reference [${[...body.fields].sort().join(", ")}]`,
      );
    }
  } else if (body.items) {
    const items = Array.isArray(sent.body) ? sent.body : null;
    if (!items || items.length === 0) out.push("the body is not a non-empty JSON list");
    else {
      for (const item of items) {
        if (fieldsOf(item) !== [...body.items].sort().join(", ")) {
          out.push(
            `item fields [${fieldsOf(item)}], reference [${[...body.items].sort().join(", ")}]`,
          );
        }
      }
    }
  } else if (body.scalars) {
    if (!Array.isArray(sent.body) || sent.body.some((v) => typeof v === "object")) {
      out.push("the body is not a JSON list of values");
    }
  }
  return out;
}

const DOMAINS = [
  "app",
  "report",
  "product",
  "production",
  "asset",
  "software",
  "analytics",
  "rootcause",
  "scim",
  "process",
  "manual_inspection",
];

for (const domain of DOMAINS) {
  Deno.test(`compatibility: the ${domain} requests match the reference client's`, async () => {
    const url = new URL(`../../fixtures/exchanges/${domain}.json`, import.meta.url);
    const { exchanges } = JSON.parse(await Deno.readTextFile(url)) as { exchanges: Exchange[] };
    assert.ok(exchanges.length > 0);
    await using h = await startEmulator();
    const state = await seed(h);
    const problems: string[] = [];
    for (const exchange of exchanges) {
      const run = RUNNERS[exchange.operation];
      if (!run) {
        problems.push(`${exchange.operation}: no runner`);
        continue;
      }
      const { wats, sent } = recordingClient(h);
      try {
        await run(wats, state);
      } catch (error) {
        if (!(error instanceof WatsError)) throw error;
        if (/No HTTP resource|does not support http method/.test(error.message)) {
          problems.push(`${exchange.operation}: the emulator does not answer it: ${error.message}`);
        }
      }
      const matching = sent.filter((r) =>
        r.method === exchange.method && pathMatches(exchange.path, r.path)
      );
      if (matching.length === 0) {
        problems.push(
          `${exchange.operation}: sent ${
            sent.map((r) => `${r.method} ${r.path}`).join(", ") || "nothing"
          }, reference ${exchange.method} ${exchange.path}`,
        );
        continue;
      }
      for (const d of differences(exchange, matching.at(-1)!)) {
        problems.push(`${exchange.operation}: ${d}`);
      }
    }
    assert.deepEqual(problems, []);
  });
}

Deno.test("compatibility: a changed path, parameter name, casing or body field is caught", () => {
  const exchange: Exchange = {
    operation: "x",
    method: "GET",
    path: "/api/Production/Unit/{sn}/{pn}",
    query: ["serialNumber"],
    body: { fields: ["partNumber"] },
  };
  const sent = (path: string, query: Record<string, string>, body: unknown): SentRequest => ({
    method: "GET",
    path,
    query,
    headers: new Headers(),
    body,
  });
  assert.ok(pathMatches(exchange.path, "/api/Production/Unit/A/B"));
  assert.ok(!pathMatches(exchange.path, "/api/production/Unit/A/B"), "casing of a path segment");
  assert.deepEqual(differences(exchange, sent("", { serialNumber: "1" }, { partNumber: "P" })), []);
  assert.deepEqual(
    differences(exchange, sent("", { SerialNumber: "1" }, { partNumber: "P" })).length,
    2,
  );
  assert.deepEqual(
    differences(exchange, sent("", { serialNumber: "1" }, { PartNumber: "P" })).length,
    1,
  );
});
