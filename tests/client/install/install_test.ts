import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type CommandResult,
  findServiceWrapper,
  planService,
  RUN_FLAGS,
  runServiceAction,
  watsProgram,
} from "../../../client/install/install.ts";
import { parseXml, type XmlElement } from "../../../converters/_xml.ts";
import { compileFlags, spawnCli } from "../../_processes.ts";
import { tempDir } from "../../_temp.ts";
import { platformFor } from "../../../util/platform.ts";

const LINUX = { dataDir: "/var/lib/wats/instances/default" };

function linuxPlan(options: { instance?: string; isUser?: boolean; program?: string[] } = {}) {
  const instance = options.instance ?? "default";
  const dataDir = `/var/lib/wats/instances/${instance}`;
  return planService({
    instance,
    os: "linux",
    isUser: options.isUser,
    dataDir,
    configFile: join(dataDir, "config.json"),
    writablePaths: ["/srv/drop line 2", dataDir],
    program: options.program,
    env: (name) => ({ HOME: "/home/op", XDG_CONFIG_HOME: "/home/op/.config" })[name],
  });
}

/** Runs `systemd-analyze verify` on a unit file; fails with the reason when it is missing. */
async function verifyUnit(path: string, options: { isUser?: boolean } = {}) {
  const runtime = await Deno.makeTempDir({ prefix: "wats-runtime-" });
  try {
    const { code, stdout, stderr } = await new Deno.Command("systemd-analyze", {
      args: [...options.isUser ? ["--user"] : [], "verify", path],
      // A user manager wants a runtime folder, which a CI container may not have.
      env: { XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_COLOR: "0" },
      stdout: "piped",
      stderr: "piped",
    }).output().catch((error) => {
      if (error instanceof Deno.errors.NotFound) {
        throw new Error(
          "systemd-analyze is missing: install Debian's systemd package (.ci/run does)",
        );
      }
      throw error;
    });
    const decoder = new TextDecoder();
    return { code, output: (decoder.decode(stdout) + decoder.decode(stderr)).trim() };
  } finally {
    await Deno.remove(runtime, { recursive: true });
  }
}

Deno.test("the service runs deno with exactly the compile task's flags", async () => {
  assert.deepEqual([...RUN_FLAGS], await compileFlags());
  const program = watsProgram();
  assert.equal(program[0], Deno.execPath());
  assert.deepEqual(program.slice(1, 2 + RUN_FLAGS.length), ["run", ...RUN_FLAGS]);
  assert.match(program.at(-1)!, /cli\.ts$/);
});

