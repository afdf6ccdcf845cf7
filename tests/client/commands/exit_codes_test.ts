import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliIo, runCli } from "../../../client/commands/mod.ts";
import { InstanceLock } from "../../../client/lock.ts";

function captured(): CliIo & { stderr: string } {
  const io = {
    stderr: "",
    isTty: false,
    out() {},
    err(text: string) {
      io.stderr += text;
    },
  };
  return io;
}

async function configWith(root: string, status: object): Promise<string> {
  const file = join(root, "config.json");
  // The token from a file, not WATS_TOKEN: test files run in parallel in one process.
  const tokenFile = join(root, "token");
  await Deno.writeTextFile(tokenFile, "dGVzdDp0ZXN0\n", { mode: 0o600 });
  await Deno.writeTextFile(
    file,
    JSON.stringify({ server: { url: "http://127.0.0.1:9", tokenFile }, dataDir: "data", status }),
  );
  return file;
}

Deno.test("wats run exits 30 naming the port in use, and 30 naming the lock's holder", async () => {
  const root = await Deno.makeTempDir({ prefix: "wats-exit-" });
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    const busy = captured();
    assert.equal(await runCli(["run", "--config", await configWith(root, { port })], busy), 30);
    assert.match(busy.stderr, new RegExp(`status port 127\\.0\\.0\\.1:${port} is in use`));

    const file = await configWith(root, { port: 0 });
    const lock = await InstanceLock.acquire(join(root, "data"), { version: "test" });
    try {
      const held = captured();
      assert.equal(await runCli(["run", "--config", file], held), 30);
      assert.match(held.stderr, new RegExp(`process ${Deno.pid}, started `));
    } finally {
      lock.release();
    }
  } finally {
    taken.close();
    await Deno.remove(root, { recursive: true });
  }
});
