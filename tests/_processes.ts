/**
 * Real processes for end-to-end tests and the service bench: `cli.ts` run through `deno run`
 * with exactly the permissions of the `compile` task in deno.json (so a permission the binary
 * lacks fails a test), the emulator and the service, their output kept for failure messages.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** The repository root. */
export const REPO_ROOT: string = fileURLToPath(new URL("../", import.meta.url));
const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));

/** The permission and unstable flags of the `compile` task: what the `wats` binary gets. */
export async function compileFlags(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${REPO_ROOT}deno.json`));
  const task: unknown = config.tasks?.compile;
  const command = typeof task === "string" ? task : (task as { command?: string })?.command;
  if (typeof command !== "string") {
    throw new Error(
      "deno.json has no compile task; the end-to-end tests run cli.ts with its flags",
    );
  }
  const flags = command.split(/\s+/).filter((word) =>
    /^--(allow|deny|unstable)-/.test(word) || word.startsWith("--v8-flags")
  );
  if (flags.some((flag) => flag === "--allow-all" || flag === "-A")) {
    throw new Error("The compile task must list explicit permissions, not --allow-all");
  }
  return flags;
}

/** A running `cli.ts` process with its output. */
export class CliProcess {
  readonly child: Deno.ChildProcess;
  #stdout = "";
  #stderr = "";
  readonly #done: Promise<Deno.CommandStatus>;

  constructor(child: Deno.ChildProcess) {
    this.child = child;
    this.#done = Promise.all([
      this.#drain(child.stdout, (text) => this.#stdout += text),
      this.#drain(child.stderr, (text) => {
        // Keep the tail only: a long run logs a lot.
        this.#stderr = (this.#stderr + text).slice(-200_000);
      }),
    ]).then(() => child.status);
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid;
  }

  /** Standard output so far. */
  get stdout(): string {
    return this.#stdout;
  }

  /** Standard error so far (the last 200 kB). */
  get stderr(): string {
    return this.#stderr;
  }

  /** Resolves with the exit status once the process ended and its output was read. */
  get status(): Promise<Deno.CommandStatus> {
    return this.#done;
  }

  /**
   * Waits until standard output matches `pattern`.
   *
   * @returns The match.
   */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const deadline = performance.now() + timeoutMs;
    let ended = false;
    this.#done.then(() => ended = true, () => ended = true);
    for (;;) {
      const match = this.#stdout.match(pattern);
      if (match) return match;
      if (ended || performance.now() > deadline) {
        throw new Error(
          `Process ${this.pid} printed no ${pattern}${ended ? " before it ended" : ""}\n` +
            `stdout:\n${this.#stdout}\nstderr:\n${this.#stderr.slice(-4000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Sends a signal (ignored when the process has ended) and waits for the end. */
  async stop(signal: Deno.Signal = "SIGTERM"): Promise<Deno.CommandStatus> {
    try {
      this.child.kill(signal);
    } catch {
      // Already gone.
    }
    return await this.#done;
  }

  async #drain(stream: ReadableStream<Uint8Array>, take: (text: string) => void): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stream) take(decoder.decode(chunk, { stream: true }));
  }
}

/**
 * Starts `deno run <compile flags> cli.ts <args>`.
 *
 * @param args The `wats` arguments.
 * @param env Extra environment variables.
 * @returns The process.
 */
export async function spawnCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<CliProcess> {
  const child = new Deno.Command("deno", {
    args: ["run", "--quiet", ...await compileFlags(), CLI, ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return new CliProcess(child);
}

function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Starts `wats <args>` like {@linkcode spawnCli} but on a pseudo-terminal (util-linux `script`):
 * its standard input and output are a terminal; what the test writes to the child's stdin is
 * typed on it (`\x03` is Ctrl-C).
 *
 * @param args The `wats` arguments.
 * @param env Extra environment variables.
 * @returns The `script` process; its output is the terminal's.
 */
export async function spawnCliOnTerminal(
  args: string[],
  env: Record<string, string> = {},
): Promise<CliProcess> {
  // `exec`: the shell that `script` starts (the user's $SHELL, or dash, which does not exec a lone
  // command) gives way to deno, so a Ctrl-C on the terminal reaches only the command.
  const command = "exec " + ["deno", "run", "--quiet", ...await compileFlags(), CLI, ...args]
    .map(quote).join(" ");
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("script", {
      args: ["--quiet", "--return", "--command", command, "/dev/null"],
      cwd: REPO_ROOT,
      env: { TERM: "xterm", NO_COLOR: "1", ...env },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    throw new Error(
      `script is missing (${(error as Error).message}); it comes with Debian's util-linux`,
    );
  }
  return new CliProcess(child);
}

/** A running emulator process. */
export interface EmulatorProcess {
  process: CliProcess;
  url: string;
  token: string;
  /** GET/POST/DELETE on a control route, as JSON. */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
}

/**
 * Starts `wats emulator --faults --inspect` on a free port.
 *
 * @returns The process, its URL and token.
 */
export async function startEmulator(): Promise<EmulatorProcess> {
  const token = btoa(`e2e:${crypto.randomUUID()}`);
  const process = await spawnCli([
    "emulator",
    "--port",
    "0",
    "--token",
    token,
    "--faults",
    "--inspect",
  ]);
  const [, url] = await process.waitFor(/listening on (http:\/\/\S+)/);
  return {
    process,
    url,
    token,
    async control(method, path, body) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { Authorization: `Basic ${token}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    },
  };
}

/** The emulator's counters of one report id. */
export interface ReportCounters {
  received: number;
  applied: number;
  replayed: number;
}

/** The parts of `GET /_emulator/stats` the tests read. */
export interface EmulatorStats {
  requests: Record<string, Record<string, number>>;
  totalRequests: number;
  reportsAccepted: number;
  reports: Record<string, ReportCounters>;
  faultsFired: number;
}

/**
 * Reads the emulator's stats.
 *
 * @returns The stats.
 */
export async function emulatorStats(emulator: EmulatorProcess): Promise<EmulatorStats> {
  return await emulator.control("GET", "/_emulator/stats") as EmulatorStats;
}

/**
 * Starts `wats run --config <file>` and waits until it serves its status.
 *
 * @returns The process and the status URL.
 */
export async function startService(
  configFile: string,
  env: Record<string, string>,
): Promise<{ process: CliProcess; statusUrl: string }> {
  const process = await spawnCli(["run", "--config", configFile], env);
  const [, statusUrl] = await process.waitFor(/Status: (http:\/\/\S+)/);
  return { process, statusUrl };
}
