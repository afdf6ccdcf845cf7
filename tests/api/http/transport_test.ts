import assert from "node:assert/strict";
import {
  AuthenticationError,
  AuthorizationError,
  CircuitOpenError,
  ConflictError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  UnexpectedResponseError,
  ValidationError,
  type WatsError,
} from "../../../api/http/errors.ts";
import { RateLimiter } from "../../../api/http/limiter.ts";
import {
  buildPath,
  normalizeBaseUrl,
  Transport,
  type TransportOptions,
} from "../../../api/http/transport.ts";
import { VERSION } from "../../../api/version.ts";
import { json, RecordingClock, startServer } from "../../_http_server.ts";

const TOKEN = "dXNlcjpzM2NyZXQ=";

function transport(url: string, options: Partial<TransportOptions> = {}): Transport {
  return new Transport({
    baseUrl: url,
    token: TOKEN,
    clock: new RecordingClock(),
    limiter: false,
    retry: { random: () => 0.5 },
    breaker: false,
    ...options,
  });
}

Deno.test("normalizeBaseUrl strips trailing slashes and /api", () => {
  assert.equal(normalizeBaseUrl("https://acme.wats.com/"), "https://acme.wats.com");
  assert.equal(normalizeBaseUrl("https://acme.wats.com/api"), "https://acme.wats.com");
  assert.equal(normalizeBaseUrl("https://acme.wats.com/api/"), "https://acme.wats.com");
  assert.equal(normalizeBaseUrl("https://acme.wats.com/wats/api//"), "https://acme.wats.com/wats");
  assert.equal(normalizeBaseUrl("http://h:8080/apis"), "http://h:8080/apis");
  let threw = false;
  try {
    normalizeBaseUrl("ftp://x");
  } catch (e) {
    threw = e instanceof TypeError;
  }
  assert.ok(threw);
});

Deno.test("buildPath encodes every segment and drops null query values", () => {
  assert.equal(
    buildPath("/api/Production/Unit/{sn}/{pn}", { sn: "A/1?#", pn: "P N" }, {
      a: null,
      b: undefined,
      c: true,
      d: 0,
      e: ["x", "y"],
      f: [],
    }),
    "/api/Production/Unit/A%2F1%3F%23/P%20N?c=true&d=0&e=x%2Cy",
  );
  assert.equal(
    buildPath("/x", {}, { at: new Date("2026-01-30T21:00:00Z") }),
    "/x?at=2026-01-30T21%3A00%3A00.000Z",
  );
});

Deno.test("sends the token verbatim, a User-Agent, Accept, and parses JSON, text and empty bodies", async () => {
  const server = startServer((req) => {
    if (req.url.pathname === "/api/json") return json({ a: 1 });
    if (req.url.pathname === "/api/text") return new Response("<xml/>");
    return new Response(null, { status: 204 });
  });
  try {
    const t = transport(`${server.url}/api/`);
    assert.deepEqual((await t.request({ method: "GET", path: "/api/json", operation: "o" })).data, {
      a: 1,
    });
    assert.equal(
      (await t.request({ method: "GET", path: "/api/text", operation: "o" })).data,
      "<xml/>",
    );
    assert.equal(
      (await t.request({ method: "GET", path: "/api/empty", operation: "o" })).data,
      null,
    );
    const h = server.seen[0].headers;
    assert.equal(h.get("authorization"), `Basic ${TOKEN}`);
    assert.equal(h.get("accept"), "application/json");
    assert.ok(h.get("user-agent")!.startsWith(`wats-toolkit/${VERSION} Deno/`));
    assert.equal(server.seen[0].url.pathname, "/api/json");
  } finally {
    await server.close();
  }
});

