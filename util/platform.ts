/**
 * What differs between the operating systems a station runs on, in one value.
 *
 * Every OS check of the toolkit goes through a {@linkcode Platform}: which signals stop a
 * service, whether file mode bits mean anything, which file errors pass by themselves, how a
 * rename is made durable, how paths compare, which line ending people's text files get, and
 * whether a path is on a network share, and how programs are named and found. {@linkcode platformFor} builds the value of any OS, so
 * tests run the Windows form on Linux; {@linkcode currentPlatform} is the one of this process.
 *
 * ## Durable renames
 *
 * POSIX file systems make a rename durable with an fsync of the folder that holds the new name.
 * Windows has no such call that Deno can make on a folder: a folder handle flush needs write
 * access the runtime does not ask for. NTFS logs a rename in its journal, and flushing any file
 * handle of the volume (`FlushFileBuffers`) commits the journal up to that point; so on Windows
 * the renamed file itself is opened for writing and flushed (`"file"`).
 *
 * @module
 */

import { posix, win32 } from "node:path";

/** How a rename is made durable: fsync the folder (POSIX) or flush the renamed file (Windows). */
export type RenameDurability = "folder" | "file";

/** The differences between operating systems the toolkit cares about. */
export interface Platform {
  /** The OS, as `Deno.build.os` names it. */
  readonly os: typeof Deno.build.os;
  /** Whether this is Windows. */
  readonly isWindows: boolean;
  /**
   * The signals that stop a service. Windows: Ctrl+C (`SIGINT`), Ctrl+Break (`SIGBREAK`),
   * console close (`SIGHUP`), logoff and shutdown (`SIGTERM`); POSIX: `SIGINT` and `SIGTERM`.
   */
  readonly stopSignals: readonly Deno.Signal[];
  /** The signal that reloads the configuration: `SIGHUP` on POSIX; none on Windows, where it stops. */
  readonly reloadSignal: Deno.Signal | null;
  /** Whether `Deno.stat`'s `mode` says who may read a file (not on Windows, where ACLs do). */
  readonly hasModeBits: boolean;
  /** How a rename is made durable. */
  readonly renameDurability: RenameDurability;
  /** The line ending of text files people read (reason files). */
  readonly lineEnding: "\n" | "\r\n";
  /**
   * Tells whether a file error passes by itself: another process holds the file open (Windows
   * sharing violations, `EBUSY`, and `EPERM`/`EACCES` from a scanner or indexer on Windows).
   *
   * @param error What a file operation threw.
   * @returns `true` when trying again a little later may succeed.
   */
  isTransientError(error: unknown): boolean;
  /**
   * A path in the form that compares equal for every spelling of it the OS treats as one:
   * on Windows case-insensitive, `/` and `\` alike, `\\?\` and `\\?\UNC\` prefixes dropped,
   * no trailing separator.
   *
   * @param path An absolute path.
   * @returns The comparison key.
   */
  pathKey(path: string): string;
  /**
   * Tells whether two paths name the same place (by {@linkcode Platform.pathKey}).
   *
   * @param a A path.
   * @param b Another path.
   * @returns `true` when the OS treats them as one.
   */
  isSamePath(a: string, b: string): boolean;
  /**
   * Tells whether a path may hold an 8.3 short name (`PROGRA~1`), which the file system
   * resolves to a long one; always `false` off Windows.
   *
   * @param path A path.
   * @returns `true` when a part of it looks like a short name.
   */
  mayHoldShortName(path: string): boolean;
  /**
   * Tells whether a path names a network share by its spelling: a UNC path (`\\server\share`,
   * `//server/share`). A mapped drive looks like any drive; a caller finds it by its missing root.
   *
   * @param path An absolute path.
   * @returns `true` for a UNC path.
   */
  isNetworkPath(path: string): boolean;
  /** What separates the folders of `PATH`: `;` on Windows, `:` elsewhere. */
  readonly pathListSeparator: ";" | ":";
  /**
   * The file name of a program: on Windows `.exe` is added to a name without an extension.
   *
   * @param name A program name (`nssm`).
   * @returns Its file name (`nssm.exe` on Windows).
   */
  executableName(name: string): string;
  /**
   * Gives text the line endings of {@linkcode Platform.lineEnding}.
   *
   * @param text Text with `\n` line endings.
   * @returns The text as this OS's editors expect it.
   */
  textLines(text: string): string;
}

