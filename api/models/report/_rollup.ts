/**
 * Finishing a built step tree: statuses rolled up, ids numbered, the failing step marked.
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

function firstFailingLeaf(step: Step): Step | null {
  if (step.status !== "F") return null;
  for (const child of step.steps ?? []) {
    const found = firstFailingLeaf(child);
    if (found) return found;
  }
  return step;
}

function number(step: Step, next: { id: number }): void {
  step.id ??= next.id;
  next.id++;
  step.causedUUTFailure ??= false;
  for (const child of step.steps ?? []) number(child, next);
}

/**
 * Finishes a root draft: rolls statuses up, numbers steps depth-first from 1 where no id was
 * given, and marks the first failing leaf step as the one that failed the unit.
 *
 * @param root The root sequence draft.
 * @returns The root step and the report result it implies.
 */
export function finishTree(root: Draft): { root: Step; result: ReportResult } {
  rollUp(root);
  number(root.step, { id: 1 });
  const failing = firstFailingLeaf(root.step);
  if (failing) failing.causedUUTFailure = true;
  const status = root.step.status;
  const result: ReportResult = status === "F" || status === "E" || status === "T" ? status : "P";
  return { root: root.step, result };
}