Deno.test("the systemd unit passes systemd-analyze verify, system and --user", async () => {
  const folder = await Deno.makeTempDir({ prefix: "wats-unit-" });
  try {
    for (const isUser of [false, true]) {
      const plan = linuxPlan({ instance: "line2", isUser });
      const [file] = plan.files;
      assert.equal(
        file.path,
        isUser
          ? "/home/op/.config/systemd/user/wats-client@line2.service"
          : "/etc/systemd/system/wats-client@line2.service",
      );
      const path = join(folder, "wats-client@line2.service");
      await Deno.writeTextFile(path, file.content);
      const result = await verifyUnit(path, { isUser });
      assert.equal(result.code, 0, result.output);
      assert.equal(result.output, "", "systemd-analyze has no warnings");
    }
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("systemd-analyze verify refuses a unit whose program is missing", async () => {
  const folder = await Deno.makeTempDir({ prefix: "wats-unit-" });
  try {
    const path = join(folder, "wats-client.service");
    const plan = linuxPlan({ program: ["/nonexistent/wats"] });
    await Deno.writeTextFile(path, plan.files[0].content);
    const result = await verifyUnit(path);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /\/nonexistent\/wats is not executable/);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("the systemd unit restarts on failure, fits the grace period and is hardened", () => {
  const plan = planService({
    instance: "default",
    os: "linux",
    dataDir: LINUX.dataDir,
    configFile: `${LINUX.dataDir}/config.json`,
    writablePaths: ["/srv/drop line 2"],
    graceSeconds: 45,
    program: ["/usr/local/bin/wats"],
  });
  const unit = plan.files[0].content;
  const lines = new Set(unit.split("\n"));
  for (
    const line of [
      "Type=simple",
      "ExecStart=/usr/local/bin/wats run --instance default --config " +
      "/var/lib/wats/instances/default/config.json --grace 45",
      "ExecReload=/bin/kill -HUP $MAINPID",
      "Restart=on-failure",
      "TimeoutStopSec=55s",
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      "MemoryMax=512M",
      "CPUQuota=80%",
      'ReadWritePaths=/var/lib/wats/instances/default "-/srv/drop line 2"',
      "WantedBy=multi-user.target",
    ]
  ) assert.ok(lines.has(line), `${line}\nmissing from\n${unit}`);
  // No notify type or watchdog: the service sends no sd_notify datagrams.
  assert.doesNotMatch(unit, /Type=notify|WatchdogSec/);
  assert.doesNotMatch(unit, /DENO_DIR/, "a compiled binary caches nothing");
  assert.equal(plan.name, "wats-client.service");
});

/** The `<dict>` of a property list as key → element. */
function plistDict(dict: XmlElement): Map<string, XmlElement> {
  const entries = new Map<string, XmlElement>();
  for (let index = 0; index < dict.children.length; index += 2) {
    const key = dict.children[index];
    assert.equal(key.name, "key");
    entries.set(key.text, dict.children[index + 1]);
  }
  return entries;
}

Deno.test("the launchd plist is valid XML with the expected keys", () => {
  const plan = planService({
    instance: "line2",
    os: "darwin",
    dataDir: "/Library/Application Support/WATS/instances/line2",
    configFile: "/Library/Application Support/WATS/instances/line2/config.json",
    program: ["/usr/local/bin/wats"],
  });
  const [file] = plan.files;
  assert.equal(file.path, "/Library/LaunchDaemons/com.wats.client.line2.plist");
  const doctype = '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" ' +
    '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n';
  assert.ok(file.content.includes(doctype));
  // The project's parser refuses any DOCTYPE (no entities, ever): check the rest with it.
  const root = parseXml(file.content.replace(doctype, ""), { file: "plist" });
  assert.equal(root.name, "plist");
  assert.equal(root.attrs.version, "1.0");
  const dict = plistDict(root.children[0]);
  assert.equal(dict.get("Label")?.text, "com.wats.client.line2");
  assert.deepEqual(dict.get("ProgramArguments")?.children.map((arg) => arg.text), [
    "/usr/local/bin/wats",
    "run",
    "--instance",
    "line2",
    "--config",
    "/Library/Application Support/WATS/instances/line2/config.json",
  ]);
  assert.equal(dict.get("RunAtLoad")?.name, "true");
  const keepAlive = plistDict(dict.get("KeepAlive")!);
  assert.equal(keepAlive.get("SuccessfulExit")?.name, "false");
  assert.equal(dict.get("ExitTimeOut")?.text, "30");
  assert.equal(
    dict.get("StandardErrorPath")?.text,
    "/Library/Application Support/WATS/instances/line2/logs/service-error.log",
  );
  assert.deepEqual(plan.install, [[
    "launchctl",
    "bootstrap",
    "system",
    "/Library/LaunchDaemons/com.wats.client.line2.plist",
  ]]);
});

Deno.test("the Windows service is made with sc.exe and run by NSSM, as both document", async () => {
  const cases = [
    { instance: "default", name: "WATSClient", display: '"WATS Client Service"' },
    { instance: "line2", name: "WATSClient_line2", display: '"WATS Client Service (line2)"' },
  ];
  for (const { instance, name, display } of cases) {
    const dataDir = `C:\\ProgramData\\WATS\\instances\\${instance}`;
    const plan = planService({
      instance,
      os: "windows",
      dataDir,
      configFile: `${dataDir}\\config.json`,
      graceSeconds: 30,
      program: ["C:\\Program Files\\WATS\\wats.exe"],
      serviceWrapper: "C:\\Program Files\\NSSM\\nssm.exe",
    });
    const lines: string[] = [];
    const code = await runServiceAction("install", plan, {
      dryRun: true,
      print: (line) => lines.push(line),
    });
    assert.equal(code, 0);
    const nssm = `run "C:\\Program Files\\NSSM\\nssm.exe" set ${name}`;
    const log = `${dataDir}\\logs\\service.log`;
    // sc.exe wants "option= value": the space after "=" is part of its syntax. binPath= holds the
    // service's whole command line, so a path with a space is quoted inside it.
    assert.deepEqual(lines, [
      `mkdir ${dataDir}`,
      `mkdir ${dataDir}\\logs`,
      `run sc.exe create ${name} binPath= "\\"C:\\Program Files\\NSSM\\nssm.exe\\"" ` +
      `start= delayed-auto DisplayName= ${display}`,
      `run sc.exe description ${name} ` +
      `"Watches drop folders, converts test results and uploads them to WATS"`,
      `${nssm} Application "C:\\Program Files\\WATS\\wats.exe"`,
      `${nssm} AppParameters "run --instance ${instance} --config ${dataDir}\\config.json ` +
      `--grace 30"`,
      `${nssm} AppDirectory ${dataDir}`,
      `${nssm} AppStopMethodSkip 6`,
      `${nssm} AppStopMethodConsole 40000`,
      `${nssm} AppExit Default Restart`,
      `${nssm} AppExit 0 Exit`,
      `${nssm} AppExit 14 Exit`,
      `${nssm} AppExit 20 Exit`,
      `${nssm} AppExit 21 Exit`,
      `${nssm} AppExit 22 Exit`,
      `${nssm} AppRestartDelay 5000`,
      `${nssm} AppStdout ${log}`,
      `${nssm} AppStderr ${log}`,
      `${nssm} AppRotateFiles 1`,
      `${nssm} AppRotateOnline 1`,
      `${nssm} AppRotateBytes 10485760`,
      `run sc.exe failure ${name} reset= 86400 actions= restart/5000/restart/5000/restart/30000`,
      `run sc.exe failureflag ${name} 1`,
    ]);
  }
});

Deno.test("a Windows service run by deno run gets its DENO_DIR through NSSM", () => {
  const dataDir = "C:\\ProgramData\\WATS\\instances\\default";
  const plan = planService({
    instance: "default",
    os: "windows",
    dataDir,
    configFile: `${dataDir}\\config.json`,
    program: ["C:\\deno\\deno.exe", "run", "--allow-read", "C:\\wats\\cli.ts"],
  });
  assert.ok(plan.install.some((command) =>
    command.join(" ") === "sc.exe create WATSClient " +
        "binPath= nssm.exe start= delayed-auto DisplayName= WATS Client Service"
  ));
  const nssm = plan.install.filter((command) => command[0] === "nssm.exe");
  assert.deepEqual(nssm.find((command) => command[3] === "Application"), [
    "nssm.exe",
    "set",
    "WATSClient",
    "Application",
    "C:\\deno\\deno.exe",
  ]);
  assert.deepEqual(
    nssm.find((command) => command[3] === "AppParameters")?.[4],
    `run --allow-read C:\\wats\\cli.ts run --instance default --config ${dataDir}\\config.json`,
  );
  assert.deepEqual(nssm.find((command) => command[3] === "AppEnvironmentExtra"), [
    "nssm.exe",
    "set",
    "WATSClient",
    "AppEnvironmentExtra",
    `DENO_DIR=${dataDir}\\deno`,
  ]);
});

Deno.test("nssm.exe is found as given, beside the program, or on PATH; not found is undefined", async () => {
  await using folder = await tempDir("wats-nssm-");
  const windows = platformFor("windows");
  const programDir = join(folder.path, "WATS");
  const toolsDir = join(folder.path, "Tools");
  await Deno.mkdir(programDir);
  await Deno.mkdir(toolsDir);
  const program = join(programDir, "wats.exe");
  const env = (path: string) => (name: string) => name === "PATH" ? path : undefined;
  const find = (given: string | undefined, path: string) =>
    findServiceWrapper(given, { platform: windows, env: env(path), program });

  assert.equal(await find(undefined, `${toolsDir};C:\\Windows`), undefined);
  await Deno.writeTextFile(join(toolsDir, "nssm.exe"), "");
  assert.equal(await find(undefined, `C:\\Windows;;${toolsDir}`), join(toolsDir, "nssm.exe"));
  await Deno.writeTextFile(join(programDir, "nssm.exe"), "");
  assert.equal(await find(undefined, toolsDir), join(programDir, "nssm.exe"));
  assert.equal(await find(join(toolsDir, "nssm.exe"), ""), join(toolsDir, "nssm.exe"));
  assert.equal(await find(join(folder.path, "missing.exe"), toolsDir), undefined);
  // Planned on Linux or macOS for Windows (--os windows --dry-run): the name, found there later.
  assert.equal(
    await findServiceWrapper(undefined, { platform: platformFor("linux"), env: env(toolsDir) }),
    "nssm.exe",
  );
});

/** A command runner that records the commands and answers from a table. */
function recordingRunner(answers: Record<string, CommandResult> = {}) {
  const commands: string[] = [];
  return {
    commands,
    run(command: string[]): Promise<CommandResult> {
      const line = command.join(" ");
      commands.push(line);
      return Promise.resolve(answers[line] ?? { code: 0, output: "" });
    },
  };
}

/** The per-user systemd plan of an instance whose home is `home`. */
function userPlan(home: string, instance: string) {
  return planService({
    instance,
    os: "linux",
    isUser: true,
    dataDir: join(home, "state"),
    configFile: join(home, "state", "config.json"),
    program: ["/usr/local/bin/wats"],
    env: (name) => ({ HOME: home })[name],
  });
}

Deno.test("install, status, start, stop and uninstall run the systemctl commands in order", async () => {
  const home = await Deno.makeTempDir({ prefix: "wats-home-" });
  try {
    const plan = userPlan(home, "line2");
    const unit = join(home, ".config", "systemd", "user", "wats-client@line2.service");
    assert.equal(plan.files[0].path, unit);
    const output: string[] = [];
    const print = (line: string) => output.push(line);
    const runner = recordingRunner({
      "systemctl --user is-active wats-client@line2.service": { code: 3, output: "inactive" },
    });
    const run = (action: "install" | "uninstall" | "start" | "stop" | "status") =>
      runServiceAction(action, plan, { runner: runner.run, print });

    assert.equal(await run("status"), 11, "not installed yet");
    assert.equal(await run("install"), 0);
    assert.equal(await Deno.readTextFile(unit), plan.files[0].content);
    assert.ok(output.includes(`write ${unit}:`), output.join("\n"));
    assert.equal(await run("install"), 10, "already installed");
    assert.equal(await run("start"), 0);
    assert.equal(await run("status"), 32, "is-active said inactive");
    assert.equal(await run("stop"), 0);
    assert.equal(await run("uninstall"), 0);
    await assert.rejects(Deno.stat(unit), Deno.errors.NotFound);
    assert.equal(await run("uninstall"), 11);
    assert.deepEqual(runner.commands, [
      "systemctl --user daemon-reload",
      "systemctl --user enable wats-client@line2.service",
      "systemctl --user start wats-client@line2.service",
      "systemctl --user is-active wats-client@line2.service",
      "systemctl --user stop wats-client@line2.service",
      "systemctl --user disable --now wats-client@line2.service",
      "systemctl --user daemon-reload",
    ]);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("a failing systemctl makes install exit 12 with its message", async () => {
  const home = await Deno.makeTempDir({ prefix: "wats-home-" });
  try {
    const plan = userPlan(home, "default");
    const runner = recordingRunner({
      "systemctl --user daemon-reload": { code: 1, output: "Failed to connect to bus" },
    });
    const output: string[] = [];
    const code = await runServiceAction("install", plan, {
      runner: runner.run,
      print: (line) => output.push(line),
    });
    assert.equal(code, 12);
    assert.match(output.at(-1)!, /systemctl --user failed \(exit 1\): Failed to connect to bus/);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("wats service install --dry-run prints the unit; --root stages it (process)", async () => {
  const root = await Deno.makeTempDir({ prefix: "wats-root-" });
  try {
    const dry = await spawnCli(["service", "install", "--dry-run", "--instance", "line2"]);
    assert.equal((await dry.status).code, 0, dry.stderr);
    assert.match(dry.stdout, /^write \/etc\/systemd\/system\/wats-client@line2\.service:$/m);
    assert.match(dry.stdout, /^ {2}ExecStart=\S+ run .*cli\.ts run --instance line2 --config /m);
    assert.match(dry.stdout, /^run systemctl enable wats-client@line2\.service$/m);
    await assert.rejects(Deno.stat("/etc/systemd/system/wats-client@line2.service"));

    const args = ["--root", root, "--instance", "line2"];
    const first = await spawnCli(["service", "install", ...args]);
    assert.equal((await first.status).code, 0, first.stderr);
    const unit = join(root, "etc/systemd/system/wats-client@line2.service");
    assert.match(await Deno.readTextFile(unit), /^Restart=on-failure$/m);
    assert.match(first.stdout, /^run systemctl daemon-reload$/m);
    const again = await spawnCli(["service", "install", ...args]);
    assert.equal((await again.status).code, 10);
    assert.match(again.stdout, /already installed/);
    const removed = await spawnCli(["service", "uninstall", ...args]);
    assert.equal((await removed.status).code, 0, removed.stderr);
    await assert.rejects(Deno.stat(unit), Deno.errors.NotFound);
    const gone = await spawnCli(["service", "status", ...args]);
    assert.equal((await gone.status).code, 11);
    const badName = await spawnCli(["service", "install", "--dry-run", "--instance", "a/b"]);
    assert.equal((await badName.status).code, 2);

    const windows = await spawnCli(
      ["service", "install", "--dry-run", "--os", "windows", "--wrapper", "D:\\Tools\\nssm.exe"],
    );
    assert.equal((await windows.status).code, 0, windows.stderr);
    assert.match(windows.stdout, /^run sc\.exe create WATSClient binPath= D:\\Tools\\nssm\.exe /m);
    assert.match(windows.stdout, /^run D:\\Tools\\nssm\.exe set WATSClient AppParameters "run /m);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("wats service install tells how to write the configuration when there is none (process)", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-install-config-" }));
  try {
    const configFile = join(root, "etc", "config.json");
    const args = ["--dry-run", "--instance", "line3", "--config", configFile];
    const before = await spawnCli(["service", "install", ...args, "--data-dir", join(root, "d")]);
    assert.equal((await before.status).code, 0, before.stderr);
    assert.match(before.stdout, new RegExp(`^No configuration at ${configFile} yet; `, "m"));
    const next = /^Next: wats (config init .*)$/m.exec(before.stdout);
    assert.deepEqual(next?.[1].split(" "), [
      "config",
      "init",
      "--config",
      configFile,
      "--data-dir",
      join(root, "d"),
    ]);

    // The command it names writes the file (given the server URL it cannot guess).
    const init = await spawnCli([...next![1].split(" "), "--server-url", "https://acme.wats.com"]);
    assert.equal((await init.status).code, 0, init.stderr);
    const after = await spawnCli(["service", "install", ...args]);
    assert.equal((await after.status).code, 0, after.stderr);
    assert.doesNotMatch(after.stdout, /No configuration|config init/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
