/**
 * The WATS station service (`@wats/toolkit/client`): watch drop folders, convert test results
 * into WSJF reports, keep them in a crash-safe file queue, upload each exactly once, and report
 * health and status on loopback.
 *
 * The way of a report: a ready file (stable size and mtime) in a drop folder is hashed, checked
 * against the ledger (the same content twice is a duplicate), converted, and each report is
 * written durably into `queue/pending/` before the source file is moved, archived or deleted. The
 * submitter claims envelopes by rename, asks the ledger whether the report was accepted already
 * (the crash between the server's answer and the settle), posts it with its id as
 * `Idempotency-Key` through the API client's limiter, retries and breaker, records the
 * acceptance and moves the envelope to `done/`. Retryable failures go back to `pending/` with
 * capped full-jitter backoff or the server's `Retry-After`; permanent ones to `failed/` with the
 * reason; unreadable envelopes to `quarantine/`.
 *
 * {@linkcode StationService} is the whole service; its parts ({@linkcode ReportQueue},
 * {@linkcode Ledger}, {@linkcode FileWatcher}, {@linkcode Submitter}, the status app) are
 * exported for tools and tests. The `wats` command (`cli.ts`) runs it: {@linkcode runCli}.
 *
 * @example Run the service until SIGTERM
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { loadConfig, StationService } from "@wats/toolkit/client";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const folder = await Deno.makeTempDir();
 * await Deno.mkdir(join(folder, "drop"));
 * const config = await loadConfig({
 *   env: { WATS_TOKEN: emulator.token }, // on a station: WATS_TOKEN and a config file
 *   flags: {
 *     server: { url: emulator.url },
 *     dataDir: join(folder, "data"),
 *     watch: [{ path: join(folder, "drop"), pattern: "*.json" }],
 *     status: { port: 0 },
 *   },
 * });
 * const service = await StationService.start({ config });
 * const stop = () => void service.stop();
 * Deno.addSignalListener("SIGTERM", stop);
 * assert.match(service.statusUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
 * await service.stop(); // here a SIGTERM would do it
 * await service.stopped;
 * Deno.removeSignalListener("SIGTERM", stop);
 * await Deno.remove(folder, { recursive: true });
 * ```
 *
 * @module
 */

import { ServiceConfigSchema as serviceConfigSchema } from "./config/schema.ts";
import type { ServiceConfigValues } from "./config/schema.ts";
import type { Schema } from "../api/models/report/schema.ts";

