/**
 * `wats status` through real processes: on a pipe one stable `name: value` line per figure; with
 * `--watch` on a terminal (a pseudo-terminal from util-linux `script`) a view redrawn every
 * second that follows the service, here a report dropped between two frames.
 */

import assert from "node:assert/strict";
import {
  type CliProcess,
  spawnCli,
  spawnCliOnTerminal,
  startEmulator,
  startService,
} from "../_processes.ts";
import { dropFile, wsjfReport } from "../client/_service_kit.ts";
import { until, workspace } from "./_e2e.ts";

const CLEAR = "\x1b[H\x1b[2J";

Deno.test("wats status prints stable lines on a pipe and a live view with --watch on a terminal", async () => {
  const emulator = await startEmulator();
  let service: CliProcess | undefined;
  let watcher: CliProcess | undefined;
  const space = await workspace(
    await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-e2e-" })),
    emulator,
  );
  try {
    const started = await startService(space.configFile, { WATS_TOKEN: emulator.token });
    service = started.process;

    const once = await spawnCli(["status", "--data-dir", space.dataDir]);
    assert.equal((await once.status).code, 0, once.stderr);
    assert.match(once.stdout, /^service: running\nhealth: ok\nstation: E2E-1\n/);
    for (const line of ["queue_pending: 0", "breaker: closed", "reports_accepted: 0"]) {
      assert.match(once.stdout, new RegExp(`^${line}$`, "m"), once.stdout);
    }
    assert.ok(once.stdout.split("\n").every((line) => line === "" || /^[a-z_]+: /.test(line)));
    assert.ok(!once.stdout.includes("\x1b"), "escape codes on a pipe");

    watcher = await spawnCliOnTerminal(["status", "--watch", "--data-dir", space.dataDir], {});
    const frames = () => watcher!.stdout.split(CLEAR).slice(1);
    await until("two frames", () => Promise.resolve(frames().length >= 2 ? true : undefined));
    const first = frames()[0];
    assert.match(first, /^WATS status at .+, every 1 s; Ctrl-C to quit/);
    assert.match(first, /Service: +running, health ok \(station E2E-1/);
    assert.match(first, /Uploaded: +0 accepted/);
    assert.ok(watcher.stdout.includes("\x1b[?1049h"), "no alternate screen");
    const before = frames().length;
    await dropFile(space.drop, "unit-1.json", wsjfReport(1).text);
    const frame = await until("a frame with the report accepted", () => {
      const latest = frames().at(-1) ?? "";
      return Promise.resolve(/Uploaded: +1 accepted/.test(latest) ? latest : undefined);
    });
    assert.match(frame, /Queue: +0 pending/);
    assert.ok(frames().length > before, "the view was not redrawn");
    // Ctrl-C typed on the terminal: the pseudo-terminal turns it into SIGINT for the command.
    const keyboard = watcher.child.stdin.getWriter();
    await keyboard.write(new TextEncoder().encode("\x03"));
    await keyboard.close();
    assert.equal((await watcher.status).code, 0, watcher.stdout);
    assert.ok(watcher.stdout.includes("\x1b[?1049l"), "the terminal was not restored");
    assert.equal((await service.stop("SIGTERM")).code, 0);
  } finally {
    await watcher?.stop("SIGKILL");
    await service?.stop("SIGKILL");
    await emulator.process.stop("SIGTERM");
    await Deno.remove(space.root, { recursive: true });
  }
});
