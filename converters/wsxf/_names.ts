/**
 * The words WSXF writes for statuses, results and groups, and its namespace.
 *
 * @module
 */
import type { ReportResult, StepGroup, StepStatus } from "../../api/models/report/mod.ts";

/** The WSXF namespace of current exports. */
export const WSXF_NAMESPACE = "http://wats.virinco.com/schemas/WATS/Report/wsxf";

/** Status letter → WSXF word. */
export const STATUS_WORDS: Readonly<Record<StepStatus, string>> = {
  P: "Passed",
  F: "Failed",
  S: "Skipped",
  D: "Done",
  E: "Error",
  T: "Terminated",
};

/** Group letter → WSXF word. */
export const GROUP_WORDS: Readonly<Record<StepGroup, string>> = {
  S: "Setup",
  M: "Main",
  C: "Cleanup",
};

const STATUS_LETTERS: ReadonlyMap<string, StepStatus> = new Map(
  Object.entries(STATUS_WORDS).flatMap(([letter, word]) => [
    [word.toLowerCase(), letter as StepStatus],
    [letter.toLowerCase(), letter as StepStatus],
  ]),
);

const GROUP_LETTERS: ReadonlyMap<string, StepGroup> = new Map(
  Object.entries(GROUP_WORDS).flatMap(([letter, word]) => [
    [word.toLowerCase(), letter as StepGroup],
    [letter.toLowerCase(), letter as StepGroup],
  ]),
);

/**
 * Reads a WSXF status word (`Passed`) or letter.
 *
 * @param word The word.
 * @returns The letter, or `undefined` when unknown.
 */
export function statusFromWord(word: string): StepStatus | undefined {
  return STATUS_LETTERS.get(word.trim().toLowerCase());
}

/**
 * Reads a WSXF result word; `Skipped` is not a report result.
 *
 * @param word The word.
 * @returns The result letter, or `undefined` when unknown.
 */
export function resultFromWord(word: string): ReportResult | undefined {
  const status = statusFromWord(word);
  return status === "S" ? undefined : status;
}

/**
 * Reads a WSXF group word (`Main`) or letter.
 *
 * @param word The word.
 * @returns The group letter, or `undefined` when unknown.
 */
export function groupFromWord(word: string): StepGroup | undefined {
  return GROUP_LETTERS.get(word.trim().toLowerCase());
}
