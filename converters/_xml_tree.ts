/**
 * The element trees `_xml.ts` builds, and the small helpers converters read them with.
 *
 * @module
 */
import { ConversionError } from "./contract.ts";

/** An XML element with its attributes, children and text. */
export interface XmlElement {
  /** Local name, namespace prefix stripped (`Report` for `w:Report`). */
  name: string;
  /** The name as written. */
  qname: string;
  /** Attributes by name as written, values decoded. */
  attrs: Record<string, string>;
  /** Child elements in document order. */
  children: XmlElement[];
  /** The element's own text and CDATA, decoded, not trimmed (children's text excluded). */
  text: string;
  /** 1-based line of the start tag. */
  line: number;
}

/**
 * Strips a namespace prefix: `tr:TestResults` → `TestResults`.
 *
 * @param name A qualified name.
 * @returns The local name.
 */
export function stripPrefix(name: string): string {
  const colon = name.indexOf(":");
  return colon === -1 ? name : name.slice(colon + 1);
}

/**
 * The first child with a local name.
 *
 * @param el The parent.
 * @param name The child's local name.
 * @returns The child, or `undefined`.
 */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) if (c.name === name) return c;
  return undefined;
}

/**
 * Every child with a local name.
 *
 * @param el The parent.
 * @param name The children's local name.
 * @returns The children in document order.
 */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/**
 * An attribute by name as written, else by local name (`type` finds `xsi:type`).
 *
 * @param el The element.
 * @param name The attribute name.
 * @returns The value, or `undefined`.
 */
export function attr(el: XmlElement, name: string): string | undefined {
  const exact = el.attrs[name];
  if (exact !== undefined) return exact;
  for (const key in el.attrs) if (stripPrefix(key) === name) return el.attrs[key];
  return undefined;
}

/**
 * An attribute that must be there.
 *
 * @param el The element.
 * @param name The attribute name.
 * @param file The file, for the message.
 * @returns The value.
 * @throws {ConversionError} Naming the element and its line when the attribute is missing.
 */
export function requireAttr(el: XmlElement, name: string, file: string): string {
  const value = attr(el, name);
  if (value === undefined) {
    throw new ConversionError(`Missing attribute ${name}`, {
      file,
      line: el.line,
      element: el.name,
      stage: "map",
    });
  }
  return value;
}

/**
 * The trimmed text of the first child with a local name.
 *
 * @param el The parent.
 * @param name The child's local name.
 * @returns The text, or `undefined` when there is no such child.
 */
export function childText(el: XmlElement, name: string): string | undefined {
  const c = child(el, name);
  return c === undefined ? undefined : c.text.trim();
}
