/**
 * `wats config init|show|get|set|path|validate`: the configuration file of an instance, without
 * editing JSON by hand. `set` checks the whole file against the schema before it writes, and
 * writes with the durable helper, so a running service (which watches the file) never reads half
 * a file and never reloads a change that breaks it. No command prints a secret: `show` and `get`
 * mask them, `set` names the key it changed, not the value.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { writeFileDurable } from "../_fs.ts";
import { loadConfig, readConfigFile } from "../config/config.ts";
import { KNOWN_KEYS } from "../config/schema.ts";
import { ConfigError } from "../errors.ts";
import { EXIT_CODES } from "../exit_codes.ts";
import { configInit } from "./_config_init.ts";
import {
  CommandError,
  COMMON_OPTIONS,
  type CommonOptions,
  configFileFrom,
  configFrom,
  instanceFrom,
} from "./_context.ts";
import type { CliIo } from "./_io.ts";

/** Help of `wats config`. */
export const CONFIG_HELP = `Usage: wats config <action> [--instance NAME] [-c FILE | --data-dir DIR]

Actions:
  init                write a new configuration file, from flags or by asking on a terminal:
                      --server-url URL, --station NAME, --location TEXT, --purpose TEXT,
                      --watch DIR (repeatable), --token-file FILE, --force (replace a file)
  show [--json]       the configuration the service runs with: the file, WATS_* variables and
                      defaults; secrets show as [redacted]
  get KEY             one value by its dotted path: server.url, watch[0].path, limits
  set KEY VALUE       change one key of the file; VALUE is JSON (8, true, ["a"]) or text; the
                      file is checked against the schema before it is written
  path                print the configuration file's path
  validate FILE       check a file on its own (no WATS_* variables); exit 22 listing every problem

The file is --config, else config.json in the instance's data folder (--data-dir, WATS_DATA_DIR,
or the folder per OS in the README), where \`wats service install\` points the service. Files
written by init name their JSON Schema in "$schema", so editors complete and check keys.

Exit codes: 1 no such key (get), 2 usage or unknown key (set), 21 file not found, 22 invalid.
`;

/** A key path: `watch[0].path` is `["watch", 0, "path"]`. */
type KeyPath = (string | number)[];

const KEY_PATTERN = /^[A-Za-z$][\w$]*(\[\d+\])*(\.[A-Za-z_$][\w$]*(\[\d+\])*)*$/;

/** Parses `watch[0].path`; exit 2 for anything else. */
function parseKey(text: string): KeyPath {
  if (!KEY_PATTERN.test(text)) {
    throw new CommandError(`Key "${text}": expected a dotted path such as server.url`, 2);
  }
  const path: KeyPath = [];
  for (const [, name, index] of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    path.push(index === undefined ? name : Number(index));
  }
  return path;
}

/** Whether the schema knows a key; below a free-form value (`converterArgs`) anything goes. */
function isKnownKey(path: KeyPath): boolean {
  const [top, ...rest] = path;
  if (typeof top !== "string" || !KNOWN_KEYS[""].includes(top)) return false;
  if (top === "watch") {
    if (rest.length === 0) return true;
    const [index, key] = rest;
    return typeof index === "number" &&
      (key === undefined || typeof key === "string" && KNOWN_KEYS["watch[]"].includes(key));
  }
  if (rest.length === 0) return true;
  const keys = KNOWN_KEYS[top];
  return keys !== undefined && typeof rest[0] === "string" && keys.includes(rest[0]);
}

