import assert from "node:assert/strict";
import { join } from "node:path";
import { runChecks } from "../../../client/commands/_doctor.ts";
import { loadConfig } from "../../../client/config/config.ts";
import { startEmulator } from "../../emulator/_helpers.ts";
import { startProxy } from "../../_proxy.ts";

const PASSWORD = "pr0xy-s3cret";

Deno.test("wats doctor shows the proxy and the CA file, and reaches the server through the proxy", async () => {
  await using h = await startEmulator();
  await using proxy = startProxy({ username: "svc", password: PASSWORD });
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-doctor-net-" }));
  try {
    const file = join(root, "config.json");
    const caCertFile = new URL("../../fixtures/tls/ca.pem", import.meta.url).pathname;
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        server: {
          url: h.emulator.url,
          caCertFile,
          proxy: { url: proxy.url, username: "svc", bypass: [".acme.local", "10.0.0.0/8"] },
        },
        dataDir: "data",
      }),
    );
    const config = await loadConfig({
      file,
      env: { WATS_TOKEN: h.emulator.token, WATS_PROXY_PASSWORD: PASSWORD },
      hostname: "s7",
    });
    const checks = await runChecks(config, file, () => Date.now());
    const byName = (name: string) => checks.filter((check) => check.name === name);
    assert.deepEqual(byName("proxy")[0], {
      name: "proxy",
      result: "pass",
      detail:
        `${proxy.url} from config, user svc (password not shown); bypass: .acme.local, 10.0.0.0/8`,
    });
    assert.equal(byName("tls")[0].result, "pass");
    assert.match(byName("tls")[0].detail, new RegExp(`1 certificate\\(s\\) of ${caCertFile}$`));
    assert.equal(byName("server")[0].result, "pass", byName("server")[0].detail);
    assert.deepEqual(proxy.forwards, [`${h.emulator.url}/api/App/Version`]);
    assert.ok(!JSON.stringify(checks).includes(PASSWORD));

    await Deno.writeTextFile(join(root, "bad.pem"), "not a certificate");
    const broken = await loadConfig({
      file,
      env: { WATS_TOKEN: h.emulator.token, WATS_PROXY_PASSWORD: "wrong" },
      flags: { server: { caCertFile: join(root, "bad.pem") } },
      hostname: "s7",
    });
    const again = await runChecks(broken, file, () => Date.now());
    const tls = again.find((check) => check.name === "tls");
    assert.equal(tls?.result, "fail");
    assert.match(tls?.detail ?? "", /bad\.pem: no PEM certificate/);
    const server = again.find((check) => check.name === "server");
    assert.equal(server?.result, "fail");
    assert.ok(!JSON.stringify(again).includes("wrong"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
