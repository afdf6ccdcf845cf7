/**
 * Output, logging and signals of the `wats` commands.
 *
 * @module
 */

import {
  configure,
  getTextFormatter,
  jsonLinesFormatter,
  type LogLevel,
  type LogRecord,
  reset,
} from "@logtape/logtape";
import { currentPlatform, type Platform } from "../../util/platform.ts";

/** Where a command writes, and whether a person is watching. */
export interface CliIo {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Whether standard output is a terminal (progress bars, colours). */
  isTty: boolean;
  /**
   * Asks a question and returns the answer (`null` at the end of input); absent when standard
   * input is not a terminal, so a command run by a script or a service never waits for a person.
   */
  ask?: (question: string) => string | null;
  /** Aborted on the platform's stop signals (see `stopSignal`) while a command listens for it. */
  signal?: AbortSignal;
}

const encoder = new TextEncoder();

/** Standard output and error of the process. */
export function processIo(): CliIo {
  return {
    out: (text) => void Deno.stdout.writeSync(encoder.encode(text)),
    err: (text) => void Deno.stderr.writeSync(encoder.encode(text)),
    isTty: Deno.stdout.isTerminal(),
    ask: Deno.stdin.isTerminal() ? (question) => prompt(question) : undefined,
  };
}

/** A value in a message as a person reads it: text as it is, anything else inspected. */
function bare(value: unknown): string {
  return typeof value === "string" ? value : Deno.inspect(value, { colors: false });
}

/** LogTape's JSON line, its message rendered with values as they are (no quotes around text). */
function jsonLine(record: LogRecord): string {
  const message = record.message.map((part, index) => index % 2 === 0 ? part : bare(part));
  return jsonLinesFormatter({ ...record, message: [message.join("")] });
}

/** How log lines are written: `text` for people, `json` (one JSON object a line) for collectors. */
export type LogFormat = "text" | "json";

/** The log formats `--log-format` takes. */
export const LOG_FORMATS: readonly LogFormat[] = ["text", "json"];

/** Options of {@linkcode setUpLogging}. */
export interface LoggingOptions {
  /** `text` (default) or `json` lines. */
  format?: LogFormat;
  /** The command prints the activity lines itself (`wats demo`): keep them off standard error. */
  isActivityPrinted?: boolean;
}

/**
 * Sends the toolkit's log lines (`wats` category) to standard error, one line each: text with
 * values as they are (`a.json → 2 report(s) queued`), or LogTape's JSON lines.
 *
 * @param level The lowest level written.
 * @param options The format, and whether the command prints the activity itself.
 */
export async function setUpLogging(level: LogLevel, options: LoggingOptions = {}): Promise<void> {
  const format = options.format === "json" ? jsonLine : getTextFormatter({ value: "bare" });
  const sink = (record: LogRecord) => {
    Deno.stderr.writeSync(encoder.encode(format(record)));
  };
  await configure({
    reset: true,
    sinks: { stderr: sink },
    loggers: [
      { category: ["wats"], lowestLevel: level, sinks: ["stderr"] },
      ...(options.isActivityPrinted
        ? [{
          category: ["wats", "activity"],
          lowestLevel: "error" as const,
          sinks: ["stderr"],
          parentSinks: "override" as const,
        }]
        : []),
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    ],
  });
}

/** Stops sending log lines (before the process exits). */
export async function tearDownLogging(): Promise<void> {
  await reset();
}

/** Options of {@linkcode stopSignal}. */
export interface StopSignalOptions {
  /** The OS whose stop signals are listened for; this process's by default. */
  platform?: Platform;
  /** Adds a signal listener; `Deno.addSignalListener` by default. */
  addListener?: (name: Deno.Signal, handler: () => void) => void;
  /** Removes a signal listener; `Deno.removeSignalListener` by default. */
  removeListener?: (name: Deno.Signal, handler: () => void) => void;
}

/**
 * An abort signal for the platform's stop signals: SIGINT and SIGTERM on POSIX; on Windows
 * SIGINT, SIGBREAK, SIGHUP (console closed) and SIGTERM (logoff, shutdown).
 *
 * @param options The platform and the listener functions (tests).
 * @returns The signal and a function that removes the listeners.
 */
export function stopSignal(options: StopSignalOptions = {}): {
  signal: AbortSignal;
  dispose(): void;
} {
  const platform = options.platform ?? currentPlatform;
  const addListener = options.addListener ?? Deno.addSignalListener;
  const removeListener = options.removeListener ?? Deno.removeSignalListener;
  const controller = new AbortController();
  const handler = () => controller.abort(new Error("Interrupted"));
  const installed: Deno.Signal[] = [];
  for (const name of platform.stopSignals) {
    try {
      addListener(name, handler);
      installed.push(name);
    } catch {
      // A signal the platform does not offer; the others still stop the command.
    }
  }
  return {
    signal: controller.signal,
    dispose() {
      for (const name of installed) removeListener(name, handler);
    },
  };
}

/** Resolves when `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true })
  );
}
