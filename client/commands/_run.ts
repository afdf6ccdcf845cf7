/**
 * `wats run`: the station service in the foreground until SIGINT/SIGTERM, then a bounded stop.
 *
 * @module
 */

import { currentPlatform } from "../../util/platform.ts";
import { parseArgs } from "node:util";
import { StationService } from "../service.ts";
import { CommandError, COMMON_OPTIONS, configFrom, loadConfigFrom } from "./_context.ts";
import { aborted, type CliIo, stopSignal } from "./_io.ts";

/** Help of `wats run`. */
export const RUN_HELP = `Usage: wats run [--config FILE] [--data-dir DIR] [--grace SECONDS]

Runs the station service: watches the drop folders, converts and queues test results, uploads
them, and serves /health, /status, /metrics and a status page. Stops on SIGINT/SIGTERM, giving
uploads in flight --grace seconds (default 20). Reloads the configuration without a restart when
its file changes, on SIGHUP and on \`wats reload\`.
`;

/**
 * Runs `wats run`.
 *
 * @param args The arguments after `run`.
 * @param io Output.
 * @returns The exit code.
 */
export async function runCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...COMMON_OPTIONS, grace: { type: "string" } },
  });
  if (values.help) {
    io.out(RUN_HELP);
    return 0;
  }
  const graceMs = values.grace === undefined ? 20_000 : Number(values.grace) * 1000;
  if (!(graceMs >= 0)) throw new CommandError(`--grace must be a number of seconds`, 2);
  const config = await configFrom(values, io);
  const stop = stopSignal();
  let hangUp = () => {};
  try {
    const service = await StationService.start({
      config,
      configFile: values.config,
      reloadConfig: () => loadConfigFrom(values, io),
    });
    hangUp = onHangUp(() => void service.reload());
    io.out(
      `WATS station service running on ${config.dataDir}\n` +
        `Status: ${service.statusUrl || "off"}\n`,
    );
    // A stop asked for over the control channel ends the wait too.
    await Promise.race([
      aborted(io.signal ? AbortSignal.any([stop.signal, io.signal]) : stop.signal),
      service.stopped,
    ]);
    await service.stop({ graceMs });
    io.out("WATS station service stopped\n");
    return 0;
  } finally {
    hangUp();
    stop.dispose();
  }
}

/** Calls `reload` on the platform's reload signal (SIGHUP; none on Windows); returns the remover. */
function onHangUp(reload: () => void): () => void {
  const signal = currentPlatform.reloadSignal;
  if (signal === null) return () => {};
  Deno.addSignalListener(signal, reload);
  return () => Deno.removeSignalListener(signal, reload);
}
