/**
 * The shape every platform's install plan shares, and the quoting of command lines for display.
 *
 * @module
 */

/** One file an install writes. */
export interface PlannedFile {
  /** Its absolute path on the target system. */
  path: string;
  /** Its whole content. */
  content: string;
}

/** What installing, removing and driving one OS service takes on one platform. */
export interface ServicePlan {
  /** The OS the plan is for. */
  os: "linux" | "darwin" | "windows";
  /** The OS service's name: the systemd unit, the launchd label or the Windows service name. */
  name: string;
  /** The files `install` writes (none on Windows, where the service lives in the registry). */
  files: PlannedFile[];
  /** Folders `install` makes (the instance's data folder). */
  folders: string[];
  /** Commands `install` runs after writing the files. */
  install: string[][];
  /** Commands `uninstall` runs before removing the files. */
  uninstall: string[][];
  /** Commands `uninstall` runs after removing the files. */
  afterUninstall: string[][];
  /** The command that starts the service. */
  start: string[];
  /** The command that stops the service. */
  stop: string[];
  /** The command whose exit code tells whether the service runs (0 = running). */
  status: string[];
  /** What the status command prints while the service runs, when its exit code does not say. */
  running?: RegExp;
  /** The command whose exit code tells whether the service is installed, when no file does. */
  query?: string[];
}

/** What every platform's plan is made from. */
export interface PlanInput {
  /** The instance name. */
  instance: string;
  /** A per-user service rather than a system one. */
  isUser: boolean;
  /** The program and arguments that run the service in the foreground (`wats run ...`). */
  command: string[];
  /** The instance's data folder. */
  dataDir: string;
  /** Folders the service writes besides the data folder (drop, archive and error folders). */
  writablePaths: string[];
  /** Environment variables of the service (`DENO_DIR` when `deno run` starts it). */
  environment: Record<string, string>;
  /** The stop grace period of `wats run`, in seconds. */
  graceSeconds: number;
  /** The home folder (per-user services). */
  home: string;
  /** The user id (launchd's `gui/<uid>` domain). */
  uid: number;
  /** The user's systemd configuration folder (`$XDG_CONFIG_HOME/systemd/user`). */
  userUnitDir: string;
  /** The program that runs the command as a Windows service: NSSM (`nssm.exe`). */
  serviceWrapper: string;
}

/**
 * Quotes one argument for a POSIX shell, only when it needs it.
 *
 * @param arg The argument.
 * @returns The argument as a shell would read it back.
 */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * Quotes one argument the way Windows programs (the C runtime, `sc.exe`) split a command line:
 * in double quotes when it holds a space or quote, inner quotes as `\"`, backslashes before a
 * quote doubled.
 *
 * @param arg The argument.
 * @returns The argument as a Windows program reads it back.
 */
export function windowsQuote(arg: string): string {
  if (arg !== "" && !/[\s"]/.test(arg)) return arg;
  let quoted = '"';
  let backslashes = 0;
  for (const char of arg) {
    if (char === "\\") {
      backslashes++;
      continue;
    }
    if (char === '"') quoted += "\\".repeat(backslashes * 2 + 1) + '"';
    else quoted += "\\".repeat(backslashes) + char;
    backslashes = 0;
  }
  return quoted + "\\".repeat(backslashes * 2) + '"';
}

/**
 * A command as a person would type it on the plan's OS.
 *
 * @param os The OS.
 * @param command The program and its arguments.
 * @returns One line.
 */
export function commandLine(os: ServicePlan["os"], command: string[]): string {
  return command.map(os === "windows" ? windowsQuote : shellQuote).join(" ");
}