/** Windows error codes Deno passes on as plain `Error`s with a `code`. */
const WINDOWS_TRANSIENT_CODES = new Set(["EBUSY", "EPERM", "EACCES"]);

/** A part of a path that looks like an 8.3 short name: up to 6 characters, `~`, digits. */
const SHORT_NAME = /(?:^|[\\/])[^\\/~]{1,6}~\d{1,6}(?:\.[^\\/.]{0,3})?(?=[\\/]|$)/;

function errorCode(error: unknown): unknown {
  return typeof error === "object" && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}

function windowsPathKey(path: string): string {
  let key = path.replaceAll("/", "\\");
  if (/^\\\\\?\\UNC\\/i.test(key)) key = "\\\\" + key.slice(8);
  else if (key.startsWith("\\\\?\\")) key = key.slice(4);
  key = win32.normalize(key);
  const root = win32.parse(key).root;
  while (key.length > root.length && key.endsWith("\\")) key = key.slice(0, -1);
  return key.toLowerCase();
}

function posixPathKey(path: string): string {
  const key = posix.normalize(path);
  return key.length > 1 && key.endsWith("/") ? key.slice(0, -1) : key;
}

function windowsPlatform(): Platform {
  return {
    os: "windows",
    isWindows: true,
    stopSignals: ["SIGINT", "SIGBREAK", "SIGHUP", "SIGTERM"],
    reloadSignal: null,
    hasModeBits: false,
    renameDurability: "file",
    lineEnding: "\r\n",
    isTransientError(error) {
      if (error instanceof Deno.errors.Busy) return true;
      if (error instanceof Deno.errors.PermissionDenied) return true;
      const code = errorCode(error);
      return typeof code === "string" && WINDOWS_TRANSIENT_CODES.has(code);
    },
    pathKey: windowsPathKey,
    isSamePath: (a, b) => windowsPathKey(a) === windowsPathKey(b),
    mayHoldShortName: (path) => SHORT_NAME.test(path),
    isNetworkPath: (path) => windowsPathKey(path).startsWith("\\\\"),
    pathListSeparator: ";",
    executableName: (name) => win32.extname(name) === "" ? `${name}.exe` : name,
    textLines: (text) => text.replace(/\r?\n/g, "\r\n"),
  };
}

function posixPlatform(os: typeof Deno.build.os): Platform {
  return {
    os,
    isWindows: false,
    stopSignals: ["SIGINT", "SIGTERM"],
    reloadSignal: "SIGHUP",
    hasModeBits: true,
    renameDurability: "folder",
    lineEnding: "\n",
    isTransientError(error) {
      // EACCES and EPERM are lasting refusals here; only a busy file passes.
      return error instanceof Deno.errors.Busy || errorCode(error) === "EBUSY";
    },
    pathKey: posixPathKey,
    isSamePath: (a, b) => posixPathKey(a) === posixPathKey(b),
    mayHoldShortName: () => false,
    // A mount point of a share looks like any folder; only a UNC spelling tells.
    isNetworkPath: (path) => path.startsWith("//") || path.startsWith("\\\\"),
    pathListSeparator: ":",
    executableName: (name) => name,
    textLines: (text) => text,
  };
}

/**
 * The platform value of an OS.
 *
 * @param os The OS, as `Deno.build.os` names it.
 * @returns Its differences; every OS but Windows gets the POSIX form.
 */
export function platformFor(os: typeof Deno.build.os): Platform {
  return os === "windows" ? windowsPlatform() : posixPlatform(os);
}

/** The platform this process runs on. */
export const currentPlatform: Platform = platformFor(Deno.build.os);
