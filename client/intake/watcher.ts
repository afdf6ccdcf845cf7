/**
 * The drop-folder watcher: yields files that are complete and ready to convert.
 *
 * `Deno.watchFs` events are only hints: events get lost (Deno's event channel is bounded and drops
 * what a busy process does not read in time, network shares send none, files arrive while the
 * service is down). So the folder is scanned at start, every `rescanMs`, and soon after any
 * event (at most every {@linkcode EVENT_SCAN_DELAY_MS}, or five times the last scan's cost when
 * that is longer), which finds whatever a lost event would have announced. A file is yielded once
 * its size and modification time stayed the same for `stableMs`, and not again while it is being
 * handled (until {@linkcode FileWatcher.release}). A file whose modification time is already
 * `stableMs` or more in the past when it is first seen (written elsewhere and moved in, as test
 * stations do to drop files atomically) has been unchanged that long: it only needs a second look
 * after {@linkcode CONFIRM_SHARE} of `stableMs`, which still catches a writer that is at it (its
 * writes move the modification time).
 * Temp and partial names (`*.tmp`, `*.part`, `~*`, `*~`, `.*`) are never taken. Symlinks are
 * never followed out of the watch folder, and symlinked folders are never entered, so a symlink
 * loop can neither hang nor crash the scan. Scans stream the folder and track at most
 * `maxTracked` files at once.
 *
 * @module
 */

import { dirname, join, relative, resolve, sep } from "node:path";
import { getLogger } from "@logtape/logtape";
import { compilePattern, type PathMatcher } from "./_glob.ts";
import {
  type Fingerprint,
  inspectPath,
  isInside,
  isSameFingerprint,
  isSkippedName,
} from "./_watch_paths.ts";
import { findSpecialEntries, specialKind } from "./_special_files.ts";
import { type Clock, systemClock } from "../../util/clock.ts";
import { currentPlatform, type Platform } from "../../util/platform.ts";

/** How soon after an event the folder is scanned for files whose events were lost. */
export const EVENT_SCAN_DELAY_MS = 200;

/** The first wait before a drop folder that cannot be reached is tried again. */
export const ROOT_RETRY_FIRST_MS = 1_000;

/** The longest wait between tries of a drop folder that cannot be reached. */
export const ROOT_RETRY_MAX_MS = 60_000;

/** How long a file another process holds open waits before it is tried again. */
export const BUSY_WAIT_MS = 2_000;

/**
 * How often the folder's listing is checked for FIFOs, sockets and devices while file events are
 * on: one in a watched folder stops Deno's events (see `_special_files.ts`), so it cannot wait for
 * the next full rescan.
 */
export const SPECIAL_CHECK_MS = 1_000;

/** The share of `stableMs` a file already unchanged for `stableMs` is watched before it is taken. */
export const CONFIRM_SHARE = 0.2;

/** Options of {@linkcode FileWatcher}. */
export interface FileWatcherOptions {
  /** The drop folder. */
  root: string;
  /** Glob of files to take (`*`, `?`, `**`, `{a,b}`); case-insensitive on Windows. `*` by default. */
  pattern?: string;
  /** Watch sub-folders too; `false` by default. */
  recursive?: boolean;
  /** How long size and mtime must stay unchanged; 500 ms by default. */
  stableMs?: number;
  /** Time between full rescans; 60 s by default. */
  rescanMs?: number;
  /** Time source for the waits; the system clock by default. */
  clock?: Clock;
  /** Use `Deno.watchFs` events as hints; `true` by default (rescans run either way). */
  useEvents?: boolean;
  /** Folders inside the root never entered (e.g. the `Done` and `Error` folders). */
  exclude?: string[];
  /** Most files tracked at once; more wait for a later scan. 10,000 by default. */
  maxTracked?: number;
  /** Told about refused paths (symlinks out of the folder, loops); logged by default. */
  onSkip?: (path: string, reason: string) => void;
  /** The OS rules (pattern case, 8.3 names in events); this process's by default. */
  platform?: Platform;
  /**
   * Told when the folder cannot be reached (missing, a share that dropped), with the reason,
   * and with `null` once it is back. It is tried again with a backoff meanwhile.
   */
  onUnavailable?: (reason: string | null) => void;
}

