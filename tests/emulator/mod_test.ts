import assert from "node:assert/strict";
import {
  AuthenticationError,
  NetworkError,
  NotFoundError,
  UnexpectedResponseError,
  ValidationError,
  Wats,
  WatsError,
} from "../../mod.ts";
import { serveEmulator } from "../../emulator/mod.ts";
import { startEmulator, uut } from "./_helpers.ts";

async function rejection(promise: Promise<unknown>): Promise<WatsError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof WatsError, `expected a WatsError, got ${error}`);
    return error;
  }
  assert.fail("expected the call to fail");
}

Deno.test("serveEmulator binds 127.0.0.1 on a free port and answers the version", async () => {
  await using h = await startEmulator();
  assert.match(h.emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(h.emulator.port, 0);
  assert.equal(await h.wats.app.version(), "24.1.0");
});

Deno.test("an unknown token gets 401 and a message saying why", async () => {
  await using h = await startEmulator();
  const stranger = h.client({ token: btoa("someone:else") });
  const error = await rejection(stranger.app.version());
  assert.ok(error instanceof AuthenticationError);
  assert.equal(error.status, 401);
  assert.match(error.serverMessage ?? "", /token is not known/);
});

Deno.test("the _emulator routes are off unless asked for", async () => {
  await using emulator = await serveEmulator();
  const wats = new Wats({
    baseUrl: emulator.url,
    token: emulator.token,
    limiter: false,
    retry: false,
  });
  const error = await rejection(
    wats.request({ method: "GET", path: "/_emulator/stats", operation: "test.stats" }),
  );
  assert.ok(error instanceof NotFoundError);
});

Deno.test("unknown routes get 404 naming the path, wrong methods 405", async () => {
  await using h = await startEmulator();
  const missing = await rejection(
    h.wats.request({ method: "GET", path: "/api/Nothing/Here", operation: "test.missing" }),
  );
  assert.ok(missing instanceof NotFoundError);
  assert.match(missing.serverMessage ?? "", /\/api\/Nothing\/Here/);
  const wrong = await rejection(
    h.wats.request({ method: "DELETE", path: "/api/App/Version", operation: "test.method" }),
  );
  assert.ok(wrong instanceof UnexpectedResponseError);
  assert.equal(wrong.status, 405);
  assert.match(wrong.serverMessage ?? "", /does not support http method 'DELETE'/);
});

Deno.test("routes ignore case as ASP.NET does", async () => {
  await using h = await startEmulator();
  const res = await h.wats.request({
    method: "GET",
    path: "/API/app/VERSION",
    operation: "test.case",
  });
  assert.equal(res.data, "24.1.0");
});

Deno.test("malformed JSON gets 400 naming the problem, and the server stays up", async () => {
  await using h = await startEmulator();
  const error = await rejection(h.wats.request({
    method: "POST",
    path: "/api/Report/WSJF",
    body: '{"id": "x", "type": ',
    contentType: "application/json",
    operation: "test.malformed",
  }));
  assert.ok(error instanceof ValidationError);
  assert.equal(error.status, 400);
  assert.match(error.serverMessage ?? "", /not valid JSON/);
  assert.equal(await h.wats.app.version(), "24.1.0");
});

Deno.test("a report missing required fields gets 400 naming each field", async () => {
  await using h = await startEmulator();
  const { pn: _pn, machineName: _machine, ...incomplete } = uut();
  const error = await rejection(h.wats.request({
    method: "POST",
    path: "/api/Report/WSJF",
    json: incomplete,
    operation: "test.incomplete",
  }));
  assert.ok(error instanceof ValidationError);
  assert.match(error.serverMessage ?? "", /\bpn\b/);
  assert.match(error.serverMessage ?? "", /machineName/);
  const stats = await h.stats();
  assert.equal(stats.reportsRejected, 1);
  assert.equal(stats.reportsAccepted, 0);
});

Deno.test("a 50 MB body gets 413 without being stored, and the server stays up", async () => {
  await using h = await startEmulator();
  const body = new Uint8Array(50 * 1024 * 1024).fill(0x20);
  const error = await rejection(h.wats.request({
    method: "POST",
    path: "/api/Report/WSJF",
    body,
    contentType: "application/json",
    operation: "test.huge",
  }));
  assert.equal(error.status, 413);
  assert.match(error.serverMessage ?? "", /larger than the limit of 20 MB/);
  assert.equal(await h.wats.app.version(), "24.1.0");
  assert.equal((await h.stats()).reportsAccepted, 0);
});

Deno.test("the body limit is configurable", async () => {
  await using h = await startEmulator({ bodyLimit: 1024 });
  const error = await rejection(h.wats.request({
    method: "POST",
    path: "/api/Report/WSJF",
    json: uut({ pad: "x".repeat(2000) }),
    operation: "test.limit",
  }));
  assert.equal(error.status, 413);
  assert.match(error.serverMessage ?? "", /1 KB/);
});

Deno.test("close() stops the server; requests then fail with a network error", async () => {
  const h = await startEmulator();
  await h.emulator.close();
  await h.emulator.close(); // a second close is harmless
  const error = await rejection(h.wats.app.version());
  assert.ok(error instanceof NetworkError);
});

Deno.test("a KV file keeps reports across restarts", async () => {
  const dir = await Deno.makeTempDir();
  const kvPath = `${dir}/emulator.kv`;
  try {
    const report = uut();
    {
      await using h = await startEmulator({ kvPath });
      await h.wats.report.submit(report);
    }
    await using h = await startEmulator({ kvPath });
    const back = await h.wats.report.get(String(report.id));
    assert.equal(back?.sn, report.sn);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a client that disconnects mid-body is not a server error, and the server stays up", async () => {
  await using h = await startEmulator();
  const before = await h.stats();
  const { port } = new URL(h.emulator.url);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
  const head = [
    "POST /api/Report/WSJF HTTP/1.1",
    `Host: 127.0.0.1:${port}`,
    `Authorization: Basic ${h.emulator.token}`,
    "Content-Type: application/json",
    "Content-Length: 100000",
    "",
    '{"id": "',
  ].join("\r\n");
  await conn.write(new TextEncoder().encode(head));
  conn.close();
  // The emulator counts the request once it has given up on the body.
  let outcomes: Record<string, number> = {};
  for (let tries = 0; tries < 100 && Object.keys(outcomes).length === 0; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    outcomes = (await h.stats()).requests["POST /api/Report/WSJF"] ?? {};
  }
  assert.deepEqual(outcomes, { disconnected: 1 });
  const after = await h.stats();
  assert.equal(after.reportsRejected, before.reportsRejected);
  assert.equal(after.reportsAccepted, before.reportsAccepted);
  for (const [route, byOutcome] of Object.entries(after.requests)) {
    for (const outcome of Object.keys(byOutcome)) {
      assert.ok(!outcome.startsWith("5"), `${route} counted ${outcome}`);
    }
  }
  assert.equal(await h.wats.app.version(), "24.1.0");
});
