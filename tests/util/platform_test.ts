import assert from "node:assert/strict";
import { currentPlatform, platformFor } from "../../util/platform.ts";
import { sameFolderProblems } from "../../client/intake/_watch_paths.ts";

const windows = platformFor("windows");
const linux = platformFor("linux");

Deno.test("the platform of this process is the one of Deno.build.os", () => {
  assert.equal(currentPlatform.os, Deno.build.os);
  assert.equal(currentPlatform.isWindows, Deno.build.os === "windows");
});

Deno.test("Windows paths compare across casing, slashes, trailing separators and UNC spellings", () => {
  const same = [
    ["C:\\Drop", "c:/drop/"],
    ["C:\\Drop", "\\\\?\\C:\\DROP"],
    ["\\\\srv\\share\\In", "//SRV/share/in"],
    ["\\\\srv\\share\\In", "\\\\?\\UNC\\srv\\share\\in\\"],
    ["C:\\Drop\\..\\Drop", "C:\\drop"],
  ];
  for (const [a, b] of same) assert.equal(windows.isSamePath(a, b), true, `${a} ${b}`);
  assert.equal(windows.isSamePath("C:\\Drop", "D:\\Drop"), false);
  assert.equal(windows.pathKey("C:\\"), "c:\\");
  assert.equal(linux.isSamePath("/drop", "/Drop"), false);
  assert.equal(linux.isSamePath("/drop/", "/drop"), true);
});

Deno.test("two watch entries naming one folder are refused on Windows, case-sensitively on POSIX", () => {
  const paths = [
    "C:\\Drop",
    "c:/drop/",
    "\\\\srv\\share\\in",
    "\\\\?\\UNC\\srv\\share\\IN",
    "D:\\x",
  ];
  assert.deepEqual(sameFolderProblems(paths, windows), [
    "watch[1].path: c:/drop/ is the folder of watch[0].path (C:\\Drop); watch it once",
    "watch[3].path: \\\\?\\UNC\\srv\\share\\IN is the folder of watch[2].path " +
    "(\\\\srv\\share\\in); watch it once",
  ]);
  assert.deepEqual(sameFolderProblems(["/drop", "/Drop", "/drop/"], linux), [
    "watch[2].path: /drop/ is the folder of watch[0].path (/drop); watch it once",
  ]);
});

Deno.test("8.3 short names and network paths are told by their spelling", () => {
  assert.equal(windows.mayHoldShortName("C:\\PROGRA~1\\WATS\\drop"), true);
  assert.equal(windows.mayHoldShortName("C:\\Drop\\REPORT~12.CSV"), true);
  assert.equal(windows.mayHoldShortName("C:\\Drop\\report~old.csv"), false);
  assert.equal(linux.mayHoldShortName("/drop/REPORT~1.CSV"), false);
  assert.equal(windows.isNetworkPath("\\\\server\\share\\drop"), true);
  assert.equal(windows.isNetworkPath("//server/share"), true);
  assert.equal(windows.isNetworkPath("C:\\drop"), false);
});

Deno.test("sharing violations pass by themselves on Windows; only EBUSY does on POSIX", () => {
  const coded = (code: string) => Object.assign(new Error(code), { code });
  for (const error of [coded("EBUSY"), coded("EPERM"), coded("EACCES")]) {
    assert.equal(windows.isTransientError(error), true);
  }
  assert.equal(windows.isTransientError(new Deno.errors.PermissionDenied("x")), true);
  assert.equal(windows.isTransientError(new Deno.errors.Busy("x")), true);
  assert.equal(windows.isTransientError(new Deno.errors.NotFound("x")), false);
  assert.equal(linux.isTransientError(coded("EBUSY")), true);
  assert.equal(linux.isTransientError(coded("EACCES")), false);
});

Deno.test("stop signals, mode bits, line endings and rename durability differ by OS", () => {
  assert.deepEqual(windows.stopSignals, ["SIGINT", "SIGBREAK", "SIGHUP", "SIGTERM"]);
  assert.deepEqual(linux.stopSignals, ["SIGINT", "SIGTERM"]);
  assert.equal(windows.hasModeBits, false);
  assert.equal(linux.hasModeBits, true);
  assert.equal(windows.textLines("a\nb\n"), "a\r\nb\r\n");
  assert.equal(linux.textLines("a\nb\n"), "a\nb\n");
  assert.equal(windows.renameDurability, "file");
  assert.equal(linux.renameDurability, "folder");
});

Deno.test("program names and PATH separators differ by OS", () => {
  assert.equal(windows.executableName("nssm"), "nssm.exe");
  assert.equal(windows.executableName("nssm.exe"), "nssm.exe");
  assert.equal(windows.executableName("setup.cmd"), "setup.cmd");
  assert.equal(linux.executableName("nssm"), "nssm");
  assert.equal(windows.pathListSeparator, ";");
  assert.equal(linux.pathListSeparator, ":");
});
