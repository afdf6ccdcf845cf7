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
 * `TimeoutStopSec=30`) and abort the rest; uploads still waiting to be sent (for a limiter slot,
 * or between retries) are given up at once. Both stay in `processing/` and go out after the next
 * start. Last, the status server and the ledger close and the lock is released. Plug-ins hold no
 * worker between files (each load, sniff and conversion has its own, ended when it is done), so
 * once the conversions under way are over no plug-in code runs.
 *
 * @module
 */

import { join, posix, win32 } from "node:path";
import { getLogger } from "@logtape/logtape";
import { configuredConversion, type Conversion, unknownConverters } from "./intake/_convert.ts";
import { pruneConversionLogs } from "../converters/log.ts";
import { StatusBuilder } from "./status/_service_status.ts";
import { ServiceStats } from "./status/_stats.ts";
import type { ServiceConfig } from "./config/config.ts";
import { ConfigError } from "./errors.ts";
import { configChanges, watchConfigFile } from "./config/reload.ts";
import { folderOverlapProblems } from "./config/_overlap.ts";
import { Intake } from "./intake/intake.ts";
import { sameFolderProblems } from "./intake/_watch_paths.ts";
import { purgeArchive } from "./archive/archive.ts";
import { Ledger } from "./ledger/ledger.ts";
import { StationEvents } from "./events/events.ts";
import { InstanceLock } from "./lock.ts";
import { checkPermissions, describeMissing, servicePermissions } from "./permissions.ts";
import { ReportQueue } from "./queue/queue.ts";
import { createStatusApp } from "./status/status.ts";
import { removeControlToken, writeControlToken } from "./status/_control.ts";
import type { HealthReport, ServiceStatus } from "./status/model.ts";
import { type SettledEvent, Submitter } from "./submitter.ts";
import { Wats } from "../api/wats.ts";
import { type NetworkOptions, networkOptions } from "./_network.ts";
import { type Clock, systemClock } from "../util/clock.ts";
import { VERSION } from "../api/version.ts";
import { currentPlatform, type Platform } from "../util/platform.ts";
import { SAMPLE_EVERY_MS } from "./status/_ring.ts";
import { observedFetch } from "./status/_responses.ts";

const log = getLogger(["wats", "service"]);

/** How often the watchdog pings the server and does housekeeping. */
const WATCHDOG_MS = 60_000;
/** Starts the reload warning in `/status`, so the next reload finds and replaces it. */
const RELOAD_WARNING_TAG = "config: ";
/** How long conversion logs are kept. */
const CONVERSION_LOG_DAYS = 30;
/** Time between two retention passes over the source archive. */
const ARCHIVE_RETENTION_MS = 3_600_000;

/** The conversion log folder of a data folder. */
function conversionLogDir(dataDir: string): string {
  return join(dataDir, "logs", "conversions");
}

/** The API client of a configuration. */
function createClient(
  config: ServiceConfig,
  token: string,
  clock: Clock,
  fetchFn: typeof fetch | undefined,
  network: NetworkOptions,
): Wats {
  return new Wats({
    ...network,
    baseUrl: config.server.url,
    token,
    timeoutMs: config.server.timeoutMs,
    clock,
    fetch: fetchFn,
    userAgent: `station/${encodeURIComponent(config.station.name)}`,
    limiter: { maxRequests: config.limits.requestsPerWindow, windowMs: config.limits.windowMs },
    // Short waits are retried in the call; longer ones go back to the queue with their time.
    retry: { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 2_000 },
    breaker: config.breaker,
  });
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
  /** The OS rules (which drop folders are on a share); this process's by default. */
  platform?: Platform;
  /**
   * Loads the configuration again, for {@linkcode StationService.reload}; without it the service
   * cannot reload. `wats run` loads the same file, environment and flags it started with.
   */
  reloadConfig?: () => Promise<ServiceConfig>;
  /** Reload when `configFile` changes (500 ms after the last change); `true` by default. */
  watchConfigFile?: boolean;
}

