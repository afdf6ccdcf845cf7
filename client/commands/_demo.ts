/**
 * `wats demo`: the whole way of a report on one machine. Starts the emulator in-process and a
 * service with a drop folder, copies the files of `samples/` in (those some converter reads),
 * prints the status URL, and runs until Ctrl-C; `--exit-when-idle` exits once every file is
 * handled, with a summary (0 when every report was accepted and no file failed).
 *
 * @module
 */

import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { readHead, registryConversion } from "../intake/_convert.ts";
import { isSkippedName } from "../intake/_watch_paths.ts";
import { loadConfig } from "../config/config.ts";
import { StationService } from "../service.ts";
import { serveEmulator } from "../../emulator/mod.ts";
import { ConverterRegistry } from "../../converters/registry.ts";
import { createUutReport, serializeReport } from "../../api/models/report/mod.ts";
import { CommandError, COMMON_OPTIONS } from "./_context.ts";
import { aborted, type CliIo, stopSignal } from "./_io.ts";

/** Help of `wats demo`. */
export const DEMO_HELP = `Usage: wats demo [--exit-when-idle] [--port N] [--samples DIR] [--dir DIR]

Starts a local WATS emulator and a station service watching a drop folder, copies the sample
files in, and shows the status page URL. Runs until Ctrl-C.

  --exit-when-idle   exit once every file is handled, printing a summary
                     (0 when all reports were accepted)
  --port N           status server port (default: a free one)
  --samples DIR      where the sample files are (default: the toolkit's samples/)
  --dir DIR          where the drop and data folders go (default: a new temp folder)
  --timeout SECONDS  with --exit-when-idle: give up after this long (default 120; exit 33)
`;

const DEFAULT_SAMPLES = fileURLToPath(new URL("../../samples/", import.meta.url));

async function* walk(folder: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(folder)) {
    if (isSkippedName(entry.name)) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}

/** Copies whole (temp name, then rename), so the watcher never sees half a file. */
async function copyInto(from: string, to: string): Promise<void> {
  await Deno.mkdir(dirname(to), { recursive: true });
  const temp = join(dirname(to), `.${crypto.randomUUID()}.tmp`);
  await Deno.copyFile(from, temp);
  await Deno.rename(temp, to);
}

/**
 * Copies the sample files some converter recognises without arguments into the drop folder;
 * samples that need converter arguments (a CSV column mapping) are listed as skipped.
 */
