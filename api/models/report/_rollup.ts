/**
 * Finishing a built step tree: statuses rolled up (ids and the failing step are the server's).
 *
 * @module
 */
import type { ReportResult, StepStatus } from "./status.ts";
import type { Step } from "./steps.ts";

/** A step while it is being built. */
export interface Draft {
  /** The step; `status` and `steps` are filled in when the tree is finished. */
  step: Step;
  /** Whether the caller set the status (a computed one may still turn to `F`). */
  explicit: boolean;
  /** Child drafts of a sequence. */
  children?: Draft[];
}

/** The drafts of each builder, kept outside the builder so that subclasses and helpers reach them. */
export const DRAFTS: WeakMap<object, Draft[]> = new WeakMap();

function worst(statuses: StepStatus[]): StepStatus {
  if (statuses.includes("F")) return "F";
  if (statuses.includes("E")) return "E";
  if (statuses.includes("T")) return "T";
  return "P";
}

/** Computes the status of a draft's subtree, bottom-up: any failed child fails its parent. */
function rollUp(draft: Draft): StepStatus {
  if (draft.children === undefined) return draft.step.status;
  const statuses = draft.children.map(rollUp);
  let status = draft.explicit ? draft.step.status : worst(statuses);
  if (statuses.includes("F") && (status === "P" || status === "D" || status === "S")) status = "F";
  draft.step.status = status;
  draft.step.steps = draft.children.map((child) => child.step);
  return status;
}

/**
 * Finishes a root draft: rolls statuses up. Step ids and `causedUUTFailure` are left to the
 * server, which numbers steps depth-first from 1 and marks the step that failed the unit (the
 * WATS API spec §4.3 marks both server-set); the client sends only what the caller set.
 *
 * @param root The root sequence draft.
 * @returns The root step and the report result it implies.
 */
export function finishTree(root: Draft): { root: Step; result: ReportResult } {
  rollUp(root);
  const status = root.step.status;
  const result: ReportResult = status === "F" || status === "E" || status === "T" ? status : "P";
  return { root: root.step, result };
}
