/**
 * The intake: drop folder → ready file → size limit → content dedup → conversion → durable queue
 * entry → post action.
 *
 * The source file is touched only after every report it gave is durable in `pending/` (see
 * `_take.ts`, which also keeps report ids stable across crashes). `concurrency` files are converted
 * at once; up to {@linkcode FILES_PER_CONVERSION} times as many may be between the drop folder and
 * their post action, so that the durable writes of many files (ledger records, envelopes, folder
 * fsyncs) go out together instead of one file's waits holding up the next conversion. A file that cannot be taken (too
 * large, not convertible, a symlink loop) goes to the watch entry's error folder with
 * `<name>.reason.txt` beside it. Content seen before (the ledger's SHA-256 records) is a
 * duplicate: no report is made again, and the file gets its post action like any other.
 *
 * @module
 */

import { basename, join } from "node:path";
import { getLogger } from "@logtape/logtape";
import type { Conversion } from "./_convert.ts";
import { Semaphore } from "../_semaphore.ts";
import { type Taken, takeSource } from "./_take.ts";
import { isInside } from "./_watch_paths.ts";
import { deleteFile, moveInto, moveToError, type ReasonFacts } from "./_source_files.ts";
import { archiveSource, removeStaleArchiveTemps } from "../archive/archive.ts";
import { newWatchStats, type ServiceStats, type WatchStats } from "../status/_stats.ts";
import type { ReportFacts } from "../status/_activity.ts";
import type { ServiceConfig } from "../config/config.ts";
import type { WatchConfig } from "../config/schema.ts";
import type { Ledger } from "../ledger/ledger.ts";
import type { ReportQueue } from "../queue/queue.ts";
import { FileWatcher } from "./watcher.ts";
import {
  claimFile,
  dropClaim,
  hasChangedSince,
  instanceName,
  releaseClaims,
  removeEmptyClaimFolders,
  unclaimFile,
} from "./_claim.ts";
import { findSpecialEntries, setAsideSpecialFile, specialKind } from "./_special_files.ts";
import { type Clock, systemClock } from "../../util/clock.ts";

const log = getLogger(["wats", "intake"]);

/** Files that may be in the intake (reading, converting, writing, post action) per conversion. */
export const FILES_PER_CONVERSION = 32;

/** Files up to this size release their conversion slot before their reports are written. */
const SMALL_FILE_BYTES = 256 * 1024;

/** Options of {@linkcode Intake}. */
export interface IntakeOptions {
  /** The service configuration (watch folders, limits, station, data folder). */
  config: ServiceConfig;
  /** Where reports go. */
  queue: ReportQueue;
  /** Content and acceptance records. */
  ledger: Ledger;
  /** The converters. */
  conversion: Conversion;
  /** Counters for status. */
  stats: ServiceStats;
  /** Told after reports were queued (wakes the submitter). */
  onQueued?: () => void;
  /** The clock; the system clock by default. */
  clock?: Clock;
  /** Files converted at once; 4 by default. */
  concurrency?: number;
  /** Time between full rescans of each folder; 60 s by default. */
  rescanMs?: number;
}

/**
 * Tells an I/O failure (worth trying again later: disk full, permissions, a share gone) from any
 * other exception.
 */
function isIoError(error: unknown): boolean {
  if (error instanceof Error && typeof (error as { code?: unknown }).code === "string") return true;
  return Object.values(Deno.errors).some((kind) => error instanceof kind);
}

/** The folders of one watch entry, and its watcher while it runs. */
interface Entry {
  config: WatchConfig;
  stats: WatchStats;
  doneDir: string;
  errorDir: string;
  archiveDir: string;
  watcher?: FileWatcher;
  loop?: Promise<void>;
  /** Files of this entry on their way to the queue. */
  inFlight: Set<Promise<void>>;
}

/** What tells two watch entries apart: a change to any key restarts the entry's watcher. */
function entryKey(config: WatchConfig): string {
  return JSON.stringify(config, Object.keys(config).sort());
}

/**
 * Watches every configured drop folder and turns ready files into queued reports.
 */
