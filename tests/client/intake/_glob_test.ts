import assert from "node:assert/strict";
import { compilePattern, globToRegExp } from "../../../client/intake/_glob.ts";

Deno.test("* and ? stay within one path segment", () => {
  const regExp = globToRegExp("*.js?n");
  assert.ok(regExp.test("report.json"));
  assert.ok(!regExp.test("report.jsn"));
  assert.ok(!regExp.test("sub/report.json"));
});

Deno.test("** spans folders, including none", () => {
  const regExp = globToRegExp("**/PB*.txt");
  assert.ok(regExp.test("PB1.txt"));
  assert.ok(regExp.test("a/b/PB1.txt"));
  assert.ok(!regExp.test("a/b/XB1.txt"));
  assert.ok(globToRegExp("logs/**").test("logs/a/b.txt"));
});

Deno.test("{a,b} alternates, nested too, and other characters are literal", () => {
  const regExp = globToRegExp("*.{json,x{ml,sf}}");
  for (const name of ["a.json", "a.xml", "a.xsf"]) assert.ok(regExp.test(name), name);
  assert.ok(!regExp.test("a.txt"));
  assert.ok(globToRegExp("a+(1).txt").test("a+(1).txt"));
  assert.ok(!globToRegExp("a.txt").test("abtxt"));
});

Deno.test("case is ignored only when asked (Windows)", () => {
  assert.ok(!globToRegExp("*.json").test("A.JSON"));
  assert.ok(globToRegExp("*.json", { caseInsensitive: true }).test("A.JSON"));
});

Deno.test("a pattern without a separator matches the file name anywhere", () => {
  const byName = compilePattern("*.json", false);
  assert.ok(byName.matches("deep/er/a.json"));
  const byPath = compilePattern("line1\\*.json", false);
  assert.ok(byPath.matches("line1\\a.json"));
  assert.ok(byPath.matches("line1/a.json"));
  assert.ok(!byPath.matches("line2/a.json"));
});