function valueAt(root: unknown, path: KeyPath): unknown {
  let node = root;
  for (const part of path) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

/** Sets a value, making the objects on the way; an index may append to an array, not skip. */
function setAt(root: Record<string, unknown>, path: KeyPath, value: unknown): void {
  let node: Record<string | number, unknown> = root;
  for (const [depth, part] of path.entries()) {
    if (Array.isArray(node) && (typeof part !== "number" || part > node.length)) {
      throw new CommandError(
        `${formatKey(path.slice(0, depth + 1))}: the list has ${node.length} entries; ` +
          `use index ${node.length} to add one`,
        2,
      );
    }
    if (depth === path.length - 1) {
      node[part] = value;
      return;
    }
    const next = node[part];
    if (typeof next !== "object" || next === null) {
      node[part] = typeof path[depth + 1] === "number" ? [] : {};
    }
    node = node[part] as Record<string | number, unknown>;
  }
}

function formatKey(path: KeyPath): string {
  return path.map((part, n) => typeof part === "number" ? `[${part}]` : n ? `.${part}` : part)
    .join("");
}

/** The configuration as `show` prints it: every value, the secrets masked. */
async function shownConfig(values: CommonOptions, io: CliIo): Promise<Record<string, unknown>> {
  const file = configFileFrom(values);
  await readFileOrHint(file);
  const config = await configFrom({ ...values, config: file }, io);
  return { ...config, secrets: config.secrets.toJSON() };
}

/** One `key = value` line a leaf, values as JSON. */
function flatten(node: unknown, path: KeyPath, lines: string[]): string[] {
  const isBranch = typeof node === "object" && node !== null &&
    Object.keys(node).length > 0;
  if (!isBranch) {
    lines.push(`${formatKey(path)} = ${JSON.stringify(node)}`);
    return lines;
  }
  for (const [key, value] of Object.entries(node)) {
    flatten(value, [...path, Array.isArray(node) ? Number(key) : key], lines);
  }
  return lines;
}

/** Loads `content` as the file's new content; the problems it has (none when valid). */
async function problemsOf(
  file: string,
  content: Record<string, unknown>,
  instance: string,
): Promise<string[]> {
  try {
    await loadConfig({ file, content, env: {}, instance, onWarning: () => {} });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

/** Reads the file, or says to run `config init` when there is none. */
async function readFileOrHint(file: string): Promise<Record<string, unknown>> {
  try {
    return await readConfigFile(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const hint = error.exitCode === EXIT_CODES.configNotFound
      ? "\n(wats config init writes one)"
      : "";
    throw new CommandError(`${error.problems.join("\n")}${hint}`, error.exitCode);
  }
}

async function setKey(values: CommonOptions, key: string, text: string, io: CliIo) {
  const path = parseKey(key);
  if (!isKnownKey(path)) {
    const secret = /token/i.test(String(path.at(-1))) && key !== "server.tokenFile"
      ? "; the API token never goes into the file: set WATS_TOKEN or server.tokenFile"
      : "";
    throw new CommandError(`${key}: unknown key${secret} (wats config show lists the keys)`, 2);
  }
  const file = configFileFrom(values);
  const instance = instanceFrom(values);
  const raw = await readFileOrHint(file);
  const before = new Set(await problemsOf(file, raw, instance));
  // JSON first (8, true, ["a"]); the text itself when the key wants a string.
  const candidates: unknown[] = [];
  try {
    candidates.push(JSON.parse(text));
  } catch {
    // Not JSON: only the text remains.
  }
  if (candidates[0] !== text) candidates.push(text);
  let firstProblems: string[] | undefined;
  for (const candidate of candidates) {
    const next = structuredClone(raw);
    setAt(next, path, candidate);
    const added = (await problemsOf(file, next, instance)).filter((line) => !before.has(line));
    if (added.length === 0) {
      const mode = (await Deno.stat(file)).mode;
      await writeFileDurable(file, new TextEncoder().encode(JSON.stringify(next, null, 2) + "\n"), {
        mode: mode === null ? undefined : mode & 0o777,
      });
      io.out(`Set ${formatKey(path)} in ${file}\n`);
      return EXIT_CODES.ok;
    }
    firstProblems ??= added;
  }
  throw new CommandError(
    `Not written: ${formatKey(path)} would make ${file} invalid:\n  ${firstProblems!.join("\n  ")}`,
    EXIT_CODES.configInvalid,
  );
}

async function validateFile(values: CommonOptions, file: string, io: CliIo): Promise<number> {
  const warnings: string[] = [];
  try {
    await loadConfig({
      file,
      env: {},
      instance: instanceFrom(values),
      onWarning: (warning) => warnings.push(warning),
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const count = error.problems.length === 1 ? "1 problem" : `${error.problems.length} problems`;
    io.err(`${file}: ${count}:\n  ${error.problems.join("\n  ")}\n`);
    for (const warning of warnings) io.err(`warning: ${warning}\n`);
    return error.exitCode;
  }
  for (const warning of warnings) io.err(`warning: ${warning}\n`);
  io.out(`${file} is valid\n`);
  return EXIT_CODES.ok;
}

/**
 * Runs `wats config`.
 *
 * @param args The arguments after `config`.
 * @param io Output, and questions on a terminal.
 * @returns The exit code.
 */
export async function configCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...COMMON_OPTIONS,
      "server-url": { type: "string" },
      station: { type: "string" },
      location: { type: "string" },
      purpose: { type: "string" },
      watch: { type: "string", multiple: true },
      "token-file": { type: "string" },
      force: { type: "boolean" },
    },
  });
  const [action, ...operands] = positionals;
  if (values.help || action === undefined) {
    io.out(CONFIG_HELP);
    return values.help ? EXIT_CODES.ok : 2;
  }
  const arity: Record<string, number> = { init: 0, show: 0, get: 1, set: 2, path: 0, validate: 1 };
  if (arity[action] !== operands.length) {
    const what = action in arity ? `wats config ${action} takes ${arity[action]} operand(s)` : "";
    throw new CommandError(
      `${what || `Unknown config action "${action}"`}\n\n${CONFIG_HELP}`,
      2,
    );
  }
  switch (action) {
    case "init":
      return await configInit(values, io);
    case "path":
      io.out(`${configFileFrom(values)}\n`);
      return EXIT_CODES.ok;
    case "show": {
      const shown = await shownConfig(values, io);
      io.out(
        values.json
          ? `${JSON.stringify(shown, null, 2)}\n`
          : `# ${configFileFrom(values)}\n${flatten(shown, [], []).join("\n")}\n`,
      );
      return EXIT_CODES.ok;
    }
    case "get": {
      const path = parseKey(operands[0]);
      const value = valueAt(await shownConfig(values, io), path);
      if (value === undefined) {
        io.err(`${operands[0]}: no such key, or not set\n`);
        return EXIT_CODES.error;
      }
      io.out(`${typeof value === "string" ? value : JSON.stringify(value, null, 2)}\n`);
      return EXIT_CODES.ok;
    }
    case "set":
      return await setKey(values, operands[0], operands[1], io);
    default:
      return await validateFile(values, operands[0], io);
  }
}
