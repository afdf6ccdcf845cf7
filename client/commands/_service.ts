/**
 * `wats service install|uninstall|start|stop|status`: the instance as an OS service (systemd,
 * launchd, Windows service); see `client/install/install.ts`.
 *
 * @module
 */

import { currentPlatform } from "../../util/platform.ts";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/config.ts";
import { instanceDataDir } from "../config/instance.ts";
import {
  findServiceWrapper,
  planService,
  runServiceAction,
  type ServiceAction,
} from "../install/install.ts";
import { EXIT_CODES } from "../exit_codes.ts";
import { CommandError, COMMON_OPTIONS, instanceFrom } from "./_context.ts";
import type { CliIo } from "./_io.ts";

/** Help of `wats service`. */
export const SERVICE_HELP =
  `Usage: wats service install|uninstall|start|stop|status [--instance NAME] [--user] [--dry-run]

Installs the instance (default "default") as an OS service and drives it: a systemd unit
(wats-client[@NAME].service; --user for a per-user unit), a launchd daemon or agent
(com.wats.client[.NAME]), or a Windows service (WATSClient[_NAME], made with sc.exe and run by
NSSM, nssm.exe, which speaks to the Service Control Manager for it). install prints every file it
writes and command it runs; --dry-run only prints. It writes no configuration: when the file is
missing it says how to make one (wats config init).

Options:
  --instance NAME     the instance: [A-Za-z0-9_-]{1,64}
  -c, --config FILE   the configuration the service reads (default: config.json in the data folder)
  --data-dir DIR      the instance's data folder (default: per OS, see the README)
  --user              a per-user service rather than a system one
  --grace SECONDS     the stop grace period of the service (default 20)
  --dry-run           print, write and run nothing
  --root DIR          write the files under DIR (a package's staging root); commands are printed
  --os OS             plan for linux, darwin or windows (with --dry-run or --root)
  --wrapper FILE      Windows: nssm.exe (default: beside wats.exe, else on PATH)

Exit codes: 2 nssm.exe not found, 10 already installed, 11 not installed, 12 install failed, 13 uninstall failed,
14 permission denied, 30 start failed, 31 stop failed, 32 not running.
`;

const ACTIONS: readonly ServiceAction[] = ["install", "uninstall", "start", "stop", "status"];
const OSES = ["linux", "darwin", "windows"] as const;

function envOf(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * Runs `wats service`.
 *
 * @param args The arguments after `service`.
 * @param io Output.
 * @returns The exit code.
 */
export async function serviceCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...COMMON_OPTIONS,
      user: { type: "boolean" },
      grace: { type: "string" },
      "dry-run": { type: "boolean" },
      root: { type: "string" },
      os: { type: "string" },
      wrapper: { type: "string" },
    },
  });
  const action = positionals[0] as ServiceAction | undefined;
  if (values.help || action === undefined) {
    io.out(SERVICE_HELP);
    return values.help ? 0 : 2;
  }
  if (!ACTIONS.includes(action) || positionals.length > 1) {
    throw new CommandError(
      `Unknown service action "${positionals.join(" ")}"\n\n${SERVICE_HELP}`,
      2,
    );
  }
  const os = values.os ?? currentPlatform.os;
  if (!(OSES as readonly string[]).includes(os)) {
    throw new CommandError(`--os ${os}: expected one of ${OSES.join(", ")}`, 2);
  }
  if (os !== currentPlatform.os && !values["dry-run"] && values.root === undefined) {
    throw new CommandError(`--os ${os} needs --dry-run or --root on ${currentPlatform.os}`, 2);
  }
  const graceSeconds = values.grace === undefined ? 20 : Number(values.grace);
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0) {
    throw new CommandError("--grace must be a whole number of seconds", 2);
  }
  const instance = instanceFrom(values);
  const isUser = values.user ?? false;
  const dataDir = values["data-dir"] ??
    instanceDataDir(instance, { os: os as typeof Deno.build.os, isUser, env: envOf });
  const configFile = values.config ?? join(dataDir, "config.json");
  const isShowOnly = values["dry-run"] === true || values.root !== undefined;
  let serviceWrapper: string | undefined;
  if (os === "windows" && action === "install") {
    serviceWrapper = await findServiceWrapper(values.wrapper, { env: envOf });
    if (serviceWrapper === undefined) {
      const missing = values.wrapper ?? "nssm.exe beside wats.exe or on PATH";
      if (!isShowOnly) {
        throw new CommandError(
          `A Windows service needs NSSM to run wats: no ${missing}. Get nssm.exe (one file, ` +
            "https://nssm.cc), put it beside wats.exe or name it with --wrapper FILE; " +
            "docs/windows-service.md shows the service it makes",
          EXIT_CODES.missingRequirements,
        );
      }
      io.out(`No ${missing}; install needs it (--wrapper FILE)\n`);
    }
  }
  const plan = planService({
    instance,
    os: os as typeof Deno.build.os,
    isUser,
    dataDir,
    configFile,
    graceSeconds,
    writablePaths: action === "install" ? await writablePaths(configFile, dataDir) : [],
    env: envOf,
    serviceWrapper,
  });
  const code = await runServiceAction(action, plan, {
    dryRun: values["dry-run"],
    root: values.root,
    print: (line) => io.out(`${line}\n`),
  });
  if (action === "install" && code === EXIT_CODES.ok && !await exists(configFile)) {
    // The install writes no configuration: the service would exit 21 at every start.
    const dataDirArgs = values["data-dir"] ? ` --data-dir ${dataDir}` : "";
    io.out(
      `No configuration at ${configFile} yet; the service does not start without one.\n` +
        `Next: wats config init --config ${configFile}${dataDirArgs}\n`,
    );
  }
  return code;
}

/** Whether a file exists; a file this account may not look at counts as there. */
async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    return !(error instanceof Deno.errors.NotFound);
  }
}

/** The folders the configured service writes (for systemd's `ReadWritePaths=`). */
async function writablePaths(configFile: string, dataDir: string): Promise<string[]> {
  try {
    const config = await loadConfig({ file: configFile, env: {}, flags: { dataDir } });
    return config.watch.flatMap((watch) =>
      [watch.path, watch.archiveDir, watch.errorDir].filter((path) => path !== undefined)
    );
  } catch {
    // No configuration yet (installed first, configured later): the data folder only.
    return [];
  }
}
