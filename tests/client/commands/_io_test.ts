import assert from "node:assert/strict";
import { stopSignal } from "../../../client/commands/_io.ts";
import { platformFor } from "../../../util/platform.ts";

/** Records listeners as the runtime would hold them, so a test can raise a signal. */
function signalTable() {
  const listeners = new Map<Deno.Signal, () => void>();
  return {
    listeners,
    addListener: (name: Deno.Signal, handler: () => void) => void listeners.set(name, handler),
    removeListener: (name: Deno.Signal) => void listeners.delete(name),
  };
}

Deno.test("on Windows each of the four stop signals stops the service", () => {
  for (const name of ["SIGINT", "SIGBREAK", "SIGHUP", "SIGTERM"] as const) {
    const table = signalTable();
    const stop = stopSignal({ platform: platformFor("windows"), ...table });
    assert.deepEqual([...table.listeners.keys()].sort(), [
      "SIGBREAK",
      "SIGHUP",
      "SIGINT",
      "SIGTERM",
    ]);
    assert.equal(stop.signal.aborted, false);
    table.listeners.get(name)?.();
    assert.equal(stop.signal.aborted, true, `${name} did not stop`);
    stop.dispose();
    assert.equal(table.listeners.size, 0);
  }
});

Deno.test("on POSIX SIGINT and SIGTERM stop the service", () => {
  const table = signalTable();
  const stop = stopSignal({ platform: platformFor("linux"), ...table });
  assert.deepEqual([...table.listeners.keys()].sort(), ["SIGINT", "SIGTERM"]);
  table.listeners.get("SIGTERM")?.();
  assert.equal(stop.signal.aborted, true);
  stop.dispose();
});
