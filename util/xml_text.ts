/**
 * Escaping of text written into XML and reading of the entity references in text read from XML:
 * the one table of the five built-in entities, shared by the WSXF and WSBF writers, the XML
 * reader of the converters, the serial-number answer reader and the emulator.
 *
 * Attribute values escape quotes and whitespace too, so they read back unchanged from either
 * quoting style (a raw line break in an attribute would read back as a space).
 *
 * @module
 */

// A Map, not an object: a reference such as `&constructor;` must not find an inherited key.
const NAMED: ReadonlyMap<string, string> = new Map([
  ["amp", "&"],
  ["lt", "<"],
  ["gt", ">"],
  ["quot", '"'],
  ["apos", "'"],
]);

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\n": "&#10;",
  "\r": "&#13;",
  "\t": "&#9;",
};

const REFERENCE = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][\w.-]*);/g;

/**
 * Escapes text for element content: `&`, `<`, `>`, and `\r` (which a reader would otherwise
 * fold into the line break after it).
 *
 * @param text The text.
 * @returns The escaped text.
 */
export function escapeXmlText(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => ESCAPES[c]);
}

/**
 * Escapes text for an attribute value in either quotes: `&`, `<`, `>`, both quotes, and line
 * breaks and tabs as character references.
 *
 * @param text The text.
 * @returns The escaped text.
 */
export function escapeXmlAttribute(text: string): string {
  return text.replace(/[&<>"'\n\r\t]/g, (c) => ESCAPES[c]);
}

/** Options of {@linkcode decodeXmlText}. */
export interface DecodeXmlOptions {
  /**
   * Called with a reference that names no character: an entity other than the five built-in
   * ones, or a character reference to 0 or beyond U+10FFFF. Its result replaces the reference;
   * throw to refuse the text. By default the reference is kept as written.
   */
  onUnknown?: (reference: string) => string;
}

/**
 * Replaces the built-in entities (`&amp;` `&lt;` `&gt;` `&quot;` `&apos;`) and character
 * references (`&#65;`, `&#x41;`) with the characters they stand for.
 *
 * @param text Text as read from an XML document.
 * @param options What to do with references that name no character.
 * @returns The text.
 */
export function decodeXmlText(text: string, options: DecodeXmlOptions = {}): string {
  if (text.indexOf("&") === -1) return text;
  return text.replace(REFERENCE, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (code > 0 && code <= 0x10ffff) return String.fromCodePoint(code);
    } else {
      const value = NAMED.get(ref);
      if (value !== undefined) return value;
    }
    return options.onUnknown ? options.onUnknown(whole) : whole;
  });
}
