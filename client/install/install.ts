/**
 * Installs the station service as an OS service and drives it: a systemd unit on Linux (system,
 * or per user with `--user`), a launchd property list on macOS, a Windows service made with
 * `sc.exe` that NSSM runs (see `_windows.ts`). One name per platform and instance: `wats-client[@<name>].service`,
 * `com.wats.client[.<name>]`, `WATSClient[_<name>]`.
 *
 * The service runs `wats run --instance <name> --config <file>`: the compiled binary when this
 * process is one, else `deno run` with the permission flags of the `compile` task
 * ({@linkcode RUN_FLAGS}) and this package's `cli.ts`. Every file written and command run is
 * printed first; a dry run only prints. A root folder (`--root`) stages the files under it, as a
 * package build does, and prints the commands without running them.
 *
 * Exit codes (`client-service.md` §1.6): 10 already installed, 11 not installed, 12 install
 * failed, 13 uninstall failed, 14 permission denied, 30 start failed, 31 stop failed, 32 not
 * running.
 *
 * @module
 */

import { currentPlatform, type Platform } from "../../util/platform.ts";
import { exists } from "../_fs.ts";
import { dirname, join, posix, win32 } from "node:path";
import { fileURLToPath } from "node:url";
import { EXIT_CODES } from "../exit_codes.ts";
import { commandLine, type PlanInput, type ServicePlan } from "./_plan.ts";
import { launchdPlan } from "./_launchd.ts";
import { systemdPlan } from "./_systemd.ts";
import { windowsPlan } from "./_windows.ts";

export type { PlannedFile, ServicePlan } from "./_plan.ts";

/**
 * The permission and unstable flags `deno run` gets when no compiled binary runs the service:
 * those of the `compile` task in `deno.json` (a test keeps the two equal).
 */
export const RUN_FLAGS: readonly string[] = [
  "--unstable-kv",
  "--unstable-worker-options",
  "--allow-read",
  "--allow-write",
  "--allow-net",
  "--allow-env",
  "--allow-sys=hostname,uid,statfs",
  "--v8-flags=--optimize-for-size",
];

/** What `wats service` does. */
export type ServiceAction = "install" | "uninstall" | "start" | "stop" | "status";

/** The result of one command. */
export interface CommandResult {
  /** The exit code. */
  code: number;
  /** Standard output and error. */
  output: string;
}

/**
 * Runs one command (`systemctl`, `launchctl`, `sc.exe`); tests give their own.
 *
 * @param command The program and its arguments.
 * @returns Its exit code and output.
 */
export type CommandRunner = (command: string[]) => Promise<CommandResult>;

/**
 * Runs a command as a child process.
 *
 * @param command The program and its arguments.
 * @returns Its exit code and output; 127 when the program is missing.
 */
