/**
 * Report submissions per second to the emulator over loopback, through the project's `Wats`
 * client with its limiter, retry and breaker off. Each submission is a full round trip:
 * client-side validation, `POST /api/Report/WSJF` with `Idempotency-Key`, server-side
 * validation, storage in an in-memory Deno KV.
 *
 * Reading the output: for the sequential benches `iter/s` is reports per second; the
 * concurrency-8 bench submits 8 reports per iteration, so reports per second = 8 × `iter/s`.
 *
 * Run: `deno task bench` or `deno bench --allow-net=127.0.0.1 --allow-read tests/bench/emulator_bench.ts`
 */
import { fixtureUrl } from "../fixtures/mod.ts";
import { Wats } from "../../mod.ts";
import { serveEmulator } from "../../emulator/mod.ts";

const emulator = await serveEmulator();
const wats = new Wats({
  baseUrl: emulator.url,
  token: emulator.token,
  limiter: false,
  retry: false,
  breaker: false,
});

const exportUrl = fixtureUrl("uut-wsjf-export.json");
const realExport: Record<string, unknown> = JSON.parse(await Deno.readTextFile(exportUrl));

let serial = 0;

function smallReport(): Record<string, unknown> {
  serial += 1;
  const steps = Array.from({ length: 20 }, (_, i) => ({
    stepType: "ET_NLT",
    name: `Measurement ${i + 1}`,
    status: "P",
    numericMeas: [{
      status: "P",
      value: 3.3,
      compOp: "GELE",
      lowLimit: 3.2,
      highLimit: 3.4,
      unit: "V",
    }],
  }));
  return {
    id: crypto.randomUUID(),
    type: "T",
    pn: "PCB-BENCH",
    sn: `SN-${serial}`,
    rev: "A",
    processCode: 50,
    result: "P",
    machineName: "bench-station",
    location: "Loopback",
    purpose: "Benchmark",
    start: new Date().toISOString(),
    uut: { user: "bench", execTime: 1.5 },
    root: { stepType: "SequenceCall", name: "MainSequence Callback", status: "P", steps },
  };
}

Deno.bench({
  name: "submit one 20-step report (sequential; iter/s = reports/s)",
  group: "emulator submit",
  baseline: true,
  async fn() {
    await wats.report.submit(smallReport());
  },
});

Deno.bench({
  name: "submit 8 reports at concurrency 8 (reports/s = 8 × iter/s)",
  group: "emulator submit",
  async fn() {
    await Promise.all(Array.from({ length: 8 }, () => wats.report.submit(smallReport())));
  },
});

Deno.bench({
  name: "submit the 50 KB real export (sequential; iter/s = reports/s)",
  group: "emulator submit",
  async fn() {
    await wats.report.submit({ ...realExport, id: crypto.randomUUID() });
  },
});

globalThis.addEventListener("unload", () => {
  void emulator.close();
});
