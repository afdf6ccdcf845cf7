import assert from "node:assert/strict";
import { createStatusApp, type StatusSource } from "../../../client/status/status.ts";
import { ServiceStats } from "../../../client/status/_stats.ts";
import type { ServiceStatus } from "../../../client/status/model.ts";

function source(overrides: Partial<ServiceStatus> = {}): StatusSource {
  const stats = new ServiceStats(() => 0, [{ path: "/drop", converter: "auto" }]);
  stats.converted("wsjf", true, 0.25);
  stats.submission("2xx", true);
  stats.submission("503", false);
  const status: ServiceStatus = {
    instance: { station: "ST-7", dataDir: "/data", pid: 42, statusUrl: "http://127.0.0.1:1" },
    version: "0.1.0",
    status: "running",
    health: { status: "ok", reasons: [] },
    uptimeSeconds: 5,
    api: {
      url: "https://acme.wats.com",
      state: "online",
      lastOkAt: null,
      breaker: { state: "closed", opens: 0, rejected: 0, retryAt: null },
      limiter: { inWindow: 1, waiting: 0, throttled: 0, requests: 1 },
      pausedUntil: null,
    },
    queue: {
      pending: 2,
      processing: 1,
      done: 7,
      failed: 0,
      quarantine: 0,
      oldestPendingAgeSeconds: 3,
    },
    conversions: { active: 0, completed: 7, failed: 1, duplicates: 0 },
    uploads: {
      inFlight: 1,
      accepted: 7,
      ledgerHits: 0,
      retried: 1,
      failed: 0,
      lastSuccessAt: null,
    },
    counters: {},
    converters: [],
    watch: stats.watches,
    recentErrors: [{
      at: "2026-01-01T00:00:00.000Z",
      kind: "conversion",
      message: "<b>bad</b> file",
    }],
    memory: { rss: 1, heapUsed: 1 },
    disk: null,
    warnings: [],
    ...overrides,
  };
  return { stats, status: () => Promise.resolve(status) };
}

Deno.test("/health answers 200 while ok or degraded and 503 when failing, with the reasons", async () => {
  const ok = createStatusApp(source());
  const res = await ok.fetch(new Request("http://localhost/health"));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: "ok", reasons: [] });
  assert.equal(res.headers.get("cache-control"), "no-cache, no-store, must-revalidate");
  const failing = createStatusApp(
    source({ health: { status: "failing", reasons: ["service is stopping"] }, status: "stopping" }),
  );
  const down = await failing.fetch(new Request("http://localhost/health"));
  assert.equal(down.status, 503);
  assert.deepEqual((await down.json()).reasons, ["service is stopping"]);
  const ready = await failing.fetch(new Request("http://localhost/health/ready"));
  assert.equal(ready.status, 503);
  await ready.body?.cancel();
  const live = await failing.fetch(new Request("http://localhost/health/live"));
  assert.deepEqual(await live.json(), { status: "alive" });
});

Deno.test("/metrics speaks the Prometheus text format", async () => {
  const res = await createStatusApp(source()).fetch(new Request("http://localhost/metrics"));
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, /^# TYPE wats_queue_depth gauge$/m);
  assert.match(text, /^wats_queue_depth\{queue_name="pending"\} 2$/m);
  assert.match(
    text,
    /^wats_http_requests_total\{method="POST",endpoint="\/api\/Report\/WSJF",status="503"\} 1$/m,
  );
  assert.match(text, /^wats_converter_duration_seconds_sum\{converter="wsjf"\} 0\.25$/m);
  assert.match(text, /^wats_converter_duration_seconds_count\{converter="wsjf"\} 1$/m);
  for (const line of text.trimEnd().split("\n")) {
    assert.match(line, /^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+-]+)$/, line);
  }
});

Deno.test("with a token, /status, /metrics and / want it; the page escapes what it shows", async () => {
  const app = createStatusApp(source(), { token: "s3cret" });
  for (const path of ["/status", "/metrics", "/"]) {
    const refused = await app.fetch(new Request(`http://localhost${path}`));
    assert.equal(refused.status, 401, path);
    await refused.body?.cancel();
    const wrong = await app.fetch(
      new Request(`http://localhost${path}`, { headers: { Authorization: "Bearer nope" } }),
    );
    assert.equal(wrong.status, 401, path);
    await wrong.body?.cancel();
  }
  const page = await app.fetch(
    new Request("http://localhost/", { headers: { Authorization: "Bearer s3cret" } }),
  );
  const html = await page.text();
  assert.match(html, /&#60;b&#62;bad&#60;\/b&#62; file/);
  assert.doesNotMatch(html, /<b>bad/);
  const health = await app.fetch(new Request("http://localhost/health"));
  assert.equal(health.status, 200);
  await health.body?.cancel();
});

/** Sends one raw HTTP/1.1 request with the given `Host` header and answers status and body. */
async function rawGet(port: number, path: string, host: string): Promise<[number, string]> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(
    new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
  );
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(16 * 1024);
  while (true) {
    const read = await conn.read(buffer);
    if (read === null) break;
    chunks.push(buffer.slice(0, read));
  }
  conn.close();
  const text = new TextDecoder().decode(new Uint8Array(chunks.flatMap((chunk) => [...chunk])));
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
  return [status, text.slice(text.indexOf("\r\n\r\n") + 4)];
}

Deno.test("a Host other than loopback or the configured host gets 421 (DNS rebinding)", async () => {
  const app = createStatusApp(source(), { hostname: "station7.plant.local" });
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const { port } = server.addr;
  for (const path of ["/status", "/health", "/metrics", "/"]) {
    const [status, body] = await rawGet(port, path, "evil.example");
    assert.equal(status, 421, path);
    assert.match(body, /evil\.example/);
    assert.doesNotMatch(body, /ST-7|acme|\/drop/);
  }
  for (const host of ["evil.example:" + port, "localhost.evil.example", "127.0.0.1.nip.io"]) {
    assert.equal((await rawGet(port, "/status", host))[0], 421, host);
  }
  for (
    const host of [
      `localhost:${port}`,
      "LOCALHOST",
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      "station7.plant.local",
      `Station7.Plant.Local:${port}`,
    ]
  ) {
    const [status, body] = await rawGet(port, "/status", host);
    assert.equal(status, 200, host);
    assert.match(body, /ST-7/);
  }
});