export class Intake {
  #options: IntakeOptions;
  readonly #clock: Clock;
  #entries: Entry[];
  readonly #stop = new AbortController();
  readonly #running = new Set<Promise<void>>();
  /** FIFOs, sockets and devices being moved out of the drop folders. */
  readonly #settingAside = new Set<string>();
  /** This instance's claim folder name (see `_claim.ts`). */
  readonly #instance: string;
  /** Files between the drop folder and their post action. */
  readonly #files: Semaphore;
  /** Conversions under way. */
  readonly #conversions: Semaphore;

  /**
   * Creates the intake; nothing is watched until {@linkcode Intake.start}.
   *
   * @param options Configuration, queue, ledger, converters, counters.
   */
  constructor(options: IntakeOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    const concurrency = options.concurrency ?? 4;
    this.#files = new Semaphore(concurrency * FILES_PER_CONVERSION);
    this.#conversions = new Semaphore(concurrency);
    this.#instance = instanceName(options.config.dataDir);
    this.#entries = options.config.watch.map((config, index) =>
      this.#entryOf(config, options.stats.watches[index])
    );
  }

  #entryOf(config: WatchConfig, stats: WatchStats): Entry {
    return {
      config,
      stats,
      doneDir: config.archiveDir ?? join(config.path, "Done"),
      errorDir: config.errorDir ?? join(config.path, "Error"),
      archiveDir: config.archiveDir ?? join(this.#options.config.dataDir, "archive"),
      inFlight: new Set(),
    };
  }

  /** Files being handled now. */
  get active(): number {
    return this.#files.held;
  }

  /** Starts watching every folder. */
  start(): void {
    for (const entry of this.#entries) this.#startEntry(entry);
  }

  /**
   * Applies a new configuration while running (a reload): the watchers of removed or changed
   * watch entries stop (files they handed over finish their way to the queue), those of new or
   * changed entries start and scan their folders at once, unchanged ones keep running; limits
   * and station details apply to the next file.
   *
   * @param config The new configuration, validated.
   * @returns The drop folders whose watchers started.
   */
  async reconfigure(config: ServiceConfig): Promise<string[]> {
    this.#options = { ...this.#options, config };
    this.#conversions.resize(config.limits.conversionConcurrency);
    this.#files.resize(config.limits.conversionConcurrency * FILES_PER_CONVERSION);
    const old = new Map(this.#entries.map((entry) => [entryKey(entry.config), entry]));
    const next = config.watch.map((watch) => old.get(entryKey(watch)));
    const kept = new Set(next.filter((entry) => entry !== undefined));
    const ending = this.#entries.filter((entry) => !kept.has(entry));
    for (const entry of ending) entry.watcher?.close();
    await Promise.all(ending.map((entry) => entry.loop));
    // A changed entry's new watcher must not see a file the old one is still taking.
    for (const entry of ending) await Promise.allSettled(entry.inFlight);
    const { watches } = this.#options.stats;
    const statsByPath = new Map(watches.map((stats) => [stats.path, stats]));
    this.#entries = config.watch.map((watch, index) => {
      const reused = next[index];
      if (reused) return reused;
      const stats = statsByPath.get(watch.path) ?? newWatchStats(watch.path, watch.converter);
      stats.converter = watch.converter;
      return this.#entryOf(watch, stats);
    });
    watches.splice(0, watches.length, ...this.#entries.map((entry) => entry.stats));
    const started = this.#entries.filter((entry) => !kept.has(entry));
    if (!this.#stop.signal.aborted) { for (const entry of started) this.#startEntry(entry); }
    return started.map((entry) => entry.config.path);
  }

  #startEntry(entry: Entry): void {
    const root = entry.config.path;
    const watcher = new FileWatcher({
      root,
      pattern: entry.config.pattern,
      recursive: entry.config.recursive,
      stableMs: entry.config.stableMs,
      rescanMs: this.#options.rescanMs,
      clock: this.#clock,
      exclude: [entry.doneDir, entry.errorDir, entry.archiveDir].filter((dir) =>
        isInside(root, dir)
      ),
      onSkip: (path, reason) => this.#track(this.#refuse(entry, path, reason)),
      onUnavailable: (reason) => {
        if (reason !== null && entry.stats.unavailable === null) {
          log.warn("Drop folder {reason}", { reason });
        } else if (reason === null) log.info("Drop folder {path} is back", { path: root });
        entry.stats.unavailable = reason;
      },
    });
    entry.watcher = watcher;
    entry.loop = this.#watch(entry, watcher);
  }

  /**
   * Stops watching; conversions under way are cancelled (their files stay in the drop folder for
   * the next start) and files already converted reach the queue (or the error folder).
   *
   * @returns A promise that resolves when no file is being handled.
   */
  async stop(): Promise<void> {
    // Before any watcher closes: closing one waits for Deno's event thread, which a FIFO made
    // since the last check would hold for ever (see `_special_files.ts`).
    await this.setAsideSpecialEntries();
    this.#stop.abort();
    for (const entry of this.#entries) entry.watcher?.close();
    await Promise.all(this.#entries.map((entry) => entry.loop));
    while (this.#running.size > 0) await Promise.all(this.#running);
    for (const entry of this.#entries) {
      await removeEmptyClaimFolders(entry.config.path, this.#instance);
    }
  }

  /**
   * Moves FIFOs, sockets and devices out of the drop folders now; the service calls it before it
   * closes any file watcher.
   *
   * @returns A promise that resolves once every one found is set aside.
   */
  async setAsideSpecialEntries(): Promise<void> {
    for (const entry of this.#entries) {
      const { recursive } = entry.config;
      for (const path of await findSpecialEntries(entry.config.path, { recursive, exclude: [] })) {
        const kind = await Deno.lstat(path).then(specialKind, () => null);
        if (kind !== null && !isInside(entry.errorDir, path)) {
          await this.#setAside(entry, path, kind);
        }
      }
    }
  }

  async #watch(entry: Entry, watcher: FileWatcher): Promise<void> {
    try {
      // Files claimed before a crash go back to the drop folder, to be taken again.
      const given = await releaseClaims(entry.config.path, this.#instance, this.#clock.now());
      if (given > 0) {
        log.info("Gave {count} claimed file(s) back to {path}", {
          count: given,
          path: entry.config.path,
        });
      }
      // Temp files of archive writes cut short by a kill.
      await removeStaleArchiveTemps(entry.archiveDir).catch((error) =>
        log.warn("Removing temp files from {path} failed: {error}", {
          path: entry.archiveDir,
          error,
        })
      );
      for await (const path of watcher.files(this.#stop.signal)) {
        await this.#files.acquire();
        if (this.#stop.signal.aborted) {
          this.#files.release();
          watcher.release(path);
          break;
        }
        const handled = this.#handle(entry, watcher, path).finally(() => {
          this.#files.release();
          entry.inFlight.delete(handled);
        });
        entry.inFlight.add(handled);
        this.#track(handled);
      }
    } catch (error) {
      const message = `Watching ${entry.config.path} failed: ${(error as Error).message}`;
      entry.stats.lastError = message;
      this.#options.stats.error("intake", message);
      log.error(message);
    }
  }

  async #handle(entry: Entry, watcher: FileWatcher, path: string): Promise<void> {
    const stats = this.#options.stats;
    stats.conversionsActive++;
    let outcome: Taken["outcome"] = "gone";
    try {
      outcome = await this.#take(entry, watcher, path);
    } catch (error) {
      // An I/O failure (disk full, permissions): the file stays and is tried at the next scan.
      const message = `Could not take ${path}: ${(error as Error).message}`;
      entry.stats.lastError = message;
      stats.error("intake", message, { file: path });
      log.error(message);
    } finally {
      stats.conversionsActive--;
      entry.stats.lastFileAt = new Date(this.#clock.now()).toISOString();
      const isKept = entry.config.postAction === "keep" &&
        (outcome === "queued" || outcome === "duplicate" || outcome === "resumed");
      watcher.release(path, { keepUntilChanged: isKept, notStableYet: outcome === "busy" });
    }
  }

  async #take(entry: Entry, watcher: FileWatcher, path: string): Promise<Taken["outcome"]> {
    // Claimed before it is read: of services sharing the drop folder, one takes it.
    const claimed = await claimFile(entry.config.path, path, this.#instance);
    if (claimed === null) return "gone";
    const outcome = await this.#takeClaimed(entry, watcher, path, claimed);
    // Only reached when the file has left the claim folder: a failed move throws past it.
    dropClaim(claimed);
    return outcome;
  }

  async #takeClaimed(
    entry: Entry,
    watcher: FileWatcher,
    path: string,
    claimed: string,
  ): Promise<Taken["outcome"]> {
    const { stats } = this.#options;
    const root = entry.config.path;
    const size = watcher.sizeOf(path);
    const giveBack = () => unclaimFile(root, claimed, this.#instance, this.#clock.now());
    // A small file leaves its conversion slot once converted; a large one keeps it until its
    // reports are queued, so at most `concurrency` large files' reports are held in memory.
    const isSmall = size !== undefined && size <= SMALL_FILE_BYTES;
    let queued: ReportFacts[] = [];
    const take = () =>
      takeSource(
        {
          ...this.#options,
          clock: this.#clock,
          signal: this.#stop.signal,
          onQueued: (facts) => queued = facts,
          converting: isSmall ? (convert) => this.#conversions.run(convert) : undefined,
        },
        claimed,
        {
          id: entry.config.converter,
          args: entry.config.converterArgs ?? {},
          strictEncoding: entry.config.strictEncoding,
        },
        { size, origin: path },
      );
    let taken: Taken;
    try {
      taken = isSmall ? await take() : await this.#conversions.run(take);
    } catch (error) {
      if (!isIoError(error)) {
        // A bug or a limit of a converter (a stack overflow): retrying would fail the same way.
        const reason = `Taking the file failed: ${(error as Error)?.message ?? String(error)}`;
        await this.#fail(entry, claimed, { stage: "convert", reason }, path);
        return "failed";
      }
      // An I/O failure (disk full): the file goes back to wait for the next scan.
      await giveBack().catch(() => {});
      throw error;
    }
    switch (taken.outcome) {
      case "failed":
        if (await this.#isBeingWritten(entry, taken.facts, claimed, watcher.fingerprintOf(path))) {
          // Still being written (the writer paused longer than stableMs): wait for it again.
          log.info("{path} changed while it was read; it waits to be complete", { path });
          await giveBack();
          return "gone";
        }
        await this.#fail(entry, claimed, taken.facts, path);
        break;
      case "full":
        stats.queueFullAt = this.#clock.now();
        entry.stats.lastError = taken.message;
        log.warn("{message}; {path} stays in the drop folder", { message: taken.message, path });
        await giveBack();
        break;
      case "stopped":
        await giveBack();
        break;
      case "duplicate":
        stats.duplicates++;
        entry.stats.duplicates++;
        log.info("{path} is a duplicate of {first}; no report is made again", {
          path,
          first: taken.firstPath,
        });
        await this.#postAction(entry, claimed, taken, path);
        break;
      case "queued":
        this.#options.onQueued?.();
        stats.conversionsCompleted++;
        entry.stats.filesQueued++;
        if (taken.warning !== undefined) {
          // Queued all the same, but worth a look: the status shows it until the next problem.
          entry.stats.lastError = taken.warning;
          stats.error("conversion", taken.warning, { file: path });
          log.warn("{warning}", { warning: taken.warning });
        }
        stats.activity.queued(path, queued);
        await this.#postAction(entry, claimed, taken, path);
        break;
      case "busy":
        log.debug("{path} is held open by another process ({message}); tried again soon", {
          path,
          message: taken.message,
        });
        await giveBack();
        break;
      case "resumed":
        // Taken before a restart (or kept in place): only the post action may be left to do.
        await this.#postAction(entry, claimed, taken, path);
        break;
    }
    if (entry.config.postAction === "keep" && taken.outcome !== "failed") {
      if (await Deno.lstat(claimed).then(() => true, () => false)) await giveBack();
    }
    return taken.outcome;
  }

  /**
   * Whether a file that could not be read or parsed is still being written: it changed since the
   * watcher called it stable, or it changes within one more `stableMs` (a writer that pauses a
   * little longer than `stableMs` between chunks; a longer pause needs a longer `stableMs`).
   */
  async #isBeingWritten(
    entry: Entry,
    facts: ReasonFacts,
    claimed: string,
    seen: { size: number; mtime: number } | undefined,
  ): Promise<boolean> {
    if (await hasChangedSince(claimed, seen)) return true;
    if (!["read", "sniff", "parse"].includes(facts.stage) || this.#stop.signal.aborted) {
      return false;
    }
    await this.#clock.sleep(entry.config.stableMs, this.#stop.signal).catch(() => {});
    return await hasChangedSince(claimed, seen);
  }

  /**
   * Moves, archives, deletes or keeps a taken file.
   *
   * @param path Where the file is now (its claim).
   * @param origin Where it was dropped, for the archive index.
   */
  async #postAction(
    entry: Entry,
    path: string,
    taken: Extract<Taken, { reportIds: string[] }>,
    origin: string,
  ): Promise<void> {
    const now = this.#clock.now();
    switch (entry.config.postAction) {
      case "move":
        await moveInto(path, entry.doneDir, now);
        break;
      case "archive": {
        const { source, units } = taken;
        await archiveSource(this.#options.ledger, path, entry.archiveDir, {
          outcome: "converted",
          converter: source?.converter,
          converterVersion: source?.converterVersion,
          argumentsHash: source?.argumentsHash,
          reports: units ?? taken.reportIds.map((id) => ({ id })),
          takenFrom: origin,
        }, { now });
        break;
      }
      case "delete":
        await deleteFile(path);
        break;
      case "keep":
        break;
    }
  }

  async #fail(entry: Entry, path: string, facts: ReasonFacts, origin = path): Promise<void> {
    const stats = this.#options.stats;
    stats.conversionsFailed++;
    entry.stats.filesFailed++;
    entry.stats.lastError = `${basename(origin)}: ${facts.reason}`;
    stats.error("conversion", facts.reason, { file: origin });
    log.warn("{path} goes to the error folder: {reason}", { path: origin, reason: facts.reason });
    const errorPath = await moveToError(
      path,
      entry.errorDir,
      { ...facts, file: origin },
      this.#clock.now(),
    );
    stats.activity.errorFolder(origin, facts.reason);
    // A refused file is archived too (with its reason), unless its size was the reason.
    if (entry.config.postAction === "archive" && facts.stage !== "size" && facts.stage !== "link") {
      await archiveSource(this.#options.ledger, errorPath, entry.archiveDir, {
        outcome: "error",
        converter: facts.converter,
        reason: facts.reason,
        stage: facts.stage,
        errorPath,
        takenFrom: origin,
      }, { now: this.#clock.now(), keepSource: true });
    }
  }

  /**
   * A path the watcher refused: a symlink in the drop folder goes to the error folder; a FIFO,
   * socket or device leaves the watched folders (see `_special_files.ts`).
   */
  async #refuse(entry: Entry, path: string, reason: string): Promise<void> {
    const info = await Deno.lstat(path).catch(() => null);
    if (info === null) return;
    const kind = specialKind(info);
    if (kind !== null) return await this.#setAside(entry, path, kind);
    if (!info.isSymlink || !isInside(entry.config.path, path)) {
      log.warn("Skipped {path}: {reason}", { path, reason });
      return;
    }
    await this.#fail(entry, path, { stage: "link", reason: `Symlink refused: ${reason}` })
      .catch((error) => log.error("Could not move {path}: {error}", { path, error }));
  }

  async #setAside(entry: Entry, path: string, kind: string): Promise<void> {
    if (this.#settingAside.has(path)) return;
    this.#settingAside.add(path);
    try {
      const isErrorDirWatched = entry.config.recursive &&
        isInside(entry.config.path, entry.errorDir);
      const now = this.#clock.now();
      const target = await setAsideSpecialFile(path, entry.errorDir, {
        kind,
        isErrorDirWatched,
        now,
      });
      const message = `${basename(path)}: not a regular file (${kind})`;
      entry.stats.lastError = message;
      this.#options.stats.error("intake", message, { file: path });
      log.warn("{path} is a {kind}, never opened: {action}", {
        path,
        kind,
        action: target === null ? "deleted" : `moved to ${target}`,
      });
    } catch (error) {
      log.error("Could not set aside {path}: {error}", { path, error });
    } finally {
      this.#settingAside.delete(path);
    }
  }

  #track(work: Promise<unknown>): void {
    const tracked = work.then(() => {}, () => {});
    this.#running.add(tracked);
    tracked.finally(() => this.#running.delete(tracked));
  }
}
