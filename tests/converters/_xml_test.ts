import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { ConversionError } from "../../converters/contract.ts";
import {
  assertNoDtd,
  attr,
  child,
  childrenNamed,
  childText,
  parseXml,
  requireAttr,
  streamXml,
  stripPrefix,
  type XmlElement,
} from "../../converters/_xml.ts";

const FILE = { file: "t.xml" };

function refused(text: string, pattern: RegExp, line?: number): void {
  throws(() => parseXml(text, FILE), (e) => {
    if (!(e instanceof ConversionError)) return false;
    ok(pattern.test(e.message), e.message);
    if (line !== undefined) equal(e.line, line, e.message);
    return true;
  });
}

async function streamed(
  text: string,
  chunk: number,
  select: (name: string, depth: number) => boolean,
): Promise<XmlElement[]> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (offset >= bytes.length) return c.close();
      c.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
  const out: XmlElement[] = [];
  for await (const el of streamXml(stream, { file: "s.xml", select })) out.push(el);
  return out;
}

Deno.test("parseXml builds elements with attributes, text, CDATA and line numbers", () => {
  const root = parseXml(
    '<?xml version="1.0"?>\n<!-- a comment -->\n<a:Root xmlns:a="urn:x" a:kind=\'top\'>\n  <Item id="1" note="x &gt; y &amp; &#65;&#x42;">one &lt;1&gt;</Item>\n  <Item id="2"/>\n  <Data><![CDATA[<raw> & stuff]]></Data>\n</a:Root>',
    FILE,
  );
  equal(root.name, "Root");
  equal(root.qname, "a:Root");
  equal(root.line, 3);
  equal(attr(root, "kind"), "top");
  const items = childrenNamed(root, "Item");
  equal(items.length, 2);
  equal(items[0].attrs.note, "x > y & AB");
  equal(items[0].text, "one <1>");
  equal(items[0].line, 4);
  equal(items[1].line, 5);
  equal(childText(root, "Data"), "<raw> & stuff");
  equal(child(root, "Missing"), undefined);
  equal(stripPrefix("tr:TestResults"), "TestResults");
});

Deno.test("parseXml keeps a '>' inside attribute values", () => {
  const root = parseXml("<r><s expr=\"a > b\" other='c>d'/></r>", FILE);
  equal(root.children[0].attrs.expr, "a > b");
  equal(root.children[0].attrs.other, "c>d");
});

Deno.test("a billion-laughs document is refused at once, before any expansion", () => {
  const lol = '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' +
    Array.from(
      { length: 9 },
      (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`,
    ).join("\n") +
    "\n]>\n<lolz>&lol9;</lolz>";
  const started = performance.now();
  refused(lol, /document type declarations are refused/, 2);
  ok(performance.now() - started < 100);
  throws(
    () => assertNoDtd(lol, "lol.xml"),
    /lol\.xml:2: XML document type declarations are refused/,
  );
});

Deno.test("an external entity (XXE) is refused and no file is read", () => {
  const xxe =
    '<?xml version="1.0"?>\n<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n<foo>&xxe;</foo>';
  refused(xxe, /document type declarations are refused/, 2);
});

Deno.test("an undeclared entity is an error, not an empty string", () => {
  refused("<r>\n<v>&xxe;</v></r>", /Unknown entity &xxe;/, 2);
  refused('<r a="&foo;"/>', /Unknown entity &foo;/);
  refused("<r>&#0;</r>", /Invalid character reference/);
});

Deno.test("malformed and truncated XML is refused with the element and line", () => {
  refused("<r>\n  <a>\n  </b>\n</r>", /Expected <\/a> \(opened on line 2\), found <\/b>/, 3);
  refused("<Reports>\n<Report>\n<Step>", /Truncated XML: <Step> opened on line 3 is not closed/);
  refused("<r><a x=1/></r>", /Malformed attribute in <a>/);
  refused('<r a="1" a="2"/>', /Attribute a given twice/);
  refused("<r/><r/>", /A second root element <r>/);
  refused("junk<r/>", /Text before the root element/);
  refused("", /No XML element found/);
  refused("<r><!-- never closed", /Truncated XML: A comment is not closed/);
  refused("<r>" + "<a>".repeat(300) + "</a>".repeat(300) + "</r>", /nested deeper than 256/);
});

Deno.test("requireAttr names the element and line of a missing attribute", () => {
  const root = parseXml("<r>\n<Step Name='x'/></r>", FILE);
  throws(
    () => requireAttr(root.children[0], "Id", "t.xml"),
    /^ConversionError: t\.xml:2 <Step>: Missing attribute Id$/,
  );
});

Deno.test("streamXml yields selected elements whole, at any chunk size", async () => {
  const doc = '<?xml version="1.0"?>\n<Reports xmlns="urn:w">\n' +
    Array.from(
      { length: 5 },
      (_, i) =>
        `  <Report SN="S${i}" note="a &amp; b"><Step Name="n${i}">t&lt;${i}</Step><![CDATA[c${i}]]></Report>\n`,
    ).join("") +
    "</Reports>\n";
  const whole = childrenNamed(parseXml(doc, FILE), "Report");
  for (const size of [1, 3, 7, 64, 4096]) {
    const parts = await streamed(doc, size, (name) => name === "Report");
    deepStrictEqual(parts, whole, `chunk ${size}`);
  }
});

Deno.test("streamXml reports errors found in any chunk", async () => {
  let caught: unknown;
  try {
    await streamed("<Reports><Report></Reports>", 4, (n) => n === "Report");
  } catch (e) {
    caught = e;
  }
  ok(
    caught instanceof ConversionError && /Expected <\/Report>/.test(caught.message),
    String(caught),
  );
  caught = undefined;
  try {
    await streamed("<Reports>\n<!DOCTYPE x>\n</Reports>", 5, () => false);
  } catch (e) {
    caught = e;
  }
  ok(caught instanceof ConversionError && caught.line === 2, String(caught));
});
