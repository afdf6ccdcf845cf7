/**
 * The systemd unit of an instance (`wats-client.service`, `wats-client@<name>.service`).
 *
 * `Type=simple`: systemd's `Type=notify` and `WatchdogSec=` need `READY=1` and `WATCHDOG=1`
 * datagrams on the `NOTIFY_SOCKET` unix socket, and Deno offers unix datagram sockets only
 * behind `--unstable-net` (`Deno.listenDatagram`; `node:dgram` has no unix sockets). The binary
 * is built without unstable network APIs, so the unit does not promise what the service cannot
 * send; `Restart=on-failure` restarts a crashed service and `/health` tells a stuck one.
 *
 * @module
 */

import { join } from "node:path";
import type { PlanInput, ServicePlan } from "./_plan.ts";

/** Seconds systemd gives the stop beyond the service's own grace period (closing, flushing). */
const STOP_MARGIN_SECONDS = 10;

/**
 * Quotes one word of `ExecStart=` the way systemd splits it: double quotes around words with
 * blanks or quotes, `%` and `$` doubled so systemd expands neither specifiers nor variables.
 */
function unitWord(word: string): string {
  const escaped = word.replaceAll("%", "%%").replaceAll("$", "$$$$");
  if (escaped !== "" && !/[\s"'\\;]/.test(escaped)) return escaped;
  return `"${escaped.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** A path in `ReadWritePaths=`: quoted like a word, `-` first when it may be missing. */
function pathWord(path: string, isOptional: boolean): string {
  const word = unitWord(path);
  if (!isOptional) return word;
  return word.startsWith('"') ? `"-${word.slice(1)}` : `-${word}`;
}

/** The unit name of an instance. */
export function unitName(instance: string): string {
  return instance === "default" ? "wats-client.service" : `wats-client@${instance}.service`;
}

/** The text of the unit file. */
export function renderUnit(input: PlanInput): string {
  const label = input.instance === "default" ? "" : ` (${input.instance})`;
  const hardening = input.isUser
    // User managers cannot set up mount namespaces without user namespaces; keep what works.
    ? ["NoNewPrivileges=yes", "LockPersonality=yes", "RestrictSUIDSGID=yes"]
    : [
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      "ProtectHome=read-only",
      "PrivateTmp=yes",
      "PrivateDevices=yes",
      "ProtectKernelTunables=yes",
      "ProtectKernelModules=yes",
      "ProtectControlGroups=yes",
      "RestrictSUIDSGID=yes",
      "LockPersonality=yes",
      `ReadWritePaths=${
        [
          pathWord(input.dataDir, false),
          ...input.writablePaths.map((path) => pathWord(path, true)),
        ].join(" ")
      }`,
    ];
  return [
    "# Written by `wats service install`; `wats service uninstall` removes it.",
    "[Unit]",
    `Description=WATS station service${label}`,
    "Documentation=https://jsr.io/@wats/toolkit",
    "Wants=network-online.target",
    "After=network-online.target",
    "",
    "[Service]",
    "Type=simple",
    ...Object.entries(input.environment).map(([name, value]) =>
      `Environment=${unitWord(`${name}=${value}`)}`
    ),
    `ExecStart=${input.command.map(unitWord).join(" ")}`,
    "ExecReload=/bin/kill -HUP $MAINPID",
    "Restart=on-failure",
    "RestartSec=5s",
    "TimeoutStartSec=30s",
    `TimeoutStopSec=${input.graceSeconds + STOP_MARGIN_SECONDS}s`,
    "KillSignal=SIGTERM",
    "MemoryMax=512M",
    "CPUQuota=80%",
    ...hardening,
    "",
    "[Install]",
    `WantedBy=${input.isUser ? "default.target" : "multi-user.target"}`,
    "",
  ].join("\n");
}

/** The systemd plan of an instance. */
export function systemdPlan(input: PlanInput): ServicePlan {
  const name = unitName(input.instance);
  const folder = input.isUser ? input.userUnitDir : "/etc/systemd/system";
  const systemctl = input.isUser ? ["systemctl", "--user"] : ["systemctl"];
  return {
    os: "linux",
    name,
    files: [{ path: join(folder, name), content: renderUnit(input) }],
    folders: [input.dataDir],
    install: [[...systemctl, "daemon-reload"], [...systemctl, "enable", name]],
    uninstall: [[...systemctl, "disable", "--now", name]],
    afterUninstall: [[...systemctl, "daemon-reload"]],
    start: [...systemctl, "start", name],
    stop: [...systemctl, "stop", name],
    status: [...systemctl, "is-active", name],
  };
}