Deno.test("sends JSON and raw bodies with their content types, Referer on internal routes", async () => {
  const server = startServer(() => json("ok"));
  try {
    const t = transport(server.url);
    await t.request({ method: "PUT", path: "/api/a", json: { x: [1] }, operation: "o" });
    await t.request({
      method: "PUT",
      path: "/api/internal/b",
      body: "<a/>",
      contentType: "application/xml",
      internal: true,
      operation: "o",
    });
    await t.request({
      method: "PUT",
      path: "/api/c",
      body: new Uint8Array([1, 2]),
      operation: "o",
    });
    assert.equal(server.seen[0].body, '{"x":[1]}');
    assert.equal(server.seen[0].headers.get("content-type"), "application/json");
    assert.equal(server.seen[0].headers.get("referer"), null);
    assert.equal(server.seen[1].body, "<a/>");
    assert.equal(server.seen[1].headers.get("content-type"), "application/xml");
    assert.deepEqual(server.seen[1].headers.get("referer"), server.url);
    assert.equal(server.seen[2].headers.get("content-type"), "application/octet-stream");
    assert.equal(server.seen[2].body, "\x01\x02");
  } finally {
    await server.close();
  }
});

Deno.test("every request without a body of its own carries Content-Type: application/json", async () => {
  const server = startServer(() => json("ok"));
  try {
    const t = transport(server.url);
    await t.request({ method: "GET", path: "/api/a", operation: "o" });
    await t.request({ method: "DELETE", path: "/api/b", query: { id: 1 }, operation: "o" });
    await t.request({ method: "POST", path: "/api/c", operation: "o" });
    await t.request({ method: "GET", path: "/api/d", responseType: "bytes", operation: "o" });
    assert.deepEqual(
      server.seen.map((r) => r.headers.get("content-type")),
      Array(4).fill("application/json"),
    );
  } finally {
    await server.close();
  }
});

Deno.test("maps every status to its error class, with the server message and correlation id", async () => {
  const cases: [number, new (...args: never[]) => WatsError][] = [
    [400, ValidationError],
    [422, ValidationError],
    [401, AuthenticationError],
    [403, AuthorizationError],
    [404, NotFoundError],
    [409, ConflictError],
    [405, UnexpectedResponseError],
    [429, RateLimitError],
    [500, ServerError],
    [501, ServerError],
  ];
  const server = startServer((req) => {
    const status = Number(req.url.pathname.split("/").pop());
    return json({ Message: `boom ${status}` }, status, { "x-correlation-id": `corr-${status}` });
  });
  try {
    const t = transport(server.url, { retry: false });
    for (const [status, cls] of cases) {
      await assert.rejects(
        () => t.request({ method: "GET", path: `/api/s/${status}`, operation: "test.op" }),
        (error) => {
          assert.ok(error instanceof cls);
          assert.equal(error.status, status);
          assert.equal(error.serverMessage, `boom ${status}`);
          assert.equal(error.correlationId, `corr-${status}`);
          assert.equal(error.operation, "test.op");
          assert.equal(error.path, `/api/s/${status}`);
          assert.ok(error.message.includes(`boom ${status}`), error.message);
          assert.ok(!error.message.includes(TOKEN));
          assert.ok(!JSON.stringify(error).includes(TOKEN));
          return true;
        },
      );
    }
  } finally {
    await server.close();
  }
});

Deno.test("retries GET on 503 with full-jitter backoff and succeeds", async () => {
  const server = startServer((_req, i) => i < 2 ? json({}, 503) : json({ ok: true }));
  try {
    const clock = new RecordingClock();
    const t = transport(server.url, { clock });
    const res = await t.request({ method: "GET", path: "/api/x", operation: "o" });
    assert.deepEqual(res.data, { ok: true });
    assert.equal(server.seen.length, 3);
    assert.deepEqual(clock.sleeps, [500, 1000]);
  } finally {
    await server.close();
  }
});

Deno.test("gives up after maxAttempts and throws the last error", async () => {
  const server = startServer(() => json({ message: "down" }, 502));
  try {
    const t = transport(server.url, { retry: { maxAttempts: 4, random: () => 0 } });
    await assert.rejects(
      () => t.request({ method: "GET", path: "/x", operation: "o" }),
      ServerError,
    );
    assert.equal(server.seen.length, 4);
  } finally {
    await server.close();
  }
});

