import assert from "node:assert/strict";
import { join } from "node:path";
import mqtt from "mqtt";
import { runCli } from "../../../client/commands/mod.ts";
import { Ledger } from "../../../client/ledger/ledger.ts";
import { SINK_DOWN_DEGRADED_MS, StationEvents } from "../../../client/events/events.ts";
import { evaluateHealth } from "../../../client/status/_health.ts";
import { ManualClock } from "../../../util/clock.ts";
import { serveEmulator } from "../../../emulator/mod.ts";
import { StationService } from "../../../client/service.ts";
import { mqttTopics } from "../../../client/events/mqtt.ts";
import { Mosquitto, Subscriber } from "../../_brokers.ts";
import { dropFile, serviceFolders, testConfig, waitFor, wsjfReport } from "../_service_kit.ts";

const REPORTS = 20;

Deno.test("MQTT: each accepted report arrives once; the status is retained; stop marks offline", async () => {
  await using broker = await Mosquitto.start();
  await using emulator = await serveEmulator({ inspect: true });
  const folders = await serviceFolders();
  const config = await testConfig(folders, emulator, {
    station: { name: "ICT+1", location: "Line 2" },
    events: { mqtt: { url: broker.url, topicPrefix: "acme/wats" } },
  });
  const topics = mqttTopics("acme/wats", { name: "ICT+1", location: "Line 2" });
  assert.deepEqual(topics.report, "acme/wats/Line 2/ICT_1/report");
  await using subscriber = await Subscriber.connect(broker.url, "acme/wats/#");
  const service = await StationService.start({ config });
  try {
    const reports = Array.from({ length: REPORTS }, (_, n) => wsjfReport(n));
    for (const [n, report] of reports.entries()) {
      await dropFile(folders.drop, `run-${n}.json`, report.text);
    }
    const received = await waitFor("every report event", () => {
      const events = subscriber.on(topics.report);
      return events.length >= REPORTS ? events : undefined;
    }, { timeoutMs: 20_000 });
    // Quiet for a moment: nothing more arrives.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids = subscriber.on(topics.report).map((message) => message.payload.messageId);
    assert.deepEqual(ids.toSorted(), reports.map((report) => report.id).toSorted());
    const first = received.find((message) => message.payload.messageId === reports[0].id)!;
    const body = first.payload.report as Record<string, unknown>;
    assert.equal(body.serialNumber, "SN000000");
    assert.equal(body.partNumber, "PCBA-100");
    assert.equal(body.result, "P");
    assert.deepEqual(body.failedSteps, []);
    assert.equal((body.steps as unknown[]).length, 2);

    const status = await waitFor("the sink's counts", async () => {
      const status = await service.status();
      return (status.events?.[0].published ?? 0) >= REPORTS ? status : undefined;
    });
    assert.equal(status.events?.[0].state, "connected");
    assert.equal(status.events?.[0].target, broker.url);
    assert.equal(status.health.status, "ok");
    const metrics = await (await fetch(`${service.statusUrl}/metrics`)).text();
    // The report events and the status events.
    const published = metrics.match(/wats_events_published_total\{sink="mqtt"\} (\d+)/);
    assert.ok(Number(published?.[1]) >= (status.events?.[0].published ?? Infinity));
    assert.match(metrics, /wats_event_sink_up\{sink="mqtt"\} 1/);

    // A subscriber that comes later gets the retained status at once.
    await using late = await Subscriber.connect(broker.url, topics.status);
    const retained = await waitFor("the retained status", () => late.on(topics.status)[0]);
    assert.equal(retained.retained, true);
    assert.equal((retained.payload.status as Record<string, unknown>).state, "online");
  } finally {
    await service.stop();
    await Deno.remove(folders.root, { recursive: true });
  }
  await using after = await Subscriber.connect(broker.url, topics.status);
  const offline = await waitFor("the retained offline status", () => after.on(topics.status)[0]);
  assert.equal((offline.payload.status as Record<string, unknown>).state, "offline");
});

Deno.test("MQTT: a broker down for a minute with events waiting makes health degraded, never failing", async () => {
  await using broker = await Mosquitto.start();
  await broker.pause();
  const folders = await serviceFolders();
  const config = await testConfig(folders, { url: "https://wats.invalid", token: "t" }, {
    events: { mqtt: { url: broker.url } },
  });
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const ledger = await Ledger.open(join(folders.dataDir, "ledger.kv"));
  const events = await StationEvents.open({
    config,
    ledger,
    clock,
    currentStatus: () =>
      Promise.resolve({
        state: "online",
        health: "ok",
        reasons: [],
        backlog: 0,
        breaker: "closed",
      }),
  });
  assert.ok(events);
  events.start();
  try {
    const report = JSON.parse(wsjfReport(1).text);
    const at = new Date(clock.now()).toISOString();
    await ledger.recordAccepted(report.id, { at }, events.entriesFor(report, at));
    // The event waits, and the failed connection says why (it may fail after the event is in).
    const sink = await waitFor("the event to wait", async () => {
      await clock.advance(1_000);
      const sink = events.status()[0];
      return sink.pending >= 1 && sink.lastError ? sink : undefined;
    });
    assert.equal(sink.state, "disconnected");
    assert.match(sink.lastError ?? "", /./);
    assert.deepEqual(events.problems(), []);
    await clock.advance(SINK_DOWN_DEGRADED_MS);
    const problems = events.problems();
    assert.equal(problems.length, 1);
    assert.match(problems[0], /event sink mqtt .* is not publishing/);
    const health = evaluateHealth({
      state: "running",
      pending: 0,
      maxQueueSize: 100,
      oldestPendingAgeMs: 0,
      errorRate: { rate: 0, attempts: 0 },
      breaker: "closed",
      disk: null,
      isQueueFull: false,
      isAuthRefused: false,
      deadTasks: [],
      otherProblems: problems,
    });
    assert.deepEqual(health, { status: "degraded", reasons: problems });
  } finally {
    await events.stop();
    ledger.close();
    await Deno.remove(folders.root, { recursive: true });
  }
});

Deno.test("wats events tail prints the events on the configured broker", async () => {
  await using broker = await Mosquitto.start();
  const folder = await Deno.makeTempDir({ prefix: "wats-tail-" });
  try {
    const file = join(folder, "config.json");
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        server: { url: "https://wats.invalid" },
        dataDir: "data",
        events: { mqtt: { url: broker.url, topicPrefix: "tail" } },
      }),
    );
    const publisher = await mqtt.connectAsync(broker.url);
    await publisher.publishAsync("tail/L/S/status", '{"kind":"status"}', { qos: 1, retain: true });
    await publisher.endAsync();
    const io = {
      stdout: "",
      stderr: "",
      isTty: false,
      out(text: string) {
        io.stdout += text;
      },
      err(text: string) {
        io.stderr += text;
      },
    };
    assert.equal(await runCli(["events", "tail", "--count", "1", "--config", file], io), 0);
    assert.equal(io.stdout, 'tail/L/S/status {"kind":"status"}\n');
    const missing = join(folder, "none.json");
    await Deno.writeTextFile(missing, JSON.stringify({ server: { url: "https://wats.invalid" } }));
    assert.equal(await runCli(["events", "tail", "--config", missing], io), 22);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
