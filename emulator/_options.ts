/**
 * Public option and result types of the emulator.
 *
 * @module
 */
import type { Clock } from "../util/clock.ts";
import type { ProcessInfo } from "./_context.ts";
import type { FaultRule } from "./_faults.ts";

/** The token `createEmulator` accepts when none is given: base64 of `emulator:emulator`. */
export const DEFAULT_EMULATOR_TOKEN = "ZW11bGF0b3I6ZW11bGF0b3I=";

/** Default request-body limit: 20 MB. */
export const DEFAULT_BODY_LIMIT: number = 20 * 1024 * 1024;

/** Options of {@linkcode createEmulator}. */
export interface EmulatorOptions {
  /** Where state lives; `await Deno.openKv(":memory:")` for a throw-away emulator. */
  kv: Deno.Kv;
  /** Tokens accepted in `Authorization: Basic <token>`. Default `[DEFAULT_EMULATOR_TOKEN]`. */
  tokens?: readonly string[];
  /**
   * `true` turns on `/_emulator/faults`; an array also installs these rules at start.
   * Default `true` (an in-process app is a test fixture).
   */
  faults?: boolean | readonly FaultRule[];
  /** Turns on `GET /_emulator/stats` and `POST /_emulator/reset`. Default `true`. */
  inspect?: boolean;
  /** Time source (idempotency TTL, timestamps) and sleeps (fault latency). Default: system. */
  clock?: Clock;
  /** Largest request body in bytes; larger ones get 413. Default 20 MB. */
  bodyLimit?: number;
  /** What `GET /api/App/Version` answers. Default `"24.1.0"`. */
  version?: string;
  /** The process list of `GET /api/App/Processes`; a typical WATS list by default. */
  processes?: readonly ProcessInfo[];
}

/** Options of {@linkcode serveEmulator}. */
export interface ServeEmulatorOptions extends Omit<EmulatorOptions, "kv" | "tokens"> {
  /** Interface to bind. Default `127.0.0.1`. */
  hostname?: string;
  /** Port; `0` (default) picks a free one. */
  port?: number;
  /** A KV file to keep state across restarts; in memory when absent. */
  kvPath?: string;
  /** An already open KV (not closed by `close()`); wins over `kvPath`. */
  kv?: Deno.Kv;
  /** The token to accept; a random one is made when absent (see `EmulatorServer.token`). */
  token?: string;
  /** `/_emulator/faults` routes. Default `false` for a served emulator. */
  faults?: boolean | readonly FaultRule[];
  /** `/_emulator/stats` and `/_emulator/reset`. Default `false` for a served emulator. */
  inspect?: boolean;
  /** Aborting it closes the server. */
  signal?: AbortSignal;
}

/** A running emulator. */
export interface EmulatorServer {
  /** Base URL, e.g. `http://127.0.0.1:53211`. */
  url: string;
  /** The token to send as `Authorization: Basic <token>`. */
  token: string;
  /** The bound port. */
  port: number;
  /** Stops accepting requests, waits for running ones, closes a KV it opened. */
  close(): Promise<void>;
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}
