import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig } from "../../../client/config/config.ts";
import { ConfigError } from "../../../client/errors.ts";
import { servicePermissions } from "../../../client/permissions.ts";
import { platformFor } from "../../../util/platform.ts";

const PASSWORD = "pr0xy-s3cret";

async function withConfig(
  server: Record<string, unknown>,
  body: (file: string, root: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "wats-net-config-" });
  try {
    const file = join(root, "config.json");
    await Deno.writeTextFile(
      file,
      JSON.stringify({ server: { url: "https://acme.wats.com", ...server } }),
    );
    await body(file, root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function problemsOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (thrown: unknown) => thrown);
  assert.ok(error instanceof ConfigError, String(error));
  return error.problems.join("\n");
}

Deno.test('server.proxy is "system" by default; caCertFile resolves against the file', async () => {
  await withConfig({ caCertFile: "certs/ca.pem" }, async (file, root) => {
    const config = await loadConfig({ file, env: { WATS_TOKEN: "t" } });
    assert.equal(config.server.proxy, "system");
    assert.equal(config.server.caCertFile, join(root, "certs", "ca.pem"));
  });
});

Deno.test("a manual proxy takes its password from a file, kept secret", async () => {
  await withConfig({
    proxy: { url: "http://proxy:3128", username: "svc", passwordFile: "proxy.pw" },
  }, async (file, root) => {
    const passwordFile = join(root, "proxy.pw");
    await Deno.writeTextFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    await Deno.chmod(passwordFile, 0o600);
    const config = await loadConfig({
      file,
      env: { WATS_TOKEN: "t" },
      platform: platformFor("linux"),
    });
    assert.deepEqual(config.server.proxy, {
      url: "http://proxy:3128",
      username: "svc",
      passwordFile,
      bypass: [],
    });
    assert.equal(config.secrets.proxyPassword, PASSWORD);
    const shown = `${JSON.stringify(config)} ${Deno.inspect(config.secrets)}`;
    assert.ok(!shown.includes(PASSWORD));
    assert.match(Deno.inspect(config.secrets), /proxyPassword/);
    assert.ok(
      servicePermissions(config).some((need) =>
        need.name === "read" && need.target === passwordFile
      ),
    );
    const fromEnv = await loadConfig({
      file,
      env: { WATS_TOKEN: "t", WATS_PROXY_PASSWORD: "from-env" },
      platform: platformFor("linux"),
    });
    assert.equal(fromEnv.secrets.proxyPassword, "from-env");
    if (Deno.build.os !== "windows") {
      await Deno.chmod(passwordFile, 0o644);
      const problems = await problemsOf(
        loadConfig({ file, env: { WATS_TOKEN: "t" }, platform: platformFor("linux") }),
      );
      assert.match(
        problems,
        /server\.proxy\.passwordFile: .* readable by every user.*WATS_PROXY_PASSWORD/,
      );
    }
  });
});

Deno.test("a proxy password in the configuration file is refused without repeating it", async () => {
  await withConfig({
    proxy: { url: "http://proxy:3128", username: "svc", password: PASSWORD },
  }, async (file) => {
    const problems = await problemsOf(loadConfig({ file, env: { WATS_TOKEN: "t" } }));
    assert.match(problems, /server\.proxy\.password: a proxy password is not accepted/);
    assert.ok(!problems.includes(PASSWORD));
  });
  await withConfig({ proxy: { url: `http://svc:${PASSWORD}@proxy:3128` } }, async (file) => {
    const problems = await problemsOf(loadConfig({ file, env: { WATS_TOKEN: "t" } }));
    assert.match(problems, /server\.proxy\.url: credentials are not accepted in the URL/);
    assert.ok(!problems.includes(PASSWORD));
  });
});

Deno.test("server.proxy problems name the key and what to do", async () => {
  const cases: [unknown, RegExp][] = [
    ["manual", /server\.proxy: expected "system", "none" or an object with url/],
    [{ url: "socks5://proxy:1080" }, /server\.proxy\.url: expected an http or https URL/],
    [
      { url: "http://proxy:3128", username: "svc" },
      /user name needs a password; set WATS_PROXY_PASSWORD/,
    ],
  ];
  for (const [proxy, expected] of cases) {
    await withConfig({ proxy }, async (file) => {
      assert.match(await problemsOf(loadConfig({ file, env: { WATS_TOKEN: "t" } })), expected);
    });
  }
  await withConfig({ proxy: { url: "http://proxy:3128" } }, async (file) => {
    const problems = await problemsOf(
      loadConfig({ file, env: { WATS_TOKEN: "t", WATS_PROXY_PASSWORD: "pw" } }),
    );
    assert.match(problems, /server\.proxy\.username: required with a proxy password/);
  });
});

Deno.test("servicePermissions names the CA file and the proxy host", async () => {
  await withConfig({
    caCertFile: "/etc/wats/ca.pem",
    proxy: { url: "http://proxy.acme.local:3128", bypass: [".acme.local"] },
  }, async (file) => {
    const config = await loadConfig({ file, env: { WATS_TOKEN: "t" } });
    const needs = servicePermissions(config).map((need) =>
      `${need.name} ${need.target} ${need.why}`
    );
    assert.ok(needs.includes("read /etc/wats/ca.pem server.caCertFile"), needs.join("\n"));
    assert.ok(needs.includes("net proxy.acme.local:3128 the proxy (config)"), needs.join("\n"));
  });
});