/** The outcome of {@linkcode StationService.reload}. */
export interface ReloadResult {
  /** Whether the new configuration is running. */
  isApplied: boolean;
  /** Why it was refused: each problem naming the key (empty when applied). */
  problems: string[];
  /** Drop folders whose watchers (re)started and were scanned. */
  restartedWatchers: string[];
  /** Whether a new HTTP client was built (server URL, token, request limits, breaker). */
  isClientRebuilt: boolean;
  /** Changed keys that take effect only at the next start. */
  needsRestart: string[];
}

/**
 * A running station service.
 *
 * @example Run until stopped
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { loadConfig, StationService } from "@wats/toolkit/client";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const folder = await Deno.makeTempDir();
 * try {
 *   await Deno.mkdir(join(folder, "drop"));
 *   const config = await loadConfig({
 *     env: { WATS_TOKEN: emulator.token },
 *     hostname: "station-7",
 *     flags: {
 *       server: { url: emulator.url },
 *       dataDir: join(folder, "data"),
 *       watch: [{ path: join(folder, "drop"), pattern: "*.json" }],
 *       status: { port: 0 },
 *     },
 *   });
 *   const service = await StationService.start({ config });
 *   const health = await fetch(`${service.statusUrl}/health`);
 *   assert.equal(health.status, 200);
 *   await health.body?.cancel();
 *   await service.stop();
 *   await service.stopped;
 * } finally {
 *   await Deno.remove(folder, { recursive: true });
 * }
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
  #wats: Wats;
  /** The fetch every client of this service sends through (it records each response). */
  readonly #fetch: typeof fetch;
  /** Clients replaced by a reload, closed at the stop. */
  readonly #retiredClients: Wats[] = [];
  #config: ServiceConfig;
  readonly #lock: InstanceLock;
  readonly #submitter: Submitter;
  readonly #intake: Intake | null;
  readonly #status: StatusBuilder;
  readonly #clock: Clock;
  readonly #events: StationEvents | null;
  readonly #halt = new AbortController();
  #server: Deno.HttpServer<Deno.NetAddr> | null = null;
  #state: ServiceStatus["status"] = "starting";
  #stopping: Promise<void> | null = null;
  #markStopped: () => void = () => {};
  #statusUrl = "";
  #watchdog: Promise<void> = Promise.resolve();
  readonly #options: StationServiceOptions;
  readonly #conversion: Conversion;
  readonly #warnings: string[];
  #reloading: Promise<ReloadResult> | null = null;
  #reloadAgain = false;
  #configWatch: Promise<void> = Promise.resolve();
  #retention: Promise<void> = Promise.resolve();
  #sampler: Promise<void> = Promise.resolve();

  private constructor(
    parts: {
      lock: InstanceLock;
      queue: ReportQueue;
      ledger: Ledger;
      wats: Wats;
      conversion: Conversion;
      warnings: string[];
      stats: ServiceStats;
      fetch: typeof fetch;
      events: StationEvents | null;
    },
    options: StationServiceOptions,
  ) {
    const { config } = options;
    this.#options = options;
    this.#config = config;
    this.#warnings = parts.warnings;
    this.#conversion = parts.conversion;
    this.#lock = parts.lock;
    this.queue = parts.queue;
    this.ledger = parts.ledger;
    this.#wats = parts.wats;
    this.#fetch = parts.fetch;
    this.#clock = options.clock ?? systemClock;
    this.stats = parts.stats;
    this.stopped = new Promise((resolve) => this.#markStopped = resolve);
    // The HTTP client is read at each use: a reload may replace it.
    const current = { wats: () => this.#wats, config: () => this.#config };
    const events = parts.events;
    this.#events = events;
    this.#submitter = new Submitter({
      queue: parts.queue,
      ledger: parts.ledger,
      send: (report, signal, waitSignal) =>
        this.#wats.report.submit(report, { signal, waitSignal }),
      breaker: {
        get stats() {
          return current.wats().transport.breaker?.stats ?? { state: "closed", retryAtMs: null };
        },
      },
      stats: this.stats,
      concurrency: config.limits.uploadConcurrency,
      retry: config.retry,
      clock: this.#clock,
      onSettled: events
        ? (event) => {
          events.wake();
          options.onSettled?.(event);
        }
        : options.onSettled,
      eventsOf: events ? (report, at) => events.entriesFor(report, at) : undefined,
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
      get config() {
        return current.config();
      },
      clock: this.#clock,
      queue: parts.queue,
      ledger: parts.ledger,
      get wats() {
        return current.wats();
      },
      stats: this.stats,
      conversion: parts.conversion,
      submitter: this.#submitter,
      intakeActive: () => this.#intake?.active ?? 0,
      state: () => this.#state,
      statusUrl: () => this.#statusUrl,
      warnings: parts.warnings,
      events,
    });
  }

  /**
   * Starts a service (see the module doc for the order).
   *
   * @param options The configuration and the parts to replace in tests.
   * @returns The running service.
   * @throws {PermissionError} When a required permission is missing (exit 14).
   * @throws {LockHeldError} When another service runs on the data folder (exit 30).
   * @throws {ConfigError} When no API token is configured, a plug-in of `converters.plugins`
   *   does not load, a watch entry names an unknown converter, or folders of the configuration
   *   overlap (exit 22); when a local drop folder does not exist and its entry does not say
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
    const network = await networkOptions(config);
    if (options.intake !== false) {
      warnings.push(...await checkWatchFolders(config, options.platform ?? currentPlatform));
    }
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
    let wats: Wats | undefined;
    const stats = new ServiceStats(() => clock.now(), config.watch);
    // Every request's real status and time are recorded for /status and /metrics.
    const observed = observedFetch(options.fetch ?? fetch, stats.responses, {
      now: () => clock.now(),
      onUpload: (seconds) => stats.uploadSeconds.observe(seconds),
    });
    let service: StationService | undefined;
    try {
      queue = await ReportQueue.open(join(config.dataDir, "queue"), {
        clock,
        maxPending: config.limits.maxQueueSize,
      });
      ledger = await Ledger.open(join(config.dataDir, "ledger.kv"));
      wats = createClient(config, token, clock, observed, network);
      const events = await StationEvents.open({
        config,
        ledger,
        clock,
        currentStatus: async () => {
          const status = await service!.status();
          return {
            state: "online",
            health: status.health.status,
            reasons: status.health.reasons,
            backlog: status.queue.pending,
            breaker: status.api.breaker.state,
          };
        },
      });
      service = new StationService({
        lock,
        queue,
        ledger,
        wats,
        conversion,
        warnings,
        stats,
        fetch: observed,
        events,
      }, options);
      await service.#run(options);
      return service;
    } catch (error) {
      await queue?.indexed().catch(() => {});
      wats?.close();
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
   * Loads the configuration again and applies it without a restart (SIGHUP, `wats reload`,
   * `POST /control/reload` and a change of the configuration file all come here). An invalid
   * configuration is refused whole: the running one stays, and the problems show in `/status`
   * warnings, the recent errors and the log. A valid one restarts only the watchers of changed
   * drop folders (each scans its folder at once), builds a new HTTP client when the server,
   * token, request limits or breaker changed (uploads in flight finish on the old one), and
   * applies upload and conversion concurrency, backoff and queue limits live. Nothing queued or
   * in flight is dropped. Reloads do not overlap: one asked for during another runs after it.
   *
   * @returns What was applied, or why not.
   */
  reload(): Promise<ReloadResult> {
    if (this.#reloading) {
      this.#reloadAgain = true;
      return this.#reloading;
    }
    const run = async (): Promise<ReloadResult> => {
      let result: ReloadResult;
      do {
        this.#reloadAgain = false;
        result = await this.#reload();
      } while (this.#reloadAgain && this.#state === "running");
      return result;
    };
    this.#reloading = run().finally(() => this.#reloading = null);
    return this.#reloading;
  }

  async #reload(): Promise<ReloadResult> {
    const refused = (problems: string[]): ReloadResult => {
      const message = `Configuration reload refused, the running configuration stays: ${
        problems.join("; ")
      }`;
      this.#setReloadWarning(message);
      this.stats.error("config", message);
      log.error(message);
      return {
        isApplied: false,
        problems,
        restartedWatchers: [],
        isClientRebuilt: false,
        needsRestart: [],
      };
    };
    const load = this.#options.reloadConfig;
    if (!load) return refused(["this service was started without a configuration to reload"]);
    if (this.#state !== "running") return refused([`the service is ${this.#state}`]);
    let next: ServiceConfig;
    try {
      next = await load();
    } catch (error) {
      return refused(
        error instanceof ConfigError ? [...error.problems] : [(error as Error).message],
      );
    }
    const token = next.secrets.apiToken;
    if (!token) return refused(["no API token (WATS_TOKEN or server.tokenFile)"]);
    const unknown = unknownConverters(next.watch, this.#conversion.list().map((entry) => entry.id));
    if (unknown.length > 0) return refused(unknown);
    const changes = configChanges(this.#config, next);
    let network: NetworkOptions | undefined;
    try {
      if (this.#options.intake !== false) {
        await checkWatchFolders(next, this.#options.platform ?? currentPlatform);
      }
      if (changes.isClientChanged) network = await networkOptions(next);
    } catch (error) {
      return refused(
        error instanceof ConfigError ? [...error.problems] : [(error as Error).message],
      );
    }
    if (network) {
      // Uploads in flight finish on the client they started with; it is closed at the stop.
      this.#retiredClients.push(this.#wats);
      this.#wats = createClient(next, token, this.#clock, this.#fetch, network);
    }
    this.#submitter.configure({
      concurrency: next.limits.uploadConcurrency,
      retry: next.retry,
    });
    this.queue.maxPending = next.limits.maxQueueSize;
    const restartedWatchers = await this.#intake?.reconfigure(next) ?? [];
    this.#config = next;
    this.#setReloadWarning(
      changes.needsRestart.length === 0
        ? null
        : `Changed ${changes.needsRestart.join(", ")} take effect at the next start`,
    );
    log.info(
      "Configuration reloaded: {watchers} watcher(s) restarted, {client}",
      {
        watchers: restartedWatchers.length,
        client: changes.isClientChanged ? "new HTTP client" : "same HTTP client",
        restartedWatchers,
        needsRestart: changes.needsRestart,
      },
    );
    return {
      isApplied: true,
      problems: [],
      restartedWatchers,
      isClientRebuilt: changes.isClientChanged,
      needsRestart: changes.needsRestart,
    };
  }

  /** Replaces the reload warning of `/status` (or removes it with `null`). */
  #setReloadWarning(message: string | null): void {
    const index = this.#warnings.findIndex((warning) => warning.startsWith(RELOAD_WARNING_TAG));
    if (index !== -1) this.#warnings.splice(index, 1);
    if (message !== null) this.#warnings.push(`${RELOAD_WARNING_TAG}${message}`);
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
        control: {
          token: await writeControlToken(config.dataDir),
          reload: () => this.reload(),
          stop: () => void this.stop(),
          retry: async (id) => {
            const moved = await this.queue.retryFailed(id);
            if (moved > 0) this.#submitter.wake();
            return moved;
          },
          converters: async () => (await this.status()).converters,
        },
        hostname: config.status.hostname,
      });
      try {
        this.#server = Deno.serve({
          hostname: config.status.hostname,
          port: config.status.port,
          onListen() {},
        }, app.fetch);
      } catch (error) {
        if (!(error instanceof Deno.errors.AddrInUse)) throw error;
        throw new Deno.errors.AddrInUse(
          `The status port ${config.status.hostname}:${config.status.port} is in use: stop what ` +
            "listens there, or set status.port (another instance has its own with --instance)",
        );
      }
      const { hostname, port } = this.#server.addr;
      const host = hostname.includes(":") ? `[${hostname}]` : hostname;
      this.#statusUrl = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
      await this.#lock.update({ statusUrl: this.#statusUrl });
    }
    this.#submitter.start();
    this.#events?.start();
    // A drop folder on a share that is not there yet is waited for by its watcher.
    this.#intake?.start();
    this.#state = "running";
    this.#watchdog = this.#watch(config);
    if (options.configFile && options.reloadConfig && options.watchConfigFile !== false) {
      this.#configWatch = watchConfigFile(options.configFile, {
        onChange: async () => void await this.reload(),
        signal: this.#halt.signal,
        clock: this.#clock,
      }).catch((error) =>
        log.warn("The configuration file is not watched ({error}); SIGHUP still reloads", {
          error,
        })
      );
    }
    this.#retention = this.#retainArchive(config);
    this.#sampler = this.#sample();
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
        await this.queue.pruneDone(this.#config.doneRetentionMs).catch((error) =>
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

  /** Purges the source archive by age and size at start, then every hour. */
  async #retainArchive(config: ServiceConfig): Promise<void> {
    while (!this.#halt.signal.aborted) {
      try {
        const purged = await purgeArchive(this.ledger, config.archive, this.#clock.now());
        if (purged.byAge + purged.bySize + purged.held > 0) {
          log.info(
            "Archive: purged {byAge} source(s) by age and {bySize} by size ({bytes} bytes); " +
              "{held} kept until their reports are accepted",
            { ...purged },
          );
        }
      } catch (error) {
        if (this.#halt.signal.aborted) return;
        log.warn("Purging the source archive failed: {error}", { error });
      }
      await this.#clock.sleep(ARCHIVE_RETENTION_MS, this.#halt.signal).catch(() => {});
    }
  }

  /** Samples the backlog and the accepted count for the status page's charts. */
  async #sample(): Promise<void> {
    while (!this.#halt.signal.aborted) {
      this.stats.samples.record(
        this.#clock.now(),
        this.queue.pendingCount,
        this.stats.uploadsAccepted,
      );
      await this.#clock.sleep(SAMPLE_EVERY_MS, this.#halt.signal).catch(() => {});
    }
  }

  async #shutdown(graceMs: number): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopping";
    log.info("Stopping: finishing conversions under way, then uploads in flight");
    // Before any file watcher closes (the configuration file's too): closing one waits for
    // Deno's event thread, which a FIFO in a drop folder holds (see `intake/_special_files.ts`).
    await this.#intake?.setAsideSpecialEntries();
    this.#halt.abort();
    await this.#configWatch;
    await this.#reloading;
    await this.#intake?.stop();
    await this.#submitter.stop(graceMs);
    await this.#watchdog;
    await this.#retention;
    await this.#sampler;
    await this.#events?.stop();
    await this.#server?.shutdown();
    this.#wats.close();
    for (const retired of this.#retiredClients) retired.close();
    await this.queue.indexed();
    this.ledger.close();
    await removeControlToken(this.#config.dataDir);
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
 * `config/_overlap.ts`), and so is one folder named twice. A missing folder on a network share (a
 * UNC path, or a drive whose root is missing: a mapped drive not connected yet) is waited for by
 * its watcher, with a warning; a missing local folder is made when its entry says
 * `create: true`, and refused otherwise.
 *
 * @returns Warnings for the folders that are waited for.
 * @throws {ConfigError} Naming both folders of each overlap (exit 22); naming each missing local
 *   drop folder (exit 21).
 */
async function checkWatchFolders(config: ServiceConfig, platform: Platform): Promise<string[]> {
  const overlaps = await folderOverlapProblems(config);
  if (overlaps.length > 0) throw new ConfigError(overlaps, 22);
  const warnings: string[] = [];
  // Real paths where they exist: on Windows they give 8.3 short names their long form.
  const realPaths = await Promise.all(
    config.watch.map((watch) => Deno.realPath(watch.path).catch(() => watch.path)),
  );
  const problems = sameFolderProblems(realPaths, platform);
  if (problems.length > 0) throw new ConfigError(problems, 22);
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
    } else if (platform.isNetworkPath(watch.path) || !await rootExists(watch.path, platform)) {
      warnings.push(`drop folder ${watch.path} is not reachable yet; watching for it`);
    } else {
      problems.push(`watch[${index}].path: ${watch.path}: the drop folder does not exist`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, 21);
  return warnings;
}

/** Whether the drive (Windows) or root of a path exists: a mapped drive may not be yet. */
async function rootExists(path: string, platform: Platform): Promise<boolean> {
  const root = (platform.isWindows ? win32 : posix).parse(path).root;
  return root === "" || await Deno.stat(root).then(() => true, () => false);
}
