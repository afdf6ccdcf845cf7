import assert from "node:assert/strict";
import { Wats } from "../../mod.ts";
import { runEmulatorCommand } from "../../emulator/mod.ts";

Deno.test("wats emulator prints its URL and token, serves, and stops cleanly", async () => {
  const lines: string[] = [];
  const stop = new AbortController();
  const { promise: listening, resolve } = Promise.withResolvers<void>();
  const done = runEmulatorCommand(["--token", "dGVzdDp0ZXN0", "--inspect"], {
    signal: stop.signal,
    write: (text) => {
      lines.push(text);
      resolve();
    },
  });
  await listening;
  const output = lines.join("");
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
  assert.ok(url, output);
  assert.match(output, /Token: dGVzdDp0ZXN0/);
  const wats = new Wats({ baseUrl: url, token: "dGVzdDp0ZXN0", limiter: false, retry: false });
  assert.equal(await wats.app.version(), "24.1.0");
  const stats = await wats.request<{ totalRequests: number }>({
    method: "GET",
    path: "/_emulator/stats",
    operation: "test.stats",
  });
  assert.equal(stats.data.totalRequests, 1);
  stop.abort();
  assert.equal(await done, 0);
  assert.match(lines.join(""), /stopped/);
});

Deno.test("wats emulator refuses bad arguments with exit code 2 and usage", async () => {
  for (const args of [["--port", "http"], ["--bogus"], ["--port", "70000"]]) {
    let output = "";
    const code = await runEmulatorCommand(args, { write: (text) => output += text });
    assert.equal(code, 2, args.join(" "));
    assert.match(output, /port|bogus/i);
  }
  let help = "";
  assert.equal(await runEmulatorCommand(["--help"], { write: (text) => help += text }), 0);
  assert.match(help, /Usage: wats emulator/);
});

Deno.test("wats emulator exits with 1 and says why when the port is taken", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    let output = "";
    const port = String(listener.addr.port);
    const code = await runEmulatorCommand(["--port", port], { write: (text) => output += text });
    assert.equal(code, 1);
    assert.match(output, new RegExp(`could not start on 127\\.0\\.0\\.1:${port}`));
  } finally {
    listener.close();
  }
});
