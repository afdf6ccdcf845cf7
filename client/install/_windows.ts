/**
 * The Windows service of an instance (`WATSClient`, `WATSClient_<name>`).
 *
 * A Windows service must speak the Service Control Manager's protocol, which a Deno program
 * cannot; NSSM (the Non-Sucking Service Manager, one public-domain `nssm.exe`) speaks it and runs
 * `wats run` as its application. The service is created with `sc.exe` with NSSM as its program,
 * delayed automatic start, and the recovery actions of the reference client (restart after 5 s,
 * 5 s, then 30 s; the failure count resets after a day, `failureflag` set). NSSM's settings, kept
 * in the service's registry key, then name the command, stop it with Ctrl+C and wait the grace
 * period, restart it 5 s after a failure but not after a clean exit or a configuration or
 * permission error, and write its output to `logs\service.log` in the data folder.
 *
 * @module
 */

import { win32 } from "node:path";
import { windowsQuote } from "./_plan.ts";
import type { PlanInput, ServicePlan } from "./_plan.ts";

/** The Windows service name of an instance. */
export function windowsServiceName(instance: string): string {
  return instance === "default" ? "WATSClient" : `WATSClient_${instance}`;
}

/** Exit codes of `wats run` that a restart does not cure: stop the service instead. */
const NO_RESTART_EXITS = [0, 14, 20, 21, 22] as const;

/** The Windows plan of an instance. */
export function windowsPlan(input: PlanInput): ServicePlan {
  const name = windowsServiceName(input.instance);
  const display = "WATS Client Service" +
    (input.instance === "default" ? "" : ` (${input.instance})`);
  const nssm = input.serviceWrapper;
  const set = (...args: string[]) => [nssm, "set", name, ...args];
  const [program, ...args] = input.command;
  const log = win32.join(input.dataDir, "logs", "service.log");
  const environment = Object.entries(input.environment).map(([key, value]) => `${key}=${value}`);
  return {
    os: "windows",
    name,
    files: [],
    folders: [input.dataDir, win32.join(input.dataDir, "logs")],
    install: [
      // sc.exe takes the whole command line of the service as one `binPath=` value.
      ["sc.exe", "create", name, "binPath=", windowsQuote(nssm), "start=", "delayed-auto"]
        .concat(["DisplayName=", display]),
      [
        "sc.exe",
        "description",
        name,
        "Watches drop folders, converts test results and uploads them to WATS",
      ],
      set("Application", program),
      // The rest of the command line, quoted the way the C runtime splits it again.
      set("AppParameters", args.map(windowsQuote).join(" ")),
      set("AppDirectory", input.dataDir),
      ...environment.length === 0 ? [] : [set("AppEnvironmentExtra", ...environment)],
      // Stop: Ctrl+C only (skip WM_CLOSE and WM_QUIT), then the grace period and 10 s more.
      set("AppStopMethodSkip", "6"),
      set("AppStopMethodConsole", String((input.graceSeconds + 10) * 1000)),
      set("AppExit", "Default", "Restart"),
      ...NO_RESTART_EXITS.map((code) => set("AppExit", String(code), "Exit")),
      set("AppRestartDelay", "5000"),
      set("AppStdout", log),
      set("AppStderr", log),
      set("AppRotateFiles", "1"),
      set("AppRotateOnline", "1"),
      set("AppRotateBytes", "10485760"),
      [
        "sc.exe",
        "failure",
        name,
        "reset=",
        "86400",
        "actions=",
        "restart/5000/restart/5000/restart/30000",
      ],
      ["sc.exe", "failureflag", name, "1"],
    ],
    uninstall: [["sc.exe", "stop", name], ["sc.exe", "delete", name]],
    afterUninstall: [],
    start: ["sc.exe", "start", name],
    stop: ["sc.exe", "stop", name],
    status: ["sc.exe", "query", name],
    running: /STATE\s*:\s*4\s+RUNNING/,
    query: ["sc.exe", "qc", name],
  };
}