async function dropSamples(
  samples: string,
  drop: string,
  registry: ConverterRegistry,
): Promise<{ dropped: string[]; skipped: string[] }> {
  const dropped: string[] = [];
  const skipped: string[] = [];
  try {
    for await (const path of walk(samples)) {
      const choice = await registry.choose(await readHead(path), basename(path));
      if (!choice.ok) {
        skipped.push(relative(samples, path));
        continue;
      }
      const target = join(drop, relative(samples, path));
      await copyInto(path, target);
      dropped.push(target);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (dropped.length > 0) return { dropped, skipped };
  for (let n = 1; n <= 3; n++) {
    const report = createUutReport({ pn: "DEMO-100", sn: `DEMO${n}`, rev: "A", processCode: 10 })
      .numericStep("Supply 5V", 5 + n / 100, { compOp: "GELE", low: 4.9, high: 5.1, unit: "V" })
      .build();
    const target = join(drop, `generated-${n}.json`);
    await Deno.writeTextFile(`${target}.part`, JSON.stringify(serializeReport(report)));
    await Deno.rename(`${target}.part`, target);
    dropped.push(target);
  }
  return { dropped, skipped };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

async function reasonsIn(errorDir: string): Promise<string[]> {
  const reasons: string[] = [];
  try {
    for await (const entry of Deno.readDir(errorDir)) {
      if (!entry.name.endsWith(".reason.txt")) continue;
      const text = await Deno.readTextFile(join(errorDir, entry.name));
      const reason = /^reason: (.*)$/m.exec(text)?.[1] ?? text.trim();
      reasons.push(`${entry.name.slice(0, -".reason.txt".length)}: ${reason}`);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return reasons.sort();
}

/**
 * Runs `wats demo`.
 *
 * @param args The arguments after `demo`.
 * @param io Output.
 * @returns The exit code.
 */
export async function demoCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...COMMON_OPTIONS,
      "exit-when-idle": { type: "boolean" },
      port: { type: "string" },
      samples: { type: "string" },
      dir: { type: "string" },
      timeout: { type: "string" },
    },
  });
  if (values.help) {
    io.out(DEMO_HELP);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new CommandError(`--port must be a number from 0 to 65535`, 2);
  }
  const timeoutMs = (values.timeout === undefined ? 120 : Number(values.timeout)) * 1000;
  const dir = values.dir ?? await Deno.makeTempDir({ prefix: "wats-demo-" });
  const drop = join(dir, "drop");
  // The configuration refuses a watch folder that does not exist.
  await Deno.mkdir(drop, { recursive: true });
  await using emulator = await serveEmulator({ inspect: true });
  const config = await loadConfig({
    env: { WATS_TOKEN: emulator.token },
    flags: {
      server: { url: emulator.url },
      dataDir: join(dir, "data"),
      watch: [{
        path: drop,
        converter: "auto",
        recursive: true,
        postAction: "move",
        stableMs: 200,
      }],
      status: { port },
      retry: { baseDelayMs: 500, maxDelayMs: 5_000 },
    },
  });
  const registry = new ConverterRegistry();
  const conversion = registryConversion(registry, {
    logDir: join(config.dataDir, "logs", "conversions"),
  });
  const service = await StationService.start({ config, conversion });
  const stop = stopSignal();
  try {
    const { dropped, skipped } = await dropSamples(
      values.samples ?? DEFAULT_SAMPLES,
      drop,
      registry,
    );
    io.out(
      `WATS demo\n` +
        `  Emulator:     ${emulator.url} (token ${emulator.token})\n` +
        `  Status page:  ${service.statusUrl}/\n` +
        `  Drop folder:  ${drop}\n` +
        `  Dropped ${dropped.length} sample file(s) for the converters ` +
        `${conversion.list().map((c) => c.id).join(", ")}\n` +
        (skipped.length > 0
          ? `  Skipped ${skipped.length} sample file(s) no converter reads without arguments: ` +
            `${skipped.join(", ")}\n`
          : ""),
    );
    const interrupted = io.signal ? AbortSignal.any([stop.signal, io.signal]) : stop.signal;
    if (!values["exit-when-idle"]) {
      io.out("Drop more files into the drop folder; stop with Ctrl-C\n");
      await aborted(interrupted);
      return 0;
    }
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (interrupted.aborted) return 3;
      const waiting = (await Promise.all(dropped.map(exists))).filter(Boolean).length;
      const counts = await service.queue.counts();
      if (waiting === 0 && counts.pending === 0 && counts.processing === 0) break;
      if (performance.now() > deadline) {
        io.out(
          `Gave up after ${timeoutMs / 1000} s: ${waiting} file(s) and ` +
            `${counts.pending + counts.processing} report(s) still waiting\n`,
        );
        return 33;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const counts = await service.queue.counts();
    const failures = await reasonsIn(join(drop, "Error"));
    io.out(
      `Summary: ${dropped.length} file(s) dropped, ${
        dropped.length - failures.length
      } converted, ` +
        `${failures.length} failed; ${counts.done} report(s) accepted, ${counts.failed} refused\n`,
    );
    for (const failure of failures) io.out(`  failed: ${failure}\n`);
    return failures.length === 0 && counts.failed === 0 && counts.done > 0 ? 0 : 1;
  } finally {
    stop.dispose();
    await service.stop();
  }
}
