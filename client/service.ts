/**
 * The station service's lifecycle: start order, the periodic housekeeping, and a bounded stop.
 *
 * Start: permissions (each missing one named with its flag) → the converters (every plug-in of
 * `converters.plugins` loaded and checked in its worker, every watch entry's converter a known
 * id) → the data folder's lock (a second service on the same folder refuses) → the queue
 * (`processing/` back to `pending/`) → the ledger → the API client → the status server → the
 * submitter → the intake. A server that cannot be reached at start is not an error: the service
 * starts degraded and the queue waits.
 *
 * Stop (SIGINT/SIGTERM in `wats run`): stop taking files and let conversions under way reach the
 * queue, stop claiming, give uploads in flight `graceMs` (20 s by default, within systemd's
 * `TimeoutStopSec=30`) and abort the rest (they stay in `processing/` and go out after the next
 * start), then close the status server and the ledger and release the lock. Plug-ins hold no
 * worker between files (each load, sniff and conversion has its own, ended when it is done), so
 * once the conversions under way are over no plug-in code runs.
 *
 * @module
 */

import { join } from "node:path";
import { getLogger } from "@logtape/logtape";
import { configuredConversion, type Conversion, unknownConverters } from "./intake/_convert.ts";
import { pruneConversionLogs } from "../converters/log.ts";
import { StatusBuilder } from "./status/_service_status.ts";
import { ServiceStats } from "./status/_stats.ts";
import type { ServiceConfig } from "./config/config.ts";
import { ConfigError } from "./errors.ts";
import { folderOverlapProblems } from "./config/_overlap.ts";
import { Intake } from "./intake/intake.ts";
import { Ledger } from "./ledger/ledger.ts";
import { InstanceLock } from "./lock.ts";
import { checkPermissions, describeMissing, servicePermissions } from "./permissions.ts";
import { ReportQueue } from "./queue/queue.ts";
import { createStatusApp } from "./status/status.ts";
import type { HealthReport, ServiceStatus } from "./status/model.ts";
import { type SettledEvent, Submitter } from "./submitter.ts";
import { Wats } from "../api/wats.ts";
import { type Clock, systemClock } from "../util/clock.ts";
import { VERSION } from "../api/version.ts";

const log = getLogger(["wats", "service"]);

/** How often the watchdog pings the server and does housekeeping. */
const WATCHDOG_MS = 60_000;
/** How long conversion logs are kept. */
const CONVERSION_LOG_DAYS = 30;

/** The conversion log folder of a data folder. */
function conversionLogDir(dataDir: string): string {
  return join(dataDir, "logs", "conversions");
}

/** The data folder lacks a permission the service needs; `exitCode` 14. */
export class PermissionError extends Error {
  /** The CLI exit code for a missing permission. */
  readonly exitCode = 14;

  /**
   * Creates the error.
   *
   * @param message The missing flags and what each is for.
   */
  constructor(message: string) {
    super(message);
    this.name = "PermissionError";
  }
}

/** Options of {@linkcode StationService.start}. */
export interface StationServiceOptions {
  /** The loaded configuration. */
  config: ServiceConfig;
  /** The configuration file, for the lock file and the permission check. */
  configFile?: string;
  /** The clock; the system clock by default. */
  clock?: Clock;
  /** The converters; the built-ins and the plug-ins of `converters.plugins` by default. */
  conversion?: Conversion;
  /** The `fetch` of the API client (tests). */
  fetch?: typeof fetch;
  /** Watch the drop folders; `true` by default (`wats submit` turns it off). */
  intake?: boolean;
  /** Serve the status API; `true` by default. */
  statusServer?: boolean;
  /** Time between full rescans of the drop folders; 60 s by default. */
  rescanMs?: number;
  /** Told after each upload settles. */
  onSettled?: (event: SettledEvent) => void;
}

/**
 * A running station service.
 *
 * @example Run until stopped
 * ```ts ignore
 * import { loadConfig, StationService } from "@wats/toolkit/client";
 * const config = await loadConfig({ file: "/etc/wats/config.json" });
 * const service = await StationService.start({ config });
 * console.log(`status: ${service.statusUrl}`);
 * Deno.addSignalListener("SIGTERM", () => service.stop());
 * await service.stopped;
 * ```
 */
export class StationService {
  /** The queue (for one-shot submissions and the CLI). */
  readonly queue: ReportQueue;
  /** The ledger. */
  readonly ledger: Ledger;
  /** The live counters. */
  readonly stats: ServiceStats;
  /** Resolves once {@linkcode StationService.stop} has finished. */
  readonly stopped: Promise<void>;
  readonly #wats: Wats;
  readonly #lock: InstanceLock;
  readonly #submitter: Submitter;
  readonly #intake: Intake | null;
  readonly #status: StatusBuilder;
  readonly #clock: Clock;
  readonly #halt = new AbortController();
  #server: Deno.HttpServer<Deno.NetAddr> | null = null;
  #state: ServiceStatus["status"] = "starting";
  #stopping: Promise<void> | null = null;
  #markStopped: () => void = () => {};
  #statusUrl = "";
  #watchdog: Promise<void> = Promise.resolve();

