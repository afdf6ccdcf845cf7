/**
 * The launchd property list of an instance (`com.wats.client[.<name>]`): a daemon in
 * `/Library/LaunchDaemons`, or with `--user` an agent in `~/Library/LaunchAgents`.
 *
 * @module
 */

import { join } from "node:path";
import { escapeXmlText } from "../../util/xml_text.ts";
import type { PlanInput, ServicePlan } from "./_plan.ts";

/** The launchd label of an instance. */
export function launchdLabel(instance: string): string {
  return instance === "default" ? "com.wats.client" : `com.wats.client.${instance}`;
}

/** The text of the property list. */
export function renderPlist(input: PlanInput): string {
  const label = launchdLabel(input.instance);
  const string = (value: string) => `<string>${escapeXmlText(value)}</string>`;
  const logs = join(input.dataDir, "logs");
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" ' +
    '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    "<dict>",
    "  <key>Label</key>",
    `  ${string(label)}`,
    "  <key>ProgramArguments</key>",
    "  <array>",
    ...input.command.map((arg) => `    ${string(arg)}`),
    "  </array>",
    ...Object.keys(input.environment).length === 0 ? [] : [
      "  <key>EnvironmentVariables</key>",
      "  <dict>",
      ...Object.entries(input.environment).flatMap(([name, value]) => [
        `    <key>${escapeXmlText(name)}</key>`,
        `    ${string(value)}`,
      ]),
      "  </dict>",
    ],
    "  <key>RunAtLoad</key>",
    "  <true/>",
    "  <key>KeepAlive</key>",
    "  <dict>",
    "    <key>SuccessfulExit</key>",
    "    <false/>",
    "  </dict>",
    "  <key>ThrottleInterval</key>",
    "  <integer>5</integer>",
    "  <key>ExitTimeOut</key>",
    `  <integer>${input.graceSeconds + 10}</integer>`,
    "  <key>ProcessType</key>",
    "  <string>Background</string>",
    "  <key>StandardOutPath</key>",
    `  ${string(join(logs, "service.log"))}`,
    "  <key>StandardErrorPath</key>",
    `  ${string(join(logs, "service-error.log"))}`,
    "</dict>",
    "</plist>",
    "",
  ].join("\n");
}

/** The launchd plan of an instance. */
export function launchdPlan(input: PlanInput): ServicePlan {
  const label = launchdLabel(input.instance);
  const folder = input.isUser
    ? join(input.home, "Library", "LaunchAgents")
    : "/Library/LaunchDaemons";
  const path = join(folder, `${label}.plist`);
  const domain = input.isUser ? `gui/${input.uid}` : "system";
  return {
    os: "darwin",
    name: label,
    files: [{ path, content: renderPlist(input) }],
    folders: [input.dataDir, join(input.dataDir, "logs")],
    install: [["launchctl", "bootstrap", domain, path]],
    uninstall: [["launchctl", "bootout", `${domain}/${label}`]],
    afterUninstall: [],
    start: ["launchctl", "kickstart", `${domain}/${label}`],
    stop: ["launchctl", "kill", "SIGTERM", `${domain}/${label}`],
    status: ["launchctl", "print", `${domain}/${label}`],
    running: /^\s*state = running$/m,
  };
}
