/** The usage examples of `util/xml_text.ts`, an internal module, run as tests. */
import assert from "node:assert/strict";
import { decodeXmlText, escapeXmlAttribute } from "../../util/xml_text.ts";

Deno.test("util/xml_text.ts: Escape and read back", () => {
  assert.equal(escapeXmlAttribute(`R'1 & "2"`), "R&apos;1 &amp; &quot;2&quot;");
  assert.equal(decodeXmlText("A&amp;B&#47;&#x41;"), "A&B/A");
});
