/**
 * `wats demo`: the whole way of a report on one machine. Starts the emulator in-process and a
 * service with a drop folder, writes the sample files in (those some converter reads), prints
 * the status URL and a line per file taken and per report settled, and runs until Ctrl-C;
 * `--exit-when-idle` exits once every file is handled. Either way it ends with a summary (exit 0
 * when every report was accepted and no file failed) and removes the temp folder it made, unless
 * `--keep`.
 *
 * The samples come from `_samples.ts`, generated from `samples/`, not from the folder itself: a
 * package installed from JSR is fetched module by module over https, where no folder can be
 * listed, and a compiled binary holds only its modules. `--samples DIR` reads a folder instead.
 *
 * @module
 */

import { basename, dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { readHead, registryConversion } from "../intake/_convert.ts";
import { isSkippedName } from "../intake/_watch_paths.ts";
import { loadConfig } from "../config/config.ts";
import { StationService } from "../service.ts";
import { serveEmulator } from "../../emulator/mod.ts";
import { ConverterRegistry } from "../../converters/registry.ts";
import { createUutReport, serializeReport } from "../../api/models/report/mod.ts";
import { CommandError, COMMON_OPTIONS } from "./_context.ts";
import { humanDuration } from "../status/_human.ts";
import { aborted, type CliIo, stopSignal } from "./_io.ts";
import { SAMPLE_FILES, sampleBytes } from "./_samples.ts";
import { activityText } from "../status/_activity.ts";

/** Help of `wats demo`. */
export const DEMO_HELP =
  `Usage: wats demo [--exit-when-idle] [--port N] [--samples DIR] [--dir DIR] [--keep]

Starts a local WATS emulator and a station service watching a drop folder, copies the sample
files in, shows the status page URL and a line per file taken and per report settled. Runs until
Ctrl-C, then prints a summary.

  --exit-when-idle   exit once every file is handled, printing a summary
                     (0 when all reports were accepted)
  --port N           status server port (default: a free one)
  --samples DIR      a folder of sample files to drop (default: the toolkit's own samples)
  --dir DIR          where the drop and data folders go (default: a new temp folder,
                     removed at the end)
  --keep             keep the temp folder (its path is printed)
  --timeout SECONDS  with --exit-when-idle: give up after this long (default 120; exit 33)
`;

/** A sample file to drop: its path among the samples, its first bytes, and how to write it. */
interface Sample {
  path: string;
  head: Uint8Array;
  writeTo(target: string): Promise<void>;
}

/** The samples built into the toolkit (every form of it has them, unlike a folder). */
function* builtInSamples(): Generator<Sample> {
  for (const file of SAMPLE_FILES) {
    if (file.path.split("/").some(isSkippedName)) continue;
    const bytes = sampleBytes(file);
    yield {
      path: join(...file.path.split("/")),
      head: bytes, // the whole file: every sample is a few kB
      writeTo: (target) => Deno.writeFile(target, bytes),
    };
  }
}

/** The files under `folder`, read lazily: a user's folder may hold large files. */
async function* folderSamples(folder: string): AsyncGenerator<Sample> {
  for await (const path of walk(folder)) {
    yield {
      path: relative(folder, path),
      head: await readHead(path),
      writeTo: (target) => Deno.copyFile(path, target),
    };
  }
}

async function* walk(folder: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(folder)) {
    if (isSkippedName(entry.name)) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}

/** Writes whole (temp name, then rename), so the watcher never sees half a file. */
async function writeWhole(sample: Sample, to: string): Promise<void> {
  await Deno.mkdir(dirname(to), { recursive: true });
  const temp = join(dirname(to), `.${crypto.randomUUID()}.tmp`);
  await sample.writeTo(temp);
  await Deno.rename(temp, to);
}

/**
 * Copies the sample files some converter recognises without arguments into the drop folder;
 * samples that need converter arguments (a CSV column mapping) are listed as skipped.
 */
async function dropSamples(
  samples: Iterable<Sample> | AsyncIterable<Sample>,
  drop: string,
  registry: ConverterRegistry,
): Promise<{ dropped: string[]; skipped: string[] }> {
  const dropped: string[] = [];
  const skipped: string[] = [];
  try {
    for await (const sample of samples) {
      const choice = await registry.choose(sample.head, basename(sample.path));
      if (!choice.ok) {
        skipped.push(sample.path);
        continue;
      }
      const target = join(drop, sample.path);
      await writeWhole(sample, target);
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
      keep: { type: "boolean" },
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
  const isTemp = values.dir === undefined;
  const dir = values.dir ?? await Deno.makeTempDir({ prefix: "wats-demo-" });
  try {
    return await demoIn(dir, { ...values, timeoutMs, port }, io);
  } finally {
    if (isTemp && !values.keep) await Deno.remove(dir, { recursive: true }).catch(() => {});
    else io.out(`Kept ${dir}\n`);
  }
}

async function demoIn(
  dir: string,
  values: { "exit-when-idle"?: boolean; samples?: string; timeoutMs: number; port: number },
  io: CliIo,
): Promise<number> {
  const { timeoutMs, port } = values;
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
  const started = performance.now();
  const unsubscribe = service.stats.activity.subscribe((event) => {
    const time = new Date(event.at).toLocaleTimeString("en-GB", { hour12: false });
    io.out(`${time}  ${activityText(event)}\n`);
  });
  let dropped: string[] = [];
  const summary = async (): Promise<boolean> => {
    const counts = await service.queue.counts();
    const failures = await reasonsIn(join(drop, "Error"));
    const waiting = counts.pending + counts.processing;
    io.out(
      `Summary: ${dropped.length} file(s) dropped, ${dropped.length - failures.length} ` +
        `converted, ${failures.length} failed; ${counts.done} report(s) accepted, ` +
        `${counts.failed} refused` + (waiting > 0 ? `, ${waiting} still queued` : "") +
        ` (${humanDuration(performance.now() - started)})\n`,
    );
    for (const failure of failures) io.out(`  failed: ${failure}\n`);
    return failures.length === 0 && counts.failed === 0 && counts.done > 0 && waiting === 0;
  };
  try {
    const samples = await dropSamples(
      values.samples === undefined ? builtInSamples() : folderSamples(values.samples),
      drop,
      registry,
    );
    dropped = samples.dropped;
    const { skipped } = samples;
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
      await summary();
      return 0;
    }
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (interrupted.aborted) {
        io.out("Interrupted\n");
        await summary();
        return 3;
      }
      // A file leaves the drop folder when it is claimed, before its reports are queued: it is
      // handled once the service counted it converted, failed or a duplicate.
      const { stats } = service;
      const handled = stats.conversionsCompleted + stats.conversionsFailed + stats.duplicates;
      const waiting = Math.max(
        (await Promise.all(dropped.map(exists))).filter(Boolean).length,
        dropped.length - handled,
      );
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
    return await summary() ? 0 : 1;
  } finally {
    stop.dispose();
    await service.stop();
    unsubscribe();
  }
}
