/** The usage examples of `client/config/_overlap.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import { folderOverlapProblems, systemFolderReason } from "../../../client/config/_overlap.ts";

Deno.test("client/config/_overlap.ts: Refuse the root and `/etc`, take a folder below `/srv`", () => {
  assert.match(systemFolderReason("/", "linux") ?? "", /root/);
  assert.match(systemFolderReason("/etc/wats", "linux") ?? "", /system folder \/etc/);
  assert.equal(systemFolderReason("/srv/drop", "linux"), null);
});

Deno.test("client/config/_overlap.ts: A drop folder that is the data folder is refused", async () => {
  const problems = await folderOverlapProblems({
    dataDir: "/srv/wats/data",
    watch: [{
      path: "/srv/wats/data",
      converter: "auto",
      pattern: "*",
      postAction: "move",
      recursive: false,
      stableMs: 500,
    }],
  });
  assert.match(problems[0], /watch\[0\]\.path \/srv\/wats\/data is the data folder/);
});
