/**
 * Small helpers of the event sinks: URLs without credentials.
 *
 * @module
 */

/**
 * A URL with its user name and password taken out, for status and logs.
 *
 * @param url A broker URL.
 * @returns The URL without credentials (the text as it is when it is not a URL).
 */
export function redactUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.href.replace(/\/$/, "");
}
