import assert from "node:assert/strict";
import { join } from "node:path";
import { isBypassed, parseCaCerts, proxyFor, readCaCertFile } from "../../../api/http/proxy.ts";
import { NetworkError, Transport, UnexpectedResponseError } from "../../../http.ts";
import { startEmulator } from "../../emulator/_helpers.ts";
import { startProxy } from "../../_proxy.ts";

const TLS = new URL("../../fixtures/tls/", import.meta.url);
const tlsFile = (name: string) => new URL(name, TLS).pathname;
const PASSWORD = "pr0xy-s3cret";

/** A loopback HTTPS server with the fixture certificate (signed by the fixture CA). */
async function startTlsServer() {
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: await Deno.readTextFile(tlsFile("localhost.pem")),
    key: await Deno.readTextFile(tlsFile("localhost.key")),
    onListen() {},
  }, () => Response.json("24.1.0"));
  return {
    url: `https://localhost:${server.addr.port}`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

function version(transport: Transport) {
  return transport.request({ method: "GET", path: "/api/App/Version", operation: "app.version" });
}

/** Sets process environment variables for the length of `body`, then restores them. */
async function withEnv(vars: Record<string, string>, body: () => Promise<void>): Promise<void> {
  const names = [...Object.keys(vars), "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "ALL_PROXY"];
  const saved = new Map(names.map((name) => [name, Deno.env.get(name)]));
  for (const name of names) Deno.env.delete(name);
  for (const [name, value] of Object.entries(vars)) Deno.env.set(name, value);
  try {
    await body();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
  }
}

Deno.test("isBypassed takes the NO_PROXY forms: *, domains, sub-domains, CIDR, ports, IPv6", () => {
  const cases: [string, string[], boolean][] = [
    ["https://acme.wats.com/", ["*"], true],
    ["https://wats.acme.local/", ["acme.local"], true],
    ["https://wats.acme.local/", [".acme.local"], true],
    ["https://wats.acme.local/", ["*.acme.local"], true],
    ["https://notacme.local/", ["acme.local"], false],
    ["http://10.20.30.40/", ["10.0.0.0/8"], true],
    ["http://11.0.0.1/", ["10.0.0.0/8"], false],
    ["http://localhost:8080/", ["localhost:8080"], true],
    ["http://localhost:9090/", ["localhost:8080"], false],
    ["https://server/", ["server:443"], true],
    ["http://[::1]:8080/", ["::1"], true],
    ["http://[::1]:8080/", ["[::1]:8081"], false],
    ["https://ACME.wats.com/", [" acme.WATS.com "], true],
  ];
  for (const [url, list, expected] of cases) {
    assert.equal(isBypassed(new URL(url), list), expected, `${url} with ${list.join(",")}`);
  }
});

Deno.test('proxyFor "system" reads the variables per scheme, lower case too, with credentials', () => {
  const env: Record<string, string> = {
    https_proxy: "http://svc:p%40ss@proxy.acme.local:3128",
    HTTP_PROXY: "plain-proxy:8080",
    NO_PROXY: ".acme.local",
  };
  const read = (name: string) => env[name];
  const https = proxyFor(new URL("https://acme.wats.com"), "system", read);
  assert.deepEqual(https, {
    url: "http://proxy.acme.local:3128",
    basicAuth: { username: "svc", password: "p@ss" },
    source: "env HTTPS_PROXY",
  });
  assert.equal(
    proxyFor(new URL("http://acme.wats.com"), "system", read)?.url,
    "http://plain-proxy:8080",
  );
  assert.equal(proxyFor(new URL("https://wats.acme.local"), "system", read), null);
  assert.equal(proxyFor(new URL("https://acme.wats.com"), "none", read), null);
  assert.equal(proxyFor(new URL("https://acme.wats.com"), "system", () => undefined), null);
  assert.throws(
    () => proxyFor(new URL("https://a.b"), { url: `http://svc:${PASSWORD}@proxy:3128` }),
    (error: Error) =>
      /must not carry credentials/.test(error.message) &&
      !error.message.includes(PASSWORD),
  );
  assert.throws(
    () => proxyFor(new URL("https://a.b"), { url: "socks5://proxy:1080" }),
    /http or https/,
  );
});

Deno.test("parseCaCerts splits a bundle and refuses what is not a certificate", async () => {
  const ca = await Deno.readTextFile(tlsFile("ca.pem"));
  const leaf = await Deno.readTextFile(tlsFile("localhost.pem"));
  assert.equal(parseCaCerts(`${ca}\n${leaf}`).length, 2);
  assert.throws(() => parseCaCerts("hello"), /no PEM certificate/);
  assert.throws(
    () => parseCaCerts("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
    /certificate 1 is not an X\.509 certificate/,
  );
  const root = await Deno.makeTempDir({ prefix: "wats-ca-" });
  try {
    const broken = join(root, "broken.pem");
    await Deno.writeTextFile(broken, ca.replace(/^[A-Za-z0-9+/]{20}/m, "!!!!"));
    await assert.rejects(
      readCaCertFile(broken),
      (error: Error) => error.message.startsWith(broken),
    );
    await assert.rejects(readCaCertFile(join(root, "missing.pem")), /missing\.pem: not found/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a manual proxy carries every request, with its basic auth, to the emulator", async () => {
  await using h = await startEmulator();
  await using proxy = startProxy({ username: "svc", password: PASSWORD });
  using transport = new Transport({
    baseUrl: h.emulator.url,
    token: h.emulator.token,
    retry: false,
    proxy: { url: proxy.url, username: "svc", password: PASSWORD },
  });
  await version(transport);
  await version(transport);
  assert.deepEqual(proxy.forwards, [
    `${h.emulator.url}/api/App/Version`,
    `${h.emulator.url}/api/App/Version`,
  ]);
  assert.equal(proxy.refused, 0);
});

Deno.test("wrong proxy credentials fail without the password in the error", async () => {
  await using h = await startEmulator();
  await using tls = await startTlsServer();
  await using proxy = startProxy({ username: "svc", password: "the-right-one" });
  const setting = { url: proxy.url, username: "svc", password: PASSWORD };
  using plain = new Transport({
    baseUrl: h.emulator.url,
    token: "dA==",
    retry: false,
    proxy: setting,
  });
  const forward = await version(plain).then(() => null, (error: Error) => error);
  assert.ok(forward instanceof UnexpectedResponseError);
  assert.match(forward.message, /HTTP 407/);
  using secure = new Transport({
    baseUrl: tls.url,
    token: "dA==",
    retry: false,
    proxy: setting,
    caCerts: await readCaCertFile(tlsFile("ca.pem")),
  });
  const tunnel = await version(secure).then(() => null, (error: Error) => error);
  assert.ok(tunnel instanceof NetworkError);
  assert.match(tunnel.message, /proxy authentication required/);
  assert.equal(proxy.refused, 2);
  for (const error of [forward, tunnel]) {
    const shown = `${error.message} ${JSON.stringify(error)} ${Deno.inspect(error)}`;
    assert.ok(!shown.includes(PASSWORD), shown);
    assert.ok(!shown.includes(btoa(`svc:${PASSWORD}`)), shown);
  }
});

Deno.test("a bypassed host goes direct, the others through the proxy", async () => {
  await using h = await startEmulator();
  await using proxy = startProxy();
  const direct = new URL(h.emulator.url);
  using bypassed = new Transport({
    baseUrl: h.emulator.url,
    token: h.emulator.token,
    proxy: { url: proxy.url, bypass: [`${direct.hostname}:${direct.port}`] },
  });
  await version(bypassed);
  assert.deepEqual(proxy.forwards, []);
  using other = new Transport({
    baseUrl: h.emulator.url,
    token: h.emulator.token,
    proxy: { url: proxy.url, bypass: [`${direct.hostname}:1`, ".acme.local"] },
  });
  await version(other);
  assert.equal(proxy.forwards.length, 1);
});

Deno.test('"system" honours HTTPS_PROXY through a CONNECT tunnel, and NO_PROXY', async () => {
  await using tls = await startTlsServer();
  await using proxy = startProxy({ username: "svc", password: PASSWORD });
  const caCerts = await readCaCertFile(tlsFile("ca.pem"));
  const withCredentials = proxy.url.replace("//", `//svc:${PASSWORD}@`);
  await withEnv({ HTTPS_PROXY: withCredentials }, async () => {
    using transport = new Transport({ baseUrl: tls.url, token: "dA==", proxy: "system", caCerts });
    assert.equal((await version(transport)).data, "24.1.0");
    assert.deepEqual(proxy.connects, [new URL(tls.url).host]);
  });
  await withEnv({ https_proxy: proxy.url, no_proxy: "localhost" }, async () => {
    using transport = new Transport({ baseUrl: tls.url, token: "dA==", proxy: "system", caCerts });
    await version(transport);
    assert.equal(proxy.connects.length, 1);
    assert.equal(proxy.refused, 0);
  });
});

Deno.test("caCerts: the internal CA's server is refused without it and accepted with it", async () => {
  await using tls = await startTlsServer();
  using untrusting = new Transport({
    baseUrl: tls.url,
    token: "dA==",
    retry: false,
    proxy: "none",
  });
  await assert.rejects(
    version(untrusting),
    (error: Error) =>
      error instanceof NetworkError && /UnknownIssuer|certificate/i.test(error.message),
  );
  using trusting = new Transport({
    baseUrl: tls.url,
    token: "dA==",
    caCerts: await readCaCertFile(tlsFile("ca.pem")),
  });
  assert.equal((await version(trusting)).data, "24.1.0");
});