interface Observation extends Fingerprint {
  /** When this fingerprint was first seen. */
  since: number;
}

/**
 * Watches one drop folder and yields the paths of ready files.
 *
 * @example Take ready files until stopped
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { FileWatcher } from "@wats/toolkit/client";
 *
 * const root = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(join(root, "run.json"), "{}");
 *   const watcher = new FileWatcher({ root, pattern: "*.json", stableMs: 10 });
 *   const ready = [];
 *   for await (const path of watcher.files(AbortSignal.timeout(500))) {
 *     ready.push(path);
 *     watcher.release(path);
 *   }
 *   assert.deepEqual(ready, [join(root, "run.json")]);
 * } finally {
 *   await Deno.remove(root, { recursive: true });
 * }
 * ```
 */
export class FileWatcher {
  readonly #root: string;
  readonly #pattern: PathMatcher;
  readonly #recursive: boolean;
  readonly #stableMs: number;
  readonly #rescanMs: number;
  readonly #clock: Clock;
  readonly #useEvents: boolean;
  readonly #exclude: string[];
  readonly #maxTracked: number;
  readonly #onSkip: (path: string, reason: string) => void;
  readonly #platform: Platform;
  readonly #onUnavailable: (reason: string | null) => void;
  /** The root could not be listed by the last scan (removed, a share that dropped). */
  #isRootLost = false;
  readonly #observed = new Map<string, Observation>();
  readonly #inFlight = new Map<string, Fingerprint>();
  readonly #settled = new Map<string, Fingerprint>();
  readonly #reported = new Set<string>();
  readonly #specialTold = new Map<string, number>();
  readonly #closed = new AbortController();
  #realRoot = "";
  #events: Deno.FsWatcher | undefined;
  #wake: AbortController | undefined;
  #hasNews = false;
  #isScanRequested = false;
  /** When an event asked for a scan, the time that scan is due; `null` when none is asked. */
  #eventScanAt: number | null = null;
  #lastScanCostMs = 0;
  #isRunning = false;

  /**
   * Creates a watcher; nothing happens until {@linkcode FileWatcher.files} is iterated.
   *
   * @param options The folder, pattern and timings.
   */
  constructor(options: FileWatcherOptions) {
    this.#root = resolve(options.root);
    this.#platform = options.platform ?? currentPlatform;
    this.#onUnavailable = options.onUnavailable ?? (() => {});
    this.#pattern = compilePattern(options.pattern ?? "*", this.#platform.isWindows);
    this.#recursive = options.recursive ?? false;
    this.#stableMs = options.stableMs ?? 500;
    this.#rescanMs = options.rescanMs ?? 60_000;
    this.#clock = options.clock ?? systemClock;
    this.#useEvents = options.useEvents ?? true;
    this.#exclude = (options.exclude ?? []).map((folder) => resolve(this.#root, folder));
    this.#maxTracked = options.maxTracked ?? 10_000;
    this.#onSkip = options.onSkip ??
      ((path, reason) =>
        getLogger(["wats", "watcher"]).warn("Skipped {path}: {reason}", { path, reason }));
  }

