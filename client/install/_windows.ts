/**
 * The Windows service of an instance (`WATSClient`, `WATSClient_<name>`), created with `sc.exe`:
 * delayed automatic start, and the recovery actions of the reference client (restart after 5 s,
 * 5 s, then 30 s; the failure count resets after a day), applied to non-zero exits too
 * (`failureflag`).
 *
 * @module
 */

import { windowsQuote } from "./_plan.ts";
import type { PlanInput, ServicePlan } from "./_plan.ts";

/** The Windows service name of an instance. */
export function windowsServiceName(instance: string): string {
  return instance === "default" ? "WATSClient" : `WATSClient_${instance}`;
}

/** The Windows plan of an instance. */
export function windowsPlan(input: PlanInput): ServicePlan {
  const name = windowsServiceName(input.instance);
  const display = "WATS Client Service" +
    (input.instance === "default" ? "" : ` (${input.instance})`);
  // sc.exe takes the whole command line of the service as one `binPath=` value.
  const binPath = input.command.map(windowsQuote).join(" ");
  return {
    os: "windows",
    name,
    files: [],
    folders: [input.dataDir],
    install: [
      [
        "sc.exe",
        "create",
        name,
        "binPath=",
        binPath,
        "start=",
        "delayed-auto",
        "DisplayName=",
        display,
      ],
      [
        "sc.exe",
        "description",
        name,
        "Watches drop folders, converts test results and uploads them to WATS",
      ],
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
