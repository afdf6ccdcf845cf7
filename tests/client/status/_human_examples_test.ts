/** The usage examples of `client/status/_human.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import { humanBytes, humanCount, humanDuration } from "../../../client/status/_human.ts";

Deno.test("client/status/_human.ts: Round a retry delay", () => {
  assert.equal(humanDuration(153.7), "154 ms");
  assert.equal(humanDuration(185_000), "3 min 5 s");
});

Deno.test("client/status/_human.ts: Format a backlog", () => {
  assert.equal(humanCount(1907), "1,907");
});

Deno.test("client/status/_human.ts: Format free disk space", () => {
  assert.equal(humanBytes(3.2 * 1024 * 1024), "3.2 MiB");
});