Deno.test("never retries a POST unless it is marked idempotent", async () => {
  const server = startServer(() => json({}, 503));
  try {
    const t = transport(server.url);
    await assert.rejects(
      () => t.request({ method: "POST", path: "/x", operation: "o" }),
      ServerError,
    );
    assert.equal(server.seen.length, 1);
    await assert.rejects(
      () =>
        t.request({
          method: "POST",
          path: "/x",
          idempotent: true,
          idempotencyKey: "k1",
          operation: "o",
        }),
      ServerError,
    );
    assert.equal(server.seen.length, 4);
    assert.equal(server.seen[3].headers.get("idempotency-key"), "k1");
  } finally {
    await server.close();
  }
});

Deno.test("a PUT marked not idempotent gets a single attempt", async () => {
  const server = startServer(() => json({}, 503));
  try {
    const t = transport(server.url);
    await assert.rejects(
      () => t.request({ method: "PUT", path: "/count", idempotent: false, operation: "o" }),
      ServerError,
    );
    assert.equal(server.seen.length, 1);
    await assert.rejects(
      () => t.request({ method: "PUT", path: "/state", operation: "o" }),
      ServerError,
    );
    assert.equal(server.seen.length, 4);
  } finally {
    await server.close();
  }
});

Deno.test("does not retry 4xx other than 408 and 429", async () => {
  const server = startServer(() => json({}, 400));
  try {
    const t = transport(server.url);
    await assert.rejects(
      () => t.request({ method: "GET", path: "/x", operation: "o" }),
      ValidationError,
    );
    assert.equal(server.seen.length, 1);
  } finally {
    await server.close();
  }
});

Deno.test("honours Retry-After in seconds and as an HTTP date", async () => {
  const clock = new RecordingClock();
  const date = new Date(clock.t + 7_000).toUTCString();
  const server = startServer((_req, i) =>
    i === 0
      ? json({}, 429, { "retry-after": "3" })
      : i === 1
      ? json({}, 503, { "retry-after": date })
      : json("done")
  );
  try {
    const t = transport(server.url, { clock });
    assert.equal((await t.request({ method: "GET", path: "/x", operation: "o" })).data, "done");
    assert.deepEqual(clock.sleeps, [3000, 7000 - 3000]);
  } finally {
    await server.close();
  }
});

Deno.test("a Retry-After beyond the cap is not slept on but handed to the caller", async () => {
  const server = startServer(() => json({}, 429, { "retry-after": "120" }));
  try {
    const clock = new RecordingClock();
    const t = transport(server.url, { clock });
    await assert.rejects(
      () => t.request({ method: "GET", path: "/x", operation: "o" }),
      (error) => {
        assert.ok(error instanceof RateLimitError);
        assert.equal(error.retryAfterMs, 120_000);
        return true;
      },
    );
    assert.equal(server.seen.length, 1);
    assert.deepEqual(clock.sleeps, []);
  } finally {
    await server.close();
  }
});

Deno.test("an attempt that outlasts the timeout is a TimeoutError", async () => {
  const server = startServer(async () => {
    await new Promise((r) => setTimeout(r, 300));
    return json("late");
  });
  try {
    const t = transport(server.url, { timeoutMs: 40, retry: false });
    await assert.rejects(
      () => t.request({ method: "GET", path: "/slow", operation: "o" }),
      (error) => {
        assert.ok(error instanceof TimeoutError);
        assert.ok(error.message.includes("40 ms"));
        return true;
      },
    );
  } finally {
    await new Promise((r) => setTimeout(r, 300));
    await server.close();
  }
});

Deno.test("a refused connection is a NetworkError and is retried", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const clock = new RecordingClock();
  const t = transport(`http://127.0.0.1:${port}`, { clock });
  await assert.rejects(
    () => t.request({ method: "GET", path: "/x", operation: "o" }),
    NetworkError,
  );
  assert.equal(clock.sleeps.length, 2);
});

Deno.test("the breaker opens after consecutive failures and then nothing leaves", async () => {
  const server = startServer(() => json({}, 500));
  try {
    const clock = new RecordingClock();
    const t = transport(server.url, {
      clock,
      retry: false,
      breaker: { failureThreshold: 2, cooldownMs: 10_000 },
    });
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        () => t.request({ method: "GET", path: "/x", operation: "o" }),
        ServerError,
      );
    }
    await assert.rejects(
      () => t.request({ method: "GET", path: "/x", operation: "o" }),
      (error) => {
        assert.ok(error instanceof CircuitOpenError);
        assert.equal(error.retryAtMs, clock.t + 10_000);
        assert.ok(error.message.includes(new Date(clock.t + 10_000).toISOString()));
        return true;
      },
    );
    assert.equal(server.seen.length, 2);
  } finally {
    await server.close();
  }
});