  /**
   * Yields each ready file once, until `signal` aborts or {@linkcode FileWatcher.close} is called.
   *
   * @param signal Stops the iteration.
   * @returns The absolute paths of ready files.
   */
  async *files(signal?: AbortSignal): AsyncGenerator<string> {
    if (this.#isRunning) throw new Error("FileWatcher.files() is already running");
    this.#isRunning = true;
    const stop = signal ? AbortSignal.any([signal, this.#closed.signal]) : this.#closed.signal;
    try {
      if (!await this.#reachRoot(stop)) return;
      if (this.#useEvents) this.#startEvents();
      let nextScan = this.#clock.now();
      let nextSpecialCheck = this.#useEvents ? this.#clock.now() : Infinity;
      while (!stop.aborted) {
        if (this.#isRootLost) {
          // The events of a removed folder are gone for good: watch it afresh once it is back.
          this.#events?.close();
          this.#events = undefined;
          if (!await this.#reachRoot(stop)) return;
          if (this.#useEvents) this.#startEvents();
          nextScan = this.#clock.now();
        }
        if (this.#clock.now() >= nextSpecialCheck) {
          nextSpecialCheck = this.#clock.now() + SPECIAL_CHECK_MS;
          await this.#checkSpecial();
        }
        const isEventScanDue = this.#eventScanAt !== null && this.#clock.now() >= this.#eventScanAt;
        if (this.#isScanRequested || isEventScanDue || this.#clock.now() >= nextScan) {
          this.#isScanRequested = false;
          this.#eventScanAt = null;
          const started = performance.now();
          await this.#scan(this.#root, stop);
          this.#lastScanCostMs = performance.now() - started;
          nextScan = this.#clock.now() + this.#rescanMs;
          if (this.#isRootLost) continue;
        }
        this.#hasNews = false;
        for (const path of await this.#takeReady()) {
          if (stop.aborted) return;
          yield path;
        }
        const now = this.#clock.now();
        let wakeAt = Math.min(nextScan, this.#eventScanAt ?? Infinity, nextSpecialCheck);
        for (const seen of this.#observed.values()) {
          wakeAt = Math.min(wakeAt, seen.since + this.#stableMs);
        }
        if (!this.#hasNews) await this.#wait(wakeAt - now, stop);
      }
    } finally {
      this.#events?.close();
      this.#events = undefined;
      this.#isRunning = false;
    }
  }

  /**
   * Ends the handling of a yielded file: it may be yielded again when it is still (or again) there.
   *
   * @param path A path {@linkcode FileWatcher.files} yielded.
   * @param options `keepUntilChanged`: do not yield it again while its size and mtime stay the
   *   same (for sources left in place, `postAction: keep`); `notStableYet`: another process
   *   holds it open, yield it again after {@linkcode BUSY_WAIT_MS}.
   */
  release(
    path: string,
    options: { keepUntilChanged?: boolean; notStableYet?: boolean } = {},
  ): void {
    const fingerprint = this.#inFlight.get(path);
    this.#inFlight.delete(path);
    if (options.notStableYet && fingerprint) {
      // Another process holds it open: looked at again after BUSY_WAIT_MS, like a file whose
      // writer is still at it.
      const since = this.#clock.now() + BUSY_WAIT_MS - this.#stableMs;
      this.#observed.set(path, { ...fingerprint, since });
      this.#wake?.abort();
      return;
    }
    if (options.keepUntilChanged && fingerprint) {
      this.#settled.delete(path);
      this.#settled.set(path, fingerprint);
      if (this.#settled.size > this.#maxTracked) {
        this.#settled.delete(this.#settled.keys().next().value as string);
      }
    }
  }

  /**
   * The size of a file being handled, as the stability check last saw it.
   *
   * @param path A path {@linkcode FileWatcher.files} yielded and that is not released yet.
   * @returns Its size in bytes, or `undefined` for other paths.
   */
  sizeOf(path: string): number | undefined {
    return this.#inFlight.get(path)?.size;
  }

  /**
   * The size and modification time of a file being handled, as the stability check last saw them.
   *
   * @param path A path {@linkcode FileWatcher.files} yielded and that is not released yet.
   * @returns The fingerprint, or `undefined` for other paths.
   */
  fingerprintOf(path: string): Fingerprint | undefined {
    return this.#inFlight.get(path);
  }

  /** Stops watching; a running {@linkcode FileWatcher.files} loop ends. */
  close(): void {
    this.#closed.abort();
    this.#events?.close();
    this.#events = undefined;
  }

  /**
   * Waits until the root folder can be listed, trying again with a backoff (1 s, doubling, at
   * most {@linkcode ROOT_RETRY_MAX_MS}) and telling `onUnavailable` why meanwhile.
   *
   * @returns `false` when stopped first.
   */
  async #reachRoot(stop: AbortSignal): Promise<boolean> {
    let delay = ROOT_RETRY_FIRST_MS;
    let wasLost = this.#isRootLost;
    while (!stop.aborted) {
      try {
        this.#realRoot = await Deno.realPath(this.#root);
        const info = await Deno.stat(this.#realRoot);
        if (!info.isDirectory) throw new Error("not a folder");
        if (wasLost) this.#onUnavailable(null);
        this.#isRootLost = false;
        return true;
      } catch (error) {
        const reason = error instanceof Deno.errors.NotFound
          ? "the folder does not exist (a share not reachable?)"
          : (error as Error).message;
        this.#onUnavailable(`${this.#root}: ${reason}; trying again in ${delay / 1000} s`);
        wasLost = true;
      }
      await this.#clock.sleep(delay, stop).catch(() => {});
      delay = Math.min(delay * 2, ROOT_RETRY_MAX_MS);
    }
    return false;
  }

  async #takeReady(): Promise<string[]> {
    const ready: string[] = [];
    const now = this.#clock.now();
    for (const [path, seen] of this.#observed) {
      if (now - seen.since < this.#stableMs) continue;
      this.#observed.delete(path);
      if (this.#inFlight.has(path)) continue;
      const fingerprint = await this.#inspect(path);
      if (!fingerprint) continue;
      if (!isSameFingerprint(fingerprint, seen)) {
        this.#observed.set(path, { ...fingerprint, since: now });
        continue;
      }
      // A folder on the way may have been swapped for a symlink since the scan: check the real
      // location once more before handing out a file below a sub-folder. (A file right in the
      // root has no folder on the way; if it is a symlink, inspect has just checked its target.)
      if (dirname(path) !== this.#root) {
        const real = await Deno.realPath(path).catch(() => null);
        if (real === null || !isInside(this.#realRoot, real)) {
          this.#skip(path, "resolves outside the watch folder");
          continue;
        }
      }
      this.#inFlight.set(path, fingerprint);
      ready.push(path);
    }
    return ready;
  }

  /** Records a fingerprint; a changed one restarts the stability wait. */
  #observe(path: string, fingerprint: Fingerprint): void {
    if (this.#inFlight.has(path)) return;
    const settled = this.#settled.get(path);
    if (settled) {
      if (isSameFingerprint(settled, fingerprint)) return;
      this.#settled.delete(path);
    }
    const seen = this.#observed.get(path);
    if (seen && isSameFingerprint(seen, fingerprint)) return;
    if (!seen && this.#observed.size >= this.#maxTracked) return;
    const now = this.#clock.now();
    // First seen and last written `stableMs` ago or more: count it as unchanged since then, but
    // for the short confirming wait. A changed fingerprint starts the full wait.
    const isOld = !seen && now - fingerprint.mtime >= this.#stableMs;
    const since = isOld ? now - this.#stableMs + Math.ceil(this.#stableMs * CONFIRM_SHARE) : now;
    this.#observed.set(path, { ...fingerprint, since });
    this.#hasNews = true;
  }

  /** Applies the name, pattern and symlink rules to one path. */
  async #inspect(path: string): Promise<Fingerprint | null> {
    const relativePath = relative(this.#root, path);
    if (!isInside(this.#root, path)) return null;
    // A backslash is a separator on Windows only: elsewhere it is part of a file name.
    const parts = relativePath.split(sep === "\\" ? /[\\/]/ : "/");
    if (!this.#recursive && parts.length > 1) return null;
    if (parts.some(isSkippedName) || !this.#pattern.matches(relativePath)) return null;
    if (this.#exclude.some((folder) => isInside(folder, path))) return null;
    const { fingerprint, refusal } = await inspectPath(path, this.#realRoot);
    if (refusal) this.#skip(path, refusal);
    return fingerprint;
  }

  async #scan(folder: string, stop: AbortSignal): Promise<void> {
    try {
      for await (const entry of Deno.readDir(folder)) {
        if (stop.aborted || this.#observed.size >= this.#maxTracked) return;
        if (isSkippedName(entry.name)) continue;
        const path = join(folder, entry.name);
        if (entry.isDirectory) {
          // Real folders only: readDir reports a symlinked folder as a symlink, never entered.
          const isExcluded = this.#exclude.some((skip) => skip === path || isInside(skip, path));
          if (this.#recursive && !isExcluded) await this.#scan(path, stop);
        } else if (!this.#inFlight.has(path) && !this.#observed.has(path)) {
          // A file observed already is looked at again when its stability wait ends; a scan
          // only looks for new files (and changes of kept ones).
          const fingerprint = await this.#inspect(path);
          if (fingerprint) this.#observe(path, fingerprint);
        }
      }
    } catch (error) {
      // A sub-folder removed during the scan is normal; the root itself lost is waited for.
      if (folder === this.#root) this.#isRootLost = true;
      else if (!(error instanceof Deno.errors.NotFound)) {
        this.#skip(folder, `cannot scan: ${(error as Error).message}`);
      }
    }
  }

  /** Reports FIFOs, sockets and devices; events missed meanwhile are found by a scan soon. */
  async #checkSpecial(): Promise<void> {
    const found = await findSpecialEntries(this.#root, {
      recursive: this.#recursive,
      exclude: this.#exclude,
    });
    for (const path of found) {
      const kind = await Deno.lstat(path).then(specialKind, () => null);
      if (kind === null) continue;
      // Told again after a rescan period if it is still there (a move that failed, or a new one
      // of the same name), not every second.
      const now = this.#clock.now();
      if (now - (this.#specialTold.get(path) ?? -Infinity) < this.#rescanMs) continue;
      if (this.#specialTold.size >= 1000) this.#specialTold.clear();
      this.#specialTold.set(path, now);
      this.#onSkip(path, `not a regular file (${kind})`);
      this.#isScanRequested = true;
    }
  }

  #startEvents(): void {
    let events: Deno.FsWatcher;
    try {
      events = Deno.watchFs(this.#root, { recursive: this.#recursive });
    } catch (error) {
      this.#skip(this.#root, `no file events, rescans only: ${(error as Error).message}`);
      return;
    }
    this.#events = events;
    (async () => {
      try {
        for await (const event of events) {
          if (event.kind === "remove" || event.kind === "access") continue;
          for (const path of event.paths) void this.#hint(path);
        }
      } catch {
        // The watcher was closed or failed; the periodic rescan carries on.
      }
    })();
  }

  async #hint(eventPath: string): Promise<void> {
    // Events below folders never taken from (the `Done` and `Error` folders, hidden ones such as
    // the intake's claim folder) come with every file handled: they neither ask for a scan nor
    // cost a look-up.
    if (this.#isNeverTaken(eventPath)) return;
    if (this.#eventScanAt === null) {
      const delay = Math.max(EVENT_SCAN_DELAY_MS, 5 * this.#lastScanCostMs);
      this.#eventScanAt = this.#clock.now() + delay;
      // The loop may be waiting for a later time: let it wait for this scan instead.
      this.#wake?.abort();
    }
    // Windows may report a file by its 8.3 short name (REPORT~1.CSV) while a scan lists its long
    // name: both would be tracked, and the second post action fails. Its real path is long.
    if (this.#platform.mayHoldShortName(eventPath)) {
      eventPath = await Deno.realPath(eventPath).catch(() => eventPath);
    }
    // Some platforms report real paths (macOS: /private/var/...) for a root reached by symlink.
    const path = !isInside(this.#root, eventPath) && isInside(this.#realRoot, eventPath)
      ? join(this.#root, relative(this.#realRoot, eventPath))
      : eventPath;
    const fingerprint = await this.#inspect(path).catch(() => null);
    if (fingerprint) this.#observe(path, fingerprint);
    else if (this.#recursive) {
      // A folder moved in brings files without events of their own: scan soon.
      const info = await Deno.lstat(path).catch(() => null);
      if (info?.isDirectory) this.#isScanRequested = this.#hasNews = true;
    }
    if (this.#hasNews) this.#wake?.abort();
  }

  /** Whether a path lies where no file is ever taken: an excluded or a skipped-name folder. */
  #isNeverTaken(path: string): boolean {
    if (this.#exclude.some((folder) => folder === path || isInside(folder, path))) return true;
    const root = isInside(this.#realRoot, path) ? this.#realRoot : this.#root;
    if (!isInside(root, path)) return false;
    const folders = relative(root, path).split(sep === "\\" ? /[\\/]/ : "/").slice(0, -1);
    return folders.some(isSkippedName);
  }

  async #wait(ms: number, stop: AbortSignal): Promise<void> {
    const wake = new AbortController();
    this.#wake = wake;
    // An abort (new file, stop, close) ends the wait early; it is not an error here.
    await this.#clock.sleep(Math.max(0, ms), AbortSignal.any([stop, wake.signal])).catch(() => {});
    this.#wake = undefined;
  }

  #skip(path: string, reason: string): void {
    const key = `${path}\n${reason}`;
    if (this.#reported.has(key)) return;
    if (this.#reported.size >= 1000) this.#reported.clear();
    this.#reported.add(key);
    this.#onSkip(path, reason);
  }
}
