/**
 * The state every route of one emulator shares, and the hono environment type.
 *
 * @module
 */
import type { FaultInjector } from "./_faults.ts";
import type { IdempotencyStore } from "./_idempotency.ts";
import type { StatsRecorder } from "./_stats.ts";
import type { ReportStore } from "./_store.ts";
import type { EntityStore } from "./_entities.ts";

/** A process as `GET /api/App/Processes` answers it. */
export interface ProcessInfo {
  /** Process code, as reports carry it in `processCode`. */
  code: number;
  /** Process name. */
  name: string;
  /** Description. */
  description: string;
  /** A test operation (UUT reports). */
  isTestOperation: boolean;
  /** A repair operation (UUR reports). */
  isRepairOperation: boolean;
  /** A work-in-progress operation. */
  isWipOperation: boolean;
  /** Position in the production flow. */
  processIndex: number;
  /** 1 active, 0 inactive. */
  state: number;
}

/** Shared state of one emulator instance. */
export interface EmulatorContext {
  kv: Deno.Kv;
  reports: ReportStore;
  entities: EntityStore;
  idempotency: IdempotencyStore;
  stats: StatsRecorder;
  faults: FaultInjector;
  now(): number;
  sleep(ms: number): Promise<void>;
  bodyLimit: number;
  version: string;
  processes: ProcessInfo[];
}

/** Hono environment of the emulator app. */
export interface EmulatorEnv {
  /** Values middleware hands to handlers. */
  Variables: {
    /** A per-request id, sent back as `X-Request-Id`. */
    requestId: string;
    /** Hash of the caller's token (scopes idempotency keys). */
    tokenScope: string;
  };
}