export async function runProcess(command: string[]): Promise<CommandResult> {
  try {
    const { code, stdout, stderr } = await new Deno.Command(command[0], {
      args: command.slice(1),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return { code, output: decoder.decode(stdout) + decoder.decode(stderr) };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { code: 127, output: `${command[0]}: not found` };
    }
    throw error;
  }
}

/** What a plan is made from. */
export interface ServicePlanOptions {
  /** The instance name. */
  instance: string;
  /** The OS; this one by default. */
  os?: typeof Deno.build.os;
  /** A per-user service (systemd `--user`, a launchd agent). */
  isUser?: boolean;
  /** The instance's data folder. */
  dataDir: string;
  /** The configuration file the service reads. */
  configFile: string;
  /** Folders the service writes besides the data folder (drop, archive, error folders). */
  writablePaths?: string[];
  /** The stop grace period of `wats run`, in seconds; 20 by default. */
  graceSeconds?: number;
  /** The program that starts `wats` (before `run`); {@linkcode watsProgram} by default. */
  program?: string[];
  /** Reads environment variables (`HOME`, `XDG_CONFIG_HOME`); the process's by default. */
  env?: (name: string) => string | undefined;
  /** Windows: the NSSM program that runs `wats run` as a service; `nssm.exe` by default. */
  serviceWrapper?: string;
}

function processEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * The program that starts `wats`: the compiled binary itself, or `deno run` with
 * {@linkcode RUN_FLAGS} and `cli.ts`.
 *
 * @returns The program and its arguments before `run`.
 */
export function watsProgram(): string[] {
  if (Deno.build.standalone) return [Deno.execPath()];
  const cli = new URL("../../cli.ts", import.meta.url);
  const script = cli.protocol === "file:" ? fileURLToPath(cli) : cli.href;
  return [Deno.execPath(), "run", ...RUN_FLAGS, script];
}

/** Where {@linkcode findServiceWrapper} looks. */
export interface FindWrapperOptions {
  /** The OS; this one by default. */
  platform?: Platform;
  /** Reads environment variables (`PATH`). */
  env: (name: string) => string | undefined;
  /** The program that runs `wats` ({@linkcode watsProgram}'s first part by default). */
  program?: string;
}

/**
 * The NSSM program of a Windows service: `given` when it exists, else `nssm.exe` beside the
 * program that runs `wats` or in a folder of `PATH`. Planned on another OS (`--os windows`), the
 * name alone, which Windows looks up on `PATH` when the service is installed there.
 *
 * @param given The program the user named (`--wrapper`), if any.
 * @param options The OS, the environment and the program.
 * @returns The program's path, or `undefined` when it is not there.
 */
export async function findServiceWrapper(
  given: string | undefined,
  options: FindWrapperOptions,
): Promise<string | undefined> {
  const platform = options.platform ?? currentPlatform;
  if (!platform.isWindows) return given ?? "nssm.exe";
  if (given !== undefined) return await exists(given) ? given : undefined;
  const name = platform.executableName("nssm");
  const program = options.program ?? watsProgram()[0];
  const path = options.env("PATH") ?? options.env("Path") ?? "";
  const folders = [dirname(program), ...path.split(platform.pathListSeparator)];
  for (const folder of folders.filter((folder) => folder !== "")) {
    if (await exists(join(folder, name))) return join(folder, name);
  }
  return undefined;
}

/**
 * Makes the plan of an instance's OS service.
 *
 * @param options The instance, the OS, its folders and the command.
 * @returns The files, folders and commands.
 */
export function planService(options: ServicePlanOptions): ServicePlan {
  const env = options.env ?? processEnv;
  const os = options.os ?? currentPlatform.os;
  const graceSeconds = options.graceSeconds ?? 20;
  const home = env("HOME") ?? env("USERPROFILE") ?? "/root";
  let uid = 0;
  try {
    uid = Deno.uid() ?? 0;
  } catch {
    // Without --allow-sys=uid; only a launchd agent's domain needs it.
  }
  const program = options.program ?? watsProgram();
  const input: PlanInput = {
    instance: options.instance,
    isUser: options.isUser ?? false,
    command: [
      ...program,
      "run",
      "--instance",
      options.instance,
      "--config",
      options.configFile,
      ...graceSeconds === 20 ? [] : ["--grace", String(graceSeconds)],
    ],
    dataDir: options.dataDir,
    writablePaths: [...new Set(options.writablePaths ?? [])].filter((path) =>
      path !== options.dataDir
    ),
    // `deno run` caches modules; the service's own folder is writable under any sandbox.
    environment: program.length > 1 && program[1] === "run"
      ? { DENO_DIR: (os === "windows" ? win32 : posix).join(options.dataDir, "deno") }
      : {},
    graceSeconds,
    home,
    uid,
    userUnitDir: join(env("XDG_CONFIG_HOME") ?? join(home, ".config"), "systemd", "user"),
    serviceWrapper: options.serviceWrapper ?? "nssm.exe",
  };
  if (os === "windows") return windowsPlan(input);
  if (os === "darwin") return launchdPlan(input);
  return systemdPlan(input);
}

/** How {@linkcode runServiceAction} works. */
export interface ServiceActionOptions {
  /** Only print what would be written and run. */
  dryRun?: boolean;
  /** Stage files under this folder and print the commands without running them. */
  root?: string;
  /** Runs the commands; {@linkcode runProcess} by default. */
  runner?: CommandRunner;
  /** Receives every line to show. */
  print: (line: string) => void;
}

/** A failed step, with the exit code it means. */
class ActionError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

/**
 * Installs, removes, starts, stops or asks about an instance's OS service.
 *
 * @param action What to do.
 * @param plan The plan of the instance ({@linkcode planService}).
 * @param options Dry run, staging root, the command runner and the output.
 * @returns The exit code (§1.6).
 */
export async function runServiceAction(
  action: ServiceAction,
  plan: ServicePlan,
  options: ServiceActionOptions,
): Promise<number> {
  try {
    return await new ServiceActions(plan, options)[action]();
  } catch (error) {
    if (error instanceof ActionError) {
      options.print(error.message);
      return error.exitCode;
    }
    throw error;
  }
}

class ServiceActions {
  readonly #plan: ServicePlan;
  readonly #options: ServiceActionOptions;
  readonly #runner: CommandRunner;
  /** Commands are shown, not run: a dry run, or files staged under a root. */
  readonly #isShowOnly: boolean;

  constructor(plan: ServicePlan, options: ServiceActionOptions) {
    this.#plan = plan;
    this.#options = options;
    this.#runner = options.runner ?? runProcess;
    this.#isShowOnly = options.dryRun === true || options.root !== undefined;
  }

  async install(): Promise<number> {
    const plan = this.#plan;
    if (await this.#isInstalled()) {
      throw new ActionError(
        `${plan.name} is already installed; run \`wats service uninstall\` first`,
        10,
      );
    }
    const { print, dryRun } = this.#options;
    for (const folder of plan.folders) {
      print(`mkdir ${this.#where(folder)}`);
      if (!dryRun) await this.#step(12, () => Deno.mkdir(this.#where(folder), { recursive: true }));
    }
    for (const file of plan.files) {
      const path = this.#where(file.path);
      print(`write ${path}:`);
      print(file.content.trimEnd().split("\n").map((line) => `  ${line}`).join("\n"));
      if (dryRun) continue;
      await this.#step(12, async () => {
        await Deno.mkdir(dirname(path), { recursive: true });
        await Deno.writeTextFile(path, file.content, { mode: 0o644 });
      });
    }
    for (const command of plan.install) await this.#run(command, 12);
    if (!dryRun) {
      print(`Installed ${plan.name}; start it with \`wats service start\``);
    }
    return EXIT_CODES.ok;
  }

  async uninstall(): Promise<number> {
    const plan = this.#plan;
    await this.#mustBeInstalled();
    for (const command of plan.uninstall) await this.#run(command, 13, { mayFail: true });
    for (const file of plan.files) {
      const path = this.#where(file.path);
      this.#options.print(`remove ${path}`);
      if (!this.#options.dryRun) await this.#step(13, () => Deno.remove(path));
    }
    for (const command of plan.afterUninstall) await this.#run(command, 13);
    // The data folder stays: it holds the queue and the ledger.
    return EXIT_CODES.ok;
  }

  async start(): Promise<number> {
    await this.#mustBeInstalled();
    await this.#run(this.#plan.start, EXIT_CODES.startFailed);
    return EXIT_CODES.ok;
  }

  async stop(): Promise<number> {
    await this.#mustBeInstalled();
    await this.#run(this.#plan.stop, EXIT_CODES.stopFailed);
    return EXIT_CODES.ok;
  }

  async status(): Promise<number> {
    await this.#mustBeInstalled();
    const result = await this.#run(this.#plan.status, EXIT_CODES.notRunning, { mayFail: true });
    if (result === null) return EXIT_CODES.ok;
    const isRunning = result.code === 0 &&
      (this.#plan.running === undefined || this.#plan.running.test(result.output));
    this.#options.print(`${this.#plan.name}: ${isRunning ? "running" : "not running"}`);
    return isRunning ? EXIT_CODES.ok : EXIT_CODES.notRunning;
  }

  #where(path: string): string {
    const { root } = this.#options;
    if (root === undefined) return path;
    // A Windows path keeps its drive letter as a folder under the root.
    return join(root, path.replace(/^([A-Za-z]):/, "$1"));
  }

  async #isInstalled(): Promise<boolean> {
    const file = this.#plan.files[0];
    if (file) {
      try {
        await Deno.lstat(this.#where(file.path));
        return true;
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return false;
        throw error;
      }
    }
    if (this.#plan.query === undefined || this.#isShowOnly) return false;
    return (await this.#runner(this.#plan.query)).code === 0;
  }

  async #mustBeInstalled(): Promise<void> {
    if (!await this.#isInstalled()) {
      throw new ActionError(
        `${this.#plan.name} is not installed; run \`wats service install\` first`,
        11,
      );
    }
  }

  /** Prints and runs one command; `null` when it is only shown. */
  async #run(
    command: string[],
    failCode: number,
    options: { mayFail?: boolean } = {},
  ): Promise<CommandResult | null> {
    this.#options.print(`run ${commandLine(this.#plan.os, command)}`);
    if (this.#isShowOnly) return null;
    const result = await this.#runner(command);
    if (result.code !== 0 && !options.mayFail) {
      throw new ActionError(
        `${command[0]} ${command[1]} failed (exit ${result.code}): ${result.output.trim()}`,
        failCode,
      );
    }
    return result;
  }

  async #step(failCode: number, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      const isDenied = error instanceof Deno.errors.PermissionDenied;
      const hint = isDenied ? " (run as administrator/root, or use --user)" : "";
      throw new ActionError(
        `${(error as Error).message}${hint}`,
        isDenied ? EXIT_CODES.permissionDenied : failCode,
      );
    }
  }
}