  private constructor(
    parts: {
      lock: InstanceLock;
      queue: ReportQueue;
      ledger: Ledger;
      wats: Wats;
      conversion: Conversion;
      warnings: string[];
    },
    options: StationServiceOptions,
  ) {
    const { config } = options;
    this.#lock = parts.lock;
    this.queue = parts.queue;
    this.ledger = parts.ledger;
    this.#wats = parts.wats;
    this.#clock = options.clock ?? systemClock;
    this.stats = new ServiceStats(() => this.#clock.now(), config.watch);
    this.stopped = new Promise((resolve) => this.#markStopped = resolve);
    const wats = parts.wats;
    this.#submitter = new Submitter({
      queue: parts.queue,
      ledger: parts.ledger,
      send: (report, signal) => wats.report.submit(report, { signal }),
      breaker: wats.transport.breaker,
      stats: this.stats,
      concurrency: config.limits.uploadConcurrency,
      retry: config.retry,
      clock: this.#clock,
      onSettled: options.onSettled,
    });
    this.#intake = options.intake === false ? null : new Intake({
      config,
      queue: parts.queue,
      ledger: parts.ledger,
      conversion: parts.conversion,
      stats: this.stats,
      clock: this.#clock,
      rescanMs: options.rescanMs,
      concurrency: config.limits.conversionConcurrency,
      onQueued: () => this.#submitter.wake(),
    });
    this.#status = new StatusBuilder({
      config,
      clock: this.#clock,
      queue: parts.queue,
      ledger: parts.ledger,
      wats,
      stats: this.stats,
      conversion: parts.conversion,
      submitter: this.#submitter,
      intakeActive: () => this.#intake?.active ?? 0,
      state: () => this.#state,
      statusUrl: () => this.#statusUrl,
      warnings: parts.warnings,
    });
  }

  /**
   * Starts a service (see the module doc for the order).
   *
   * @param options The configuration and the parts to replace in tests.
   * @returns The running service.
   * @throws {PermissionError} When a required permission is missing (exit 14).
   * @throws {LockHeldError} When another service runs on the data folder (exit 1).
   * @throws {ConfigError} When no API token is configured, a plug-in of `converters.plugins`
   *   does not load, a watch entry names an unknown converter, or folders of the configuration
   *   overlap (exit 22); when a drop folder does not exist and its entry does not say
   *   `create: true` (exit 21).
   */
  static async start(options: StationServiceOptions): Promise<StationService> {
    const { config } = options;
    const missing = await checkPermissions(
      servicePermissions(config, { configFile: options.configFile }),
    );
    const problem = describeMissing(missing);
    if (problem) throw new PermissionError(problem);
    const warnings = missing.map((entry) =>
      `permission ${entry.flag} not granted: ${entry.why} is off`
    );
    const token = config.secrets.apiToken;
    if (!token) {
      throw new ConfigError([
        "No API token: set the WATS_TOKEN environment variable or name a token file in server.tokenFile",
      ]);
    }
    const conversion = options.conversion ?? await configuredConversion(config, {
      logDir: conversionLogDir(config.dataDir),
      configFile: options.configFile,
    });
    const unknown = unknownConverters(config.watch, conversion.list().map((entry) => entry.id));
    if (unknown.length > 0) {
      const prefix = options.configFile === undefined ? "" : `${options.configFile}: `;
      throw new ConfigError(unknown.map((problem) => prefix + problem));
    }
    if (options.intake !== false) await checkWatchFolders(config);
    const clock = options.clock ?? systemClock;
    const lock = await InstanceLock.acquire(config.dataDir, {
      version: VERSION,
      configPath: options.configFile,
    });
    if (lock.staleHolder) {
      log.info("Took over the lock of process {pid}, which stopped without releasing it", {
        pid: lock.staleHolder.pid,
      });
    }
    let queue: ReportQueue | undefined;
    let ledger: Ledger | undefined;
    try {
      queue = await ReportQueue.open(join(config.dataDir, "queue"), {
        clock,
        maxPending: config.limits.maxQueueSize,
      });
      ledger = await Ledger.open(join(config.dataDir, "ledger.kv"));
      const wats = new Wats({
        baseUrl: config.server.url,
        token,
        timeoutMs: config.server.timeoutMs,
        clock,
        fetch: options.fetch,
        userAgent: `station/${encodeURIComponent(config.station.name)}`,
        limiter: { maxRequests: config.limits.requestsPerWindow, windowMs: config.limits.windowMs },
        // Short waits are retried in the call; longer ones go back to the queue with their time.
        retry: { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 2_000 },
        breaker: config.breaker,
      });
      const service = new StationService({
        lock,
        queue,
        ledger,
        wats,
        conversion,
        warnings,
      }, options);
      await service.#run(options);
      return service;
    } catch (error) {
      await queue?.indexed().catch(() => {});
      ledger?.close();
      lock.release();
      throw error;
    }
  }

  /** The status server's base URL, e.g. `http://127.0.0.1:8181`; empty when not serving. */
  get statusUrl(): string {
    return this.#statusUrl;
  }

  /** The lifecycle state. */
  get state(): ServiceStatus["status"] {
    return this.#state;
  }

  /** Tells the submitter that reports were put into {@linkcode StationService.queue} directly. */
  wake(): void {
    this.#submitter.wake();
  }

  /**
   * A status snapshot, as `GET /status` answers it.
   *
   * @returns The snapshot.
   */
  status(): Promise<ServiceStatus> {
    return this.#status.build();
  }

  /**
   * The health verdict, as `GET /health` answers it.
   *
   * @returns The verdict with its reasons.
   */
  async health(): Promise<HealthReport> {
    return (await this.#status.build()).health;
  }

  /**
   * Stops the service (see the module doc); calling it again returns the same promise.
   *
   * @param options `graceMs`: how long uploads in flight may take; 20 s by default.
   * @returns A promise that resolves once everything is closed and the lock released.
   */
  stop(options: { graceMs?: number } = {}): Promise<void> {
    this.#stopping ??= this.#shutdown(options.graceMs ?? 20_000);
    return this.#stopping;
  }

  async #run(options: StationServiceOptions): Promise<void> {
    const { config } = options;
    if (options.statusServer !== false) {
      const app = createStatusApp(this, {
        token: config.secrets.statusToken,
        hostname: config.status.hostname,
      });
      this.#server = Deno.serve({
        hostname: config.status.hostname,
        port: config.status.port,
        onListen() {},
      }, app.fetch);
      const { hostname, port } = this.#server.addr;
      const host = hostname.includes(":") ? `[${hostname}]` : hostname;
      this.#statusUrl = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
      await this.#lock.update({ statusUrl: this.#statusUrl });
    }
    this.#submitter.start();
    if (this.#intake) {
      // A drop folder that cannot be made (a share not mounted yet) is reported by its watcher.
      for (const watch of config.watch) {
        await Deno.mkdir(watch.path, { recursive: true }).catch(() => {});
      }
      this.#intake.start();
    }
    this.#state = "running";
    this.#watchdog = this.#watch(config);
    log.info("Station service running: {watch} drop folder(s), server {url}, status {status}", {
      watch: config.watch.length,
      url: config.server.url,
      status: this.#statusUrl || "off",
    });
  }

  /** Pings the server every minute; prunes `done/` and the conversion logs every hour. */
  async #watch(config: ServiceConfig): Promise<void> {
    let lastPrune = -Infinity;
    while (!this.#halt.signal.aborted) {
      try {
        await this.#wats.app.version(this.#halt.signal);
        this.stats.lastServerOkAt = this.#clock.now();
      } catch {
        if (this.#halt.signal.aborted) return;
        this.stats.lastServerDownAt = this.#clock.now();
      }
      if (this.#clock.now() - lastPrune >= 3_600_000) {
        lastPrune = this.#clock.now();
        await this.queue.pruneDone(config.doneRetentionMs).catch((error) =>
          log.warn("Pruning done/ failed: {error}", { error })
        );
        const maxAgeMs = CONVERSION_LOG_DAYS * 86_400_000;
        await pruneConversionLogs(conversionLogDir(config.dataDir), maxAgeMs).catch((error) =>
          log.warn("Pruning conversion logs failed: {error}", { error })
        );
      }
      await this.#clock.sleep(WATCHDOG_MS, this.#halt.signal).catch(() => {});
    }
  }

  async #shutdown(graceMs: number): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopping";
    log.info("Stopping: finishing conversions under way, then uploads in flight");
    this.#halt.abort();
    await this.#intake?.stop();
    await this.#submitter.stop(graceMs);
    await this.#watchdog;
    await this.#server?.shutdown();
    await this.queue.indexed();
    this.ledger.close();
    this.#lock.release();
    this.#state = "stopped";
    log.info("Stopped; {pending} report(s) wait in the queue", {
      pending: this.queue.pendingCount,
    });
    this.#markStopped();
  }
}

/**
 * Checks the drop folders before anything is watched: folders that overlap are refused (see
 * `config/_overlap.ts`); a missing drop folder is made when its entry says `create: true`, and
 * refused otherwise.
 *
 * @throws {ConfigError} Naming both folders of each overlap (exit 22); naming each missing drop
 *   folder (exit 21).
 */
async function checkWatchFolders(config: ServiceConfig): Promise<void> {
  const overlaps = await folderOverlapProblems(config);
  if (overlaps.length > 0) throw new ConfigError(overlaps, 22);
  const problems: string[] = [];
  for (const [index, watch] of config.watch.entries()) {
    const info = await Deno.stat(watch.path).catch((error) => error as Error);
    if (!(info instanceof Error)) {
      if (!info.isDirectory) problems.push(`watch[${index}].path: ${watch.path} is not a folder`);
      continue;
    }
    if (!(info instanceof Deno.errors.NotFound)) continue; // The watcher reports it and retries.
    if (watch.create) {
      await Deno.mkdir(watch.path, { recursive: true });
      log.info("Made the drop folder {path} (create: true)", { path: watch.path });
    } else {
      problems.push(`watch[${index}].path: ${watch.path}: the drop folder does not exist`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, 21);
}
