/**
 * `wats emulator [--port N] [--host H] [--token T] [--kv PATH] [--faults] [--inspect]`: start the
 * emulator, print its URL and token, run until a stop signal (SIGINT/SIGTERM; on Windows also
 * SIGBREAK and SIGHUP) or the given signal, then close.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { serveEmulator } from "./mod.ts";
import { currentPlatform } from "../util/platform.ts";

const USAGE = `Usage: wats emulator [options]

Runs a local WATS-compatible server (reports, products, production, assets, analytics).

Options:
  --port N      port to listen on (default: a free port)
  --host H      interface to bind (default: 127.0.0.1)
  --token T     token clients send as "Authorization: Basic T" (default: a random one)
  --kv PATH     keep state in this Deno KV file (default: in memory)
  --faults      turn on /_emulator/faults (fault injection)
  --inspect     turn on /_emulator/stats and /_emulator/reset
  -h, --help    show this help
`;

/** Options of {@link runEmulatorCommand} for embedding and tests. */
export interface EmulatorCommandOptions {
  /** Where lines go. Default: standard output. */
  write?: (text: string) => void;
  /** Stops the emulator when aborted (besides SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

function writeStdout(text: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(text));
}

function stopSignals(): { promise: Promise<void>; dispose(): void } {
  const { promise, resolve } = Promise.withResolvers<void>();
  const handler = () => resolve();
  const installed: Deno.Signal[] = [];
  for (const signal of currentPlatform.stopSignals) {
    try {
      Deno.addSignalListener(signal, handler);
      installed.push(signal);
    } catch {
      // a signal the platform does not offer; the others still stop the emulator
    }
  }
  return {
    promise,
    dispose() {
      for (const signal of installed) Deno.removeSignalListener(signal, handler);
    },
  };
}

/**
 * Run `wats emulator` with its arguments (without the word `emulator`).
 *
 * @param args command-line arguments
 * @param options output and an extra stop signal
 * @returns the exit code: 0 after a clean stop, 1 when it cannot start, 2 for bad arguments
 *
 * @example Start and stop from code
 * ```ts
 * import assert from "node:assert/strict";
 * import { runEmulatorCommand } from "@wats/toolkit/emulator";
 *
 * const stop = new AbortController();
 * let output = "";
 * const done = runEmulatorCommand(["--port", "0"], {
 *   signal: stop.signal,
 *   write: (text) => {
 *     output += text;
 *     if (output.includes("http://")) stop.abort();
 *   },
 * });
 * assert.equal(await done, 0);
 * assert.match(output, /http:\/\/127\.0\.0\.1:\d+/);
 * ```
 */
export async function runEmulatorCommand(
  args: string[],
  options: EmulatorCommandOptions = {},
): Promise<number> {
  const write = options.write ?? writeStdout;
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        token: { type: "string" },
        kv: { type: "string" },
        faults: { type: "boolean" },
        inspect: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    write(USAGE);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    write(`--port must be a number from 0 to 65535, got '${values.port}'\n`);
    return 2;
  }
  if (values.token !== undefined && !/^\S+$/.test(values.token)) {
    write("--token must not be empty or contain spaces\n");
    return 2;
  }
  const stop = stopSignals();
  try {
    let emulator;
    try {
      emulator = await serveEmulator({
        port,
        hostname: values.host,
        token: values.token,
        kvPath: values.kv,
        faults: values.faults ?? false,
        inspect: values.inspect ?? false,
      });
    } catch (error) {
      const where = `${values.host ?? "127.0.0.1"}:${port}`;
      write(`The emulator could not start on ${where}: ${(error as Error).message}\n`);
      return 1;
    }
    write(
      `WATS emulator listening on ${emulator.url}\n` +
        `Token: ${emulator.token}\n` +
        `State: ${values.kv ? `KV file ${values.kv}` : "in memory"}\n` +
        `Try:   curl -H "Authorization: Basic ${emulator.token}" ${emulator.url}/api/App/Version\n` +
        `Stop with Ctrl+C\n`,
    );
    const aborted = new Promise<void>((resolve) => {
      if (options.signal?.aborted) resolve();
      options.signal?.addEventListener("abort", () => resolve(), { once: true });
    });
    await Promise.race([stop.promise, aborted]);
    await emulator.close();
    write("WATS emulator stopped\n");
    return 0;
  } finally {
    stop.dispose();
  }
}
