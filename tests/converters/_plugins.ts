/**
 * Plug-in modules written into a temp folder for the registry and run tests.
 *
 * @module
 */

const REPORT = `{
  id: crypto.randomUUID(), type: "T", pn: "PLUG-1", sn: "S-" + input.name, rev: "A", processCode: 10,
  machineName: context.station.name, location: "Lab", purpose: "Test",
  start: new Date(context.now()).toISOString(),
  root: { stepType: "SequenceCall", name: "MainSequence Callback", status: "P", steps: [] },
}`;

function plugin(body: string, extra = "", apiVersion = "1"): string {
  return `export default {
  apiVersion: ${apiVersion}, id: "plug", version: "0.1.0", patterns: ["*.plug"],
  sniff(head, name) { return name.endsWith(".plug") ? 0.9 : 0; },
  async *convert(input, context) { ${body} },
};
${extra}`;
}

/** The plug-in sources by name. */
export const PLUGINS: Record<string, string> = {
  works: plugin(`context.log.warn("Looked at " + input.name, { size: input.size });
    const text = await input.text();
    for (const line of text.split("\\n").filter(Boolean)) {
      const input = { name: line };
      yield ${REPORT};
    }`),
  throws: plugin(`throw new RangeError("Gauge 7 is out of range");`),
  loops: plugin(`while (true) { /* never yields, never awaits */ }`),
  reads_passwd: plugin(`await Deno.readTextFile("/etc/passwd"); yield ${REPORT};`),
  reads_env: plugin(`Deno.env.get("HOME"); yield ${REPORT};`),
  fetches: plugin(`await fetch("http://127.0.0.1:65000/"); yield ${REPORT};`),
  writes_outside: plugin(
    `await Deno.writeTextFile("/tmp/wats-plugin-escape.txt", "x"); yield ${REPORT};`,
  ),
  runs: plugin(`new Deno.Command("true").outputSync(); yield ${REPORT};`),
  bad_report: plugin(`yield { type: "T", pn: "P" };`),
  version_2: plugin(`yield 1;`, "", "2"),
  no_convert:
    `export default { apiVersion: 1, id: "half", version: "1", patterns: [], sniff() { return 0; } };`,
  syntax_error: `export default {{{`,
  named_export: plugin(`yield ${REPORT};`).replace(
    "export default {",
    "export const converter = {",
  ),
};

/** Writes every plug-in into a new temp folder and returns the folder. */
export async function writePlugins(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "wats-plugins-test-" });
  for (const [name, source] of Object.entries(PLUGINS)) {
    await Deno.writeTextFile(`${dir}/${name}.js`, source);
  }
  return dir;
}
