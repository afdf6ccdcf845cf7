/**
 * What a WATS server does to a report between accepting it and handing it back, and the header
 * row it derives from it.
 *
 * Reproduced (the server-roundtrip pairs of real WATS exports in the tests' fixtures): trailing
 * blanks trimmed on `rev` and on sub-unit `rev`/`partType`, `miscInfos[].numeric` dropped, the
 * measurement name of single pass/fail steps dropped, `assetStats: []` added, steps without an id
 * numbered depth-first from 1 with `causedUUTFailure` false except on the first failing leaf
 * (the server sets both), and a UUT's
 * `binaryData` and step attachments left out of a read-back unless `includeAttachments=true`. For UUR
 * reports the server's null-valued output fields are added (`uur.parent`, `uur.processCodeFormat`,
 * sub-unit `parentIdx`/`position`/`replacedIdx`, failure `funcBlock`/`art*`) and the legacy
 * `uur.testOperation*`/`repairProcess*` fields come back null.
 *
 * @module
 */
import { isRecord } from "./_http.ts";
import type { Rec } from "./_records.ts";

/** Where an attachment sits in a stored report. */
export interface AttachmentSource {
  /** Index in `binaryData`, or `null` for a step attachment. */
  index: number | null;
  /** Step id for a step attachment. */
  stepId: number | string | null;
  fileName: string;
  mimeType: string;
  size: number;
  description: string | null;
}

/** Attachment metadata as the header `attachments` expansion shows it. */
export interface AttachmentMeta extends AttachmentSource {
  attachmentId: number;
  reportId: string;
}

const RESULT_WORDS: Record<string, string> = {
  P: "Passed",
  F: "Failed",
  E: "Error",
  T: "Terminated",
  D: "Done",
  S: "Skipped",
};

/** The result letter as the word headers use (`P` → `Passed`). */
export function resultWord(letter: unknown): string | null {
  if (typeof letter !== "string") return null;
  return RESULT_WORDS[letter.toUpperCase()] ?? letter;
}

/** Step types of a single pass/fail test, whose one measurement has no name on a server. */
const SINGLE_PASS_FAIL = new Set(["ET_PFT", "PassFailTest"]);

function trimEnd(record: Rec, key: string): void {
  if (typeof record[key] === "string") record[key] = (record[key] as string).trimEnd();
}