export {
  PermissionError,
  type ReloadResult,
  StationService,
  type StationServiceOptions,
} from "./service.ts";
export type { ControlTarget } from "./status/_control.ts";
export {
  ConfigSecrets,
  loadConfig,
  type LoadConfigOptions,
  type ServiceConfig,
} from "./config/config.ts";
export {
  type BrokerTlsConfig,
  type CfxEventsConfig,
  type EventsConfig,
  type MqttEventsConfig,
  POST_ACTIONS,
  type PostAction,
  type ProxyConfig,
  type ServiceConfigValues,
  type WatchConfig,
} from "./config/schema.ts";
export { ConfigError, QueueFullError } from "./errors.ts";
export { describeExitCode, EXIT_CODES } from "./exit_codes.ts";
export {
  type Claim,
  type ClaimError,
  type QueueItem,
  ReportQueue,
  type ReportQueueOptions,
} from "./queue/queue.ts";
export {
  isValidReportId,
  parseEnvelope,
  QUEUE_STATES,
  type QueueEnvelope,
  type QueueErrorRecord,
  type QueueReport,
  type QueueSource,
  type QueueState,
} from "./queue/envelope.ts";
export {
  type AcceptedRecord,
  Ledger,
  LEDGER_COUNTERS,
  type LinkedEntry,
  reportDigest,
  type SourceRecord,
} from "./ledger/ledger.ts";
export { FileWatcher, type FileWatcherOptions } from "./intake/watcher.ts";
export {
  type EventMeasurement,
  type EventStep,
  reportEvent,
  type ReportEventBody,
  type StationEvent,
  type StatusEventBody,
} from "./events/event.ts";
export { Outbox, outboxCounters, type OutboxCounts, type OutboxEntry } from "./events/outbox.ts";
export {
  type EventSink,
  Publisher,
  type PublisherOptions,
  type SinkStatus,
} from "./events/publisher.ts";
export { mqttTopics } from "./events/mqtt.ts";
export {
  CFX_VERSION,
  type CfxEnvelope,
  cfxResult,
  type CfxTestResult,
  ENDPOINT_CONNECTED,
  endpointConnectedMessage,
  HEARTBEAT,
  heartbeatMessage,
  UNITS_TESTED,
  unitsTestedMessage,
} from "./events/cfx_message.ts";
export { StationEvents, type StationEventsOptions } from "./events/events.ts";
export {
  type BreakerView,
  retryDelayMs,
  type SettledEvent,
  Submitter,
  type SubmitterOptions,
} from "./submitter.ts";
export type {
  Conversion,
  ConverterInfo,
  ConvertRequest,
  ConvertResult,
} from "./intake/_convert.ts";
export {
  type ConverterStats,
  type RecentError,
  ServiceStats,
  type WatchStats,
} from "./status/_stats.ts";
export {
  createStatusApp,
  type StatusApp,
  type StatusAppOptions,
  type StatusSource,
} from "./status/status.ts";
export type { ConverterStatus, HealthReport, ServiceStatus } from "./status/model.ts";
export {
  InstanceLock,
  isLocked,
  LOCK_FILE,
  LockHeldError,
  type LockInfo,
  readLockInfo,
} from "./lock.ts";
export {
  checkPermissions,
  describeMissing,
  flagFor,
  type MissingPermission,
  type PermissionNeed,
  servicePermissions,
} from "./permissions.ts";
export { type CliIo, runCli } from "./commands/mod.ts";
// Types of the toolkit that the service's API refers to (their own entries export them too).
export type { Clock } from "../util/clock.ts";
export type { Platform, RenameDurability } from "../util/platform.ts";
export type {
  Schema,
  SchemaError,
  SchemaIssue,
  SchemaResult,
  StandardProps,
  StandardResult,
} from "../api/models/report/schema.ts";
export type { StationDefaults } from "../converters/contract.ts";

/**
 * The schema of the service configuration (without secrets), every default included. A zod
 * schema underneath, typed as the toolkit's {@linkcode Schema} so the public API does not depend
 * on zod's types. {@linkcode loadConfig} is the usual way in: it adds the layers (file,
 * environment, flags) and the secrets.
 *
 * @example Check a configuration object
 * ```ts
 * import assert from "node:assert/strict";
 * import { ServiceConfigSchema } from "@wats/toolkit/client";
 *
 * const result = ServiceConfigSchema.safeParse({ server: { url: "https://acme.wats.com" } });
 * assert.equal(result.success, false);
 * if (!result.success) {
 *   const paths = result.error.issues.map((issue) => issue.path.join("."));
 *   assert.deepEqual(paths, ["station", "dataDir"]);
 * }
 * ```
 */
export const ServiceConfigSchema: Schema<ServiceConfigValues> =
  serviceConfigSchema as unknown as Schema<ServiceConfigValues>;
// The types the service, its status, stats and archive index name, for tools that read them.
export type {
  ArchivedReport,
  ArchiveEntry,
  ArchiveIndex,
  ArchiveOutcome,
} from "./archive/_index.ts";
export { ARCHIVE_COUNTERS } from "./archive/_index.ts";
export type { Fingerprint } from "./intake/_watch_paths.ts";
export type {
  Activity,
  ActivityEvent,
  ErrorFile,
  PartYield,
  ReportFacts,
  SettledReport,
  UploadProblem,
} from "./status/_activity.ts";
export type { Histogram } from "./status/_histogram.ts";
export type { ResponseLog, ServerFailure } from "./status/_responses.ts";
export type { HistoryPoint, SampleRing } from "./status/_ring.ts";
export type { ErrorRate } from "./status/_stats.ts";
export type { ActivityStatus, WaitingReport } from "./status/model.ts";
