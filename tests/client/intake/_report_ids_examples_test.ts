/** The usage examples of `client/intake/_report_ids.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import { contentReportId } from "../../../client/intake/_report_ids.ts";

Deno.test("client/intake/_report_ids.ts: The same file gives the same id", () => {
  assert.equal(contentReportId("ab".repeat(32), 0), contentReportId("ab".repeat(32), 0));
  assert.notEqual(contentReportId("ab".repeat(32), 0), contentReportId("ab".repeat(32), 1));
});