function records(value: unknown): Rec[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** Walk every step of a step tree, depth-first, with its path of names. */
export function* walkSteps(
  step: unknown,
  path: string[] = [],
): Generator<{ step: Rec; path: string[] }> {
  if (!isRecord(step)) return;
  const here = [...path, String(step.name ?? "")];
  yield { step, path: here };
  for (const child of records(step.steps)) yield* walkSteps(child, here);
}

/** Apply the server's changes to a serialised report (mutates and returns it). */
export function toStoredForm(report: Rec): Rec {
  trimEnd(report, "rev");
  for (const unit of records(report.subUnits)) {
    trimEnd(unit, "rev");
    trimEnd(unit, "partType");
  }
  for (const misc of records(report.miscInfos)) delete misc.numeric;
  if (!Array.isArray(report.assetStats)) report.assetStats = [];
  if (report.type === "R") addUurOutputFields(report);
  let next = 1;
  for (const { step } of walkSteps(report.root)) {
    const measurements = records(step.booleanMeas);
    if (SINGLE_PASS_FAIL.has(String(step.stepType)) && measurements.length === 1) {
      delete measurements[0].name;
    }
    step.id ??= next;
    next += 1;
    step.causedUUTFailure ??= false;
  }
  if (isRecord(report.root)) markFailingStep(report.root);
  return report;
}

/** The first failing leaf under a failed step (depth-first), or null. */
function firstFailingLeaf(step: Rec): Rec | null {
  if (step.status !== "F") return null;
  for (const child of records(step.steps)) {
    const found = firstFailingLeaf(child);
    if (found) return found;
  }
  return step;
}

/** As WATS does: when no step is marked, the first failing leaf is the one that failed the unit. */
function markFailingStep(root: Rec): void {
  for (const { step } of walkSteps(root)) if (step.causedUUTFailure === true) return;
  const failing = firstFailingLeaf(root);
  if (failing) failing.causedUUTFailure = true;
}

const UUR_LEGACY = [
  "repairProcessCode",
  "repairProcessName",
  "testOperationCode",
  "testOperationName",
  "testOperationGuid",
];

function nullWhenAbsent(record: Rec, keys: readonly string[]): void {
  for (const key of keys) if (!(key in record)) record[key] = null;
}

function addUurOutputFields(report: Rec): void {
  if (isRecord(report.uur)) {
    for (const key of UUR_LEGACY) report.uur[key] = null;
    nullWhenAbsent(report.uur, ["processCodeFormat", "parent"]);
  }
  for (const unit of records(report.subUnits)) {
    nullWhenAbsent(unit, ["parentIdx", "position", "replacedIdx"]);
    for (const failure of records(unit.failures)) {
      nullWhenAbsent(failure, ["funcBlock", "artNumber", "artRev", "artVendor", "artDescription"]);
    }
  }
}

/** The report as `GET /api/Report/Wsjf/{id}` answers it. */
export function forReadBack(stored: Rec, includeAttachments: boolean): Rec {
  if (includeAttachments) return stored;
  const copy: Rec = { ...stored };
  // a UUR's binaryData are its attachments, which the server returns either way
  if (copy.type !== "R") delete copy.binaryData;
  if (isRecord(copy.root)) copy.root = withoutStepAttachments(copy.root);
  return copy;
}

function withoutStepAttachments(step: Rec): Rec {
  const copy: Rec = { ...step };
  delete copy.attachment;
  if (Array.isArray(copy.steps)) {
    copy.steps = copy.steps.map((child) => isRecord(child) ? withoutStepAttachments(child) : child);
  }
  return copy;
}

function base64Size(data: unknown): number {
  if (typeof data !== "string") return 0;
  const clean = data.replace(/\s/g, "");
  const padding = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

/** Every attachment of a stored report: report-level `binaryData`, then step attachments. */
export function collectAttachments(stored: Rec): AttachmentSource[] {
  const found: AttachmentSource[] = records(stored.binaryData).map((item, index) => ({
    index,
    stepId: null,
    fileName: String(item.name ?? `attachment-${index + 1}`),
    mimeType: String(item.contentType ?? "application/octet-stream"),
    size: base64Size(item.data),
    description: null,
  }));
  let position = 0;
  for (const { step } of walkSteps(stored.root)) {
    position += 1;
    const attachment = step.attachment;
    if (!isRecord(attachment)) continue;
    const stepId = typeof step.id === "number" || typeof step.id === "string" ? step.id : position;
    found.push({
      index: null,
      stepId,
      fileName: String(attachment.name ?? `step-${stepId}`),
      mimeType: String(attachment.contentType ?? "application/octet-stream"),
      size: base64Size(attachment.data),
      description: typeof attachment.description === "string" ? attachment.description : null,
    });
  }
  return found;
}

/** The base64 data of one attachment in a stored report. */
export function attachmentData(stored: Rec, source: AttachmentSource): string | null {
  if (source.index !== null) {
    const item = records(stored.binaryData)[source.index];
    return typeof item?.data === "string" ? item.data : null;
  }
  let position = 0;
  for (const { step } of walkSteps(stored.root)) {
    position += 1;
    const id = typeof step.id === "number" || typeof step.id === "string" ? step.id : position;
    if (String(id) === String(source.stepId) && isRecord(step.attachment)) {
      return typeof step.attachment.data === "string" ? step.attachment.data : null;
    }
  }
  return null;
}

/** The report's start as an ISO UTC instant (naive times are read in the emulator's zone). */
export function startUtcOf(report: Rec): string | null {
  for (const key of ["startUTC", "startUtc", "start"]) {
    const value = report[key];
    if (typeof value !== "string") continue;
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return new Date(ms).toISOString();
  }
  return null;
}

function text(value: unknown): string | null {
  return typeof value === "string"
    ? value
    : value === null || value === undefined
    ? null
    : String(value);
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * The step that failed the unit: the one `uut.stepIdCausedUUTFailure` names, else the step flagged
 * `causedUUTFailure` (as the report builder marks it).
 */
function failureStep(report: Rec, stepId: unknown): { name: string; path: string } | null {
  const byId = stepId !== null && stepId !== undefined;
  for (const { step, path } of walkSteps(report.root)) {
    if (byId ? String(step.id) === String(stepId) : step.causedUUTFailure === true) {
      return { name: String(step.name ?? ""), path: path.join("¶") };
    }
  }
  return null;
}

/** Inputs of {@link buildHeader} that do not come from the report itself. */
export interface HeaderContext {
  receiveCount: number;
  reportSize: number;
  processName: string | null;
  attachments: readonly AttachmentMeta[];
}

/** The stored header row of a report: every `ReportHeader` field plus the expansions. */
export function buildHeader(report: Rec, context: HeaderContext): Rec {
  const isRepair = report.type === "R";
  const detail = (isRepair ? report.uur : report.uut) as Rec | undefined ?? {};
  const root = isRecord(report.root) ? report.root : {};
  const seqCall = isRecord(root.seqCall) ? root.seqCall : {};
  const failed = isRepair ? null : failureStep(report, detail.stepIdCausedUUTFailure);
  const processName = context.processName ?? text(report.processName);
  return {
    uuid: text(report.id),
    serialNumber: text(report.sn),
    partNumber: text(report.pn),
    revision: text(report.rev),
    batchNumber: text(detail.batchSN),
    reportType: isRepair ? "R" : "T",
    stationName: text(report.machineName),
    location: text(report.location),
    purpose: text(report.purpose),
    processCode: num(report.processCode),
    processName,
    result: resultWord(report.result ?? "P"),
    startUtc: startUtcOf(report),
    operator: text(detail.user),
    comment: text(detail.comment),
    executionTime: num(detail.execTime),
    swFilename: text(seqCall.name ?? seqCall.path),
    swVersion: text(seqCall.version),
    testSocketIndex: num(detail.testSocketIndex),
    fixtureId: text(detail.fixtureId),
    receiveCount: context.receiveCount,
    reportSize: context.reportSize,
    causedUutFailure: failed?.name ?? null,
    causedUutFailurePath: failed?.path ?? null,
    errorCode: num(detail.errorCode),
    errorMessage: text(detail.errorMessage),
    referencedUut: isRepair ? text(detail.refUUT) : null,
    testOperation: isRepair ? text(detail.processName) : processName,
    rootNodeType: isRepair ? null : text(root.stepType),
    subUnits: records(report.subUnits).map((unit) => ({
      serialNumber: text(unit.sn),
      partNumber: text(unit.pn),
      revision: text(unit.rev),
      partType: text(unit.partType),
    })),
    miscInfo: records(report.miscInfos).map((misc) => ({
      description: text(misc.description),
      value: text(misc.text ?? misc.numeric),
    })),
    assets: records(report.assets).map((asset) => ({
      serialNumber: text(asset.assetSN ?? asset.sn),
      runningCount: num(asset.usageCount),
      totalCount: num(asset.totalCount),
      daysSinceCalibration: null,
      calibrationDaysOverdue: null,
    })),
    attachments: context.attachments.map((meta) => ({
      attachmentId: meta.attachmentId,
      fileName: meta.fileName,
      mimeType: meta.mimeType,
      size: meta.size,
      description: meta.description,
    })),
  };
}