Deno.test("4xx answers do not count against the breaker", async () => {
  const server = startServer(() => json({}, 404));
  try {
    const t = transport(server.url, { retry: false, breaker: { failureThreshold: 1 } });
    for (let i = 0; i < 3; i++) {
      await assert.rejects(
        () => t.request({ method: "GET", path: "/x", operation: "o" }),
        NotFoundError,
      );
    }
    assert.equal(server.seen.length, 3);
  } finally {
    await server.close();
  }
});

Deno.test("strict mode throws on 404 and empty bodies, lenient answers null", async () => {
  const server = startServer((req) =>
    req.url.pathname === "/missing" ? json({ message: "no" }, 404) : new Response("{}")
  );
  try {
    const strict = transport(server.url);
    await assert.rejects(
      () => strict.send({ method: "GET", path: "/missing", operation: "o" }),
      NotFoundError,
    );
    await assert.rejects(
      () => strict.send({ method: "GET", path: "/empty", operation: "o" }),
      UnexpectedResponseError,
    );
    assert.equal(
      await strict.send({ method: "GET", path: "/empty", operation: "o" }, { allowEmpty: true }),
      null,
    );
    const lenient = transport(server.url, { mode: "lenient" });
    assert.equal(await lenient.send({ method: "GET", path: "/missing", operation: "o" }), null);
    assert.equal(await lenient.send({ method: "GET", path: "/empty", operation: "o" }), null);
  } finally {
    await server.close();
  }
});

Deno.test("one limiter shared by two transports counts every attempt", async () => {
  const server = startServer((_req, i) => i === 0 ? json({}, 503) : json("ok"));
  try {
    const limiter = new RateLimiter({ maxRequests: 100, windowMs: 1000 });
    const a = transport(server.url, { limiter });
    const b = transport(server.url, { limiter });
    await a.request({ method: "GET", path: "/x", operation: "o" });
    await b.request({ method: "GET", path: "/x", operation: "o" });
    assert.equal(limiter.stats.requests, 3);
  } finally {
    await server.close();
  }
});

Deno.test("a cancelled request rejects with the signal's reason and sends nothing more", async () => {
  const server = startServer(() => json({}, 503));
  try {
    const controller = new AbortController();
    const clock = new RecordingClock();
    clock.sleep = (ms: number) => {
      clock.sleeps.push(ms);
      controller.abort(new Error("stop"));
      return Promise.reject(controller.signal.reason);
    };
    const t = transport(server.url, { clock });
    await assert.rejects(
      () => t.request({ method: "GET", path: "/x", operation: "o", signal: controller.signal }),
      (error) => {
        assert.ok(error instanceof Error);
        assert.equal(error.message, "stop");
        return true;
      },
    );
    assert.equal(server.seen.length, 1);
  } finally {
    await server.close();
  }
});

Deno.test("waitSignal gives up a limiter wait, but never an attempt under way", async () => {
  let release = () => {};
  const onWire = new Promise<void>((resolve) => release = resolve);
  const server = startServer(async () => {
    await onWire;
    return json("ok");
  });
  try {
    const limiter = new RateLimiter({ maxRequests: 1, windowMs: 60_000 });
    const t = transport(server.url, { limiter });
    const stop = new AbortController();
    const first = t.request({ method: "GET", path: "/a", operation: "o", waitSignal: stop.signal });
    const second = t.request({
      method: "GET",
      path: "/b",
      operation: "o",
      waitSignal: stop.signal,
    });
    while (limiter.stats.waiting < 1) await new Promise((resolve) => setTimeout(resolve, 1));
    stop.abort(new Error("stopping"));
    await assert.rejects(second, { message: "stopping" });
    release();
    assert.equal((await first).data, "ok");
    assert.deepEqual(server.seen.map((request) => request.url.pathname), ["/a"]);
  } finally {
    await server.close();
  }
});
