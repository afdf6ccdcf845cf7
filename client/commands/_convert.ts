/**
 * `wats convert FILE… [--converter ID] [--args JSON|FILE] [--to wsjf|wsxf] [--out FILE|DIR]`: a dry
 * run for people writing a CSV mapping or a plug-in. Each file is converted as the service would
 * (the built-ins plus the plug-ins of `--config`), and its reports printed (standard output) or
 * written (`--out`); the chosen converter, with its confidence and the runner-ups when `auto`
 * picks, and every warning go to standard error. Nothing is queued or sent, no data folder is
 * opened.
 *
 * @module
 */

import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import type { StationDefaults } from "../../converters/contract.ts";
import { bytesInput } from "../../converters/input.ts";
import { ConverterRegistry, type ConverterScore } from "../../converters/registry.ts";
import { runConversion } from "../../converters/run.ts";
import { toWsxf } from "../../converters/wsxf/write.ts";
import { serializeReport } from "../../api/models/report/mod.ts";
import { writeFileDurable } from "../_fs.ts";
import { EXIT_CODES } from "../exit_codes.ts";
import { loadPlugins } from "../intake/_convert.ts";
import { CommandError, COMMON_OPTIONS, configFrom } from "./_context.ts";
import type { CliIo } from "./_io.ts";

/** Help of `wats convert`. */
export const CONVERT_HELP =
  `Usage: wats convert FILE... [--converter ID] [--args JSON|FILE] [--to wsjf|wsxf] [--out FILE|DIR]

Converts files as the service would and shows the result; nothing is queued or sent.
  --converter ID   a converter id, or auto (default: picked by content, scores shown)
  --args JSON|FILE converter arguments (a CSV mapping): inline JSON or a JSON file
  --to wsjf|wsxf   the format of the reports (default wsjf)
  --out FILE|DIR   write the reports there instead of standard output (a folder: one file
                   an input, <name>.wsjf.json or <name>.wsxf.xml)
  --config FILE    load the plug-ins and station of this configuration
Exits 0 when every file converts, 1 when one does not (naming the file and the line or element),
2 for a usage error.
`;

/** Runner-ups shown besides the chosen converter. */
const RUNNER_UPS = 3;
/** Bytes given to `sniff`, as the service does. */
const HEAD_BYTES = 64 * 1024;

/** Reads `--args`: inline JSON (starting with `{`) or a JSON file. */
async function argumentsFrom(value: string | undefined): Promise<Record<string, unknown>> {
  if (value === undefined) return {};
  const text = value.trimStart().startsWith("{") ? value : await Deno.readTextFile(value);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CommandError(`--args is not JSON: ${(error as Error).message}`, 2);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new CommandError("--args must be a JSON object", 2);
  }
  return parsed as Record<string, unknown>;
}

function scoreText(score: ConverterScore): string {
  return `${score.id} ${score.confidence.toFixed(2)}${score.error ? ` (${score.error})` : ""}`;
}

async function isFolder(path: string): Promise<boolean> {
  return await Deno.stat(path).then((info) => info.isDirectory, () => false);
}

/**
 * Runs `wats convert`.
 *
 * @param args The arguments after `convert`.
 * @param io Output.
 * @returns The exit code.
 */
export async function convertCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...COMMON_OPTIONS,
      converter: { type: "string" },
      args: { type: "string" },
      to: { type: "string" },
      out: { type: "string" },
    },
  });
  if (values.help || positionals.length === 0) {
    io.out(CONVERT_HELP);
    return values.help ? EXIT_CODES.ok : EXIT_CODES.missingRequirements;
  }
  const format = values.to ?? "wsjf";
  if (format !== "wsjf" && format !== "wsxf") {
    throw new CommandError(`--to must be wsjf or wsxf, not ${format}`, 2);
  }
  const registry = new ConverterRegistry();
  let station: StationDefaults = { name: "wats convert", location: "", purpose: "" };
  if (values.config !== undefined) {
    const config = await configFrom(values, io);
    const problems = await loadPlugins(registry, config.converters.plugins);
    if (problems.length > 0) throw new CommandError(problems.join("\n"), EXIT_CODES.configInvalid);
    station = config.station;
  }
  const wanted = values.converter ?? "auto";
  if (wanted !== "auto" && registry.get(wanted) === undefined) {
    const known = registry.list().map((converter) => converter.id).join(", ");
    throw new CommandError(`Unknown converter "${wanted}"; known: auto, ${known}`, 2);
  }
  const converterArgs = await argumentsFrom(values.args);
  const outFolder = values.out !== undefined &&
      (positionals.length > 1 || await isFolder(values.out))
    ? values.out
    : null;
  let failed = 0;
  for (const path of positionals) {
    const name = basename(path);
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(path);
    } catch (error) {
      io.err(`${path}: cannot read: ${(error as Error).message}\n`);
      failed++;
      continue;
    }
    let id = wanted;
    if (id === "auto") {
      const choice = await registry.choose(bytes.subarray(0, HEAD_BYTES), name);
      if (!choice.ok) {
        io.err(`${path}: no converter is sure enough: ${choice.reason}\n`);
        failed++;
        continue;
      }
      id = choice.id;
      const others = choice.scores.filter((score) => score.id !== id).slice(0, RUNNER_UPS);
      io.err(
        `${path}: converter ${id} (confidence ${choice.confidence.toFixed(2)}; ` +
          `runner-ups: ${others.map(scoreText).join(", ") || "none"})\n`,
      );
    } else {
      io.err(`${path}: converter ${id}\n`);
    }
    const result = await runConversion(
      registry.get(id)!,
      bytesInput(name, bytes, { path }),
      { station, args: converterArgs },
      { maxInputBytes: Math.max(bytes.length, 1) },
    );
    for (const warning of result.warnings) io.err(`${path}: warning: ${warning}\n`);
    if (!result.ok) {
      io.err(`${path}: conversion failed (${result.stage}): ${result.message}\n`);
      failed++;
      continue;
    }
    const text = format === "wsxf"
      ? toWsxf(result.reports) + "\n"
      : JSON.stringify(result.reports.map(serializeReport), null, 2) + "\n";
    io.err(`${path}: ${result.reports.length} report(s)\n`);
    if (values.out === undefined) {
      io.out(text);
      continue;
    }
    const target = outFolder === null
      ? values.out
      : join(outFolder, `${name}.${format === "wsxf" ? "wsxf.xml" : "wsjf.json"}`);
    await writeFileDurable(target, new TextEncoder().encode(text));
    io.err(`${path}: written to ${target}\n`);
  }
  return failed === 0 ? EXIT_CODES.ok : EXIT_CODES.error;
}
