/** The usage examples of `client/install/install.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import { planService, runServiceAction } from "../../../client/install/install.ts";

Deno.test("client/install/install.ts: The systemd unit of an instance", () => {
  const plan = planService({
    instance: "line2",
    os: "linux",
    dataDir: "/var/lib/wats/instances/line2",
    configFile: "/var/lib/wats/instances/line2/config.json",
    program: ["/usr/local/bin/wats"],
  });
  assert.equal(plan.files[0].path, "/etc/systemd/system/wats-client@line2.service");
  assert.match(plan.files[0].content, /^ExecStart=\/usr\/local\/bin\/wats run --instance line2 /m);
});

Deno.test("client/install/install.ts: Print what an install does", async () => {
  const plan = planService({
    instance: "default",
    os: "windows",
    dataDir: "C:\\ProgramData\\WATS\\instances\\default",
    configFile: "C:\\ProgramData\\WATS\\instances\\default\\config.json",
    program: ["C:\\Program Files\\WATS\\wats.exe"],
  });
  const lines: string[] = [];
  const code = await runServiceAction("install", plan, {
    dryRun: true,
    print: (line) => lines.push(line),
  });
  assert.equal(code, 0);
  assert.ok(lines.some((line) => line.startsWith("run sc.exe failure WATSClient reset= 86400")));
});
