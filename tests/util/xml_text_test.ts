import assert from "node:assert/strict";
import { decodeXmlText, escapeXmlAttribute, escapeXmlText } from "../../util/xml_text.ts";

Deno.test("escapeXmlText escapes markup and carriage returns, keeps quotes and line feeds", () => {
  assert.equal(escapeXmlText(`a < b & c > "d"\r\n'e'`), `a &lt; b &amp; c &gt; "d"&#13;\n'e'`);
});

Deno.test("escapeXmlAttribute escapes both quotes and whitespace that would be normalised", () => {
  assert.equal(
    escapeXmlAttribute(`R'1 & "2" <x>\n\r\t`),
    "R&apos;1 &amp; &quot;2&quot; &lt;x&gt;&#10;&#13;&#9;",
  );
});

Deno.test("decodeXmlText reads back what the escapers write", () => {
  const text = `R'1 & "2" <x>\n\r\t`;
  assert.equal(decodeXmlText(escapeXmlAttribute(text)), text);
  assert.equal(decodeXmlText(escapeXmlText(text)), text);
});

Deno.test("decodeXmlText reads decimal and hexadecimal character references", () => {
  assert.equal(decodeXmlText("&#65;&#x42;&#x1F600;"), "AB\u{1F600}");
});

Deno.test("decodeXmlText keeps references that name no character, or hands them over", () => {
  const odd = "&nbsp; &constructor; &#0; &#x110000; &AMP;";
  assert.equal(decodeXmlText(odd), odd);
  const seen: string[] = [];
  const out = decodeXmlText(odd, { onUnknown: (reference) => (seen.push(reference), "?") });
  assert.equal(out, "? ? ? ? ?");
  assert.deepEqual(seen, ["&nbsp;", "&constructor;", "&#0;", "&#x110000;", "&AMP;"]);
});
