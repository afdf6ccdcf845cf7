import assert from "node:assert/strict";
import { join } from "node:path";
import {
  folderOverlapProblems,
  systemFolderReason,
  targetFolders,
} from "../../../client/config/_overlap.ts";
import type { WatchConfig } from "../../../client/config/schema.ts";

function watch(path: string, extra: Partial<WatchConfig> = {}): WatchConfig {
  return {
    path,
    converter: "auto",
    pattern: "*",
    postAction: "move",
    recursive: false,
    stableMs: 500,
    ...extra,
  };
}

const CASES: {
  name: string;
  dataDir: string;
  watch: (root: string) => WatchConfig[];
  expected: RegExp[];
}[] = [
  {
    name: "separate folders",
    dataDir: "data",
    watch: (root) => [watch(join(root, "drop")), watch(join(root, "other"), { recursive: true })],
    expected: [],
  },
  {
    name: "a watch folder equal to the data folder",
    dataDir: "data",
    watch: (root) => [watch(join(root, "data"))],
    expected: [/watch\[0\]\.path \S+\/data is the data folder \(dataDir \S+\/data\)/],
  },
  {
    name: "a watch folder inside the data folder",
    dataDir: "data",
    watch: (root) => [watch(join(root, "data", "drop"))],
    expected: [/watch\[0\]\.path \S+\/data\/drop is inside the data folder \(dataDir \S+\/data\)/],
  },
  {
    name: "the data folder inside a watch folder",
    dataDir: "drop/data",
    watch: (root) => [watch(join(root, "drop"))],
    expected: [/dataDir \S+\/drop\/data is inside watch\[0\]\.path \S+\/drop;/],
  },
  {
    name: "an error folder equal to its watch folder",
    dataDir: "data",
    watch: (root) => [watch(join(root, "drop"), { errorDir: join(root, "drop") })],
    expected: [/watch\[0\]\.errorDir \S+\/drop is watch\[0\]\.path \S+\/drop: files moved there/],
  },
  {
    name: "an archive folder that is another entry's watch folder",
    dataDir: "data",
    watch: (root) => [
      watch(join(root, "a"), { archiveDir: join(root, "b") }),
      watch(join(root, "b")),
    ],
    expected: [/watch\[0\]\.archiveDir \S+\/b is watch\[1\]\.path \S+\/b:/],
  },
  {
    name: "an error folder inside another entry's recursive watch folder",
    dataDir: "data",
    watch: (root) => [
      watch(join(root, "a"), { errorDir: join(root, "all", "errors") }),
      watch(join(root, "all"), { recursive: true }),
    ],
    expected: [
      /watch\[0\]\.errorDir \S+\/all\/errors is inside watch\[1\]\.path \S+\/all, which is watched recursively/,
    ],
  },
  {
    name: "the default error folder inside its own recursive watch folder",
    dataDir: "data",
    watch: (root) => [watch(join(root, "drop"), { recursive: true })],
    expected: [],
  },
  {
    name: "an error folder inside a watch folder that is not recursive",
    dataDir: "data",
    watch: (root) => [
      watch(join(root, "a"), { errorDir: join(root, "b", "errors") }),
      watch(join(root, "b")),
    ],
    expected: [],
  },
  {
    name: "a watch folder inside another one watched recursively",
    dataDir: "data",
    watch: (root) => [watch(join(root, "all"), { recursive: true }), watch(join(root, "all", "x"))],
    expected: [
      /watch\[1\]\.path \S+\/all\/x is inside watch\[0\]\.path \S+\/all, which is watched/,
    ],
  },
  {
    name: "the done folder of an entry that deletes is not used",
    dataDir: "data",
    watch: (root) => [
      watch(join(root, "a"), { postAction: "delete", archiveDir: join(root, "b") }),
      watch(join(root, "b")),
    ],
    expected: [],
  },
];

for (const { name, dataDir, watch: watches, expected } of CASES) {
  Deno.test(`folderOverlapProblems: ${name}`, async () => {
    const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-overlap-" }));
    try {
      const problems = await folderOverlapProblems({
        dataDir: join(root, dataDir),
        watch: watches(root),
      });
      assert.equal(problems.length, expected.length, problems.join("\n"));
      expected.forEach((pattern, index) => assert.match(problems[index], pattern));
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });
}

Deno.test({
  name: "folderOverlapProblems sees through a symlink to the data folder",
  ignore: Deno.build.os === "windows",
  async fn() {
    const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wats-overlap-" }));
    try {
      await Deno.mkdir(join(root, "data"));
      await Deno.symlink(join(root, "data"), join(root, "link"));
      const problems = await folderOverlapProblems({
        dataDir: join(root, "data"),
        watch: [watch(join(root, "link"))],
      });
      assert.equal(problems.length, 1);
      assert.match(problems[0], /\/link is the data folder/);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test("systemFolderReason refuses roots and system folders of each OS", () => {
  const table: [string, typeof Deno.build.os, RegExp | null][] = [
    ["/", "linux", /file-system root/],
    ["/etc", "linux", /system folder \/etc$/],
    ["/usr/local/drop", "linux", /system folder \/usr or inside it/],
    ["/home", "linux", /system folder \/home/],
    ["/home/ops/drop", "linux", null],
    ["/tmp/drop", "linux", null],
    ["/var/lib/wats/drop", "linux", null],
    ["/System/Library", "darwin", /system folder \/System/],
    ["C:\\", "windows", /file-system root/],
    ["d:\\", "windows", /file-system root/],
    ["c:\\windows\\temp", "windows", /system folder C:\\Windows or inside it/],
    ["C:\\Users", "windows", /system folder C:\\Users/],
    ["C:\\Users\\ops\\drop", "windows", null],
  ];
  for (const [path, os, expected] of table) {
    const reason = systemFolderReason(path, os);
    if (expected === null) assert.equal(reason, null, path);
    else assert.match(reason ?? "", expected, path);
  }
});

Deno.test("targetFolders gives the defaults: Done and Error in the drop folder, archive in data", () => {
  assert.deepEqual(targetFolders(watch("/srv/drop"), "/srv/data"), {
    doneDir: join("/srv/drop", "Done"),
    errorDir: join("/srv/drop", "Error"),
    archiveDir: join("/srv/data", "archive"),
  });
});
