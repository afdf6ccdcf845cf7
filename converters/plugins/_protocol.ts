/**
 * Messages between the service and a plug-in's worker (`_worker.ts`).
 *
 * The worker answers one request at a time. A conversion streams: the worker posts a `report`,
 * then waits for `next` before it asks the converter for another, so a slow consumer holds the
 * plug-in back instead of queueing every report in memory.
 *
 * @module
 */
import type { StationDefaults } from "../contract.ts";
import type { ConverterDescriptor } from "../_shape.ts";

/** What the service asks. */
export type WorkerRequest =
  | { type: "load"; pluginUrl: string; pluginPath: string }
  | { type: "sniff"; head: Uint8Array; name: string }
  | {
    type: "convert";
    inputPath: string;
    maxWholeBytes: number;
    args: Record<string, unknown>;
    station: StationDefaults;
    now: number;
  }
  | { type: "next" };

/** What the worker answers. */
export type WorkerReply =
  | { type: "loaded"; descriptor: ConverterDescriptor }
  | { type: "sniffed"; confidence: number }
  | { type: "log"; level: "info" | "warn"; message: string; fields?: Record<string, unknown> }
  | { type: "report"; report: unknown }
  | { type: "done" }
  | { type: "error"; stage: string; message: string };
