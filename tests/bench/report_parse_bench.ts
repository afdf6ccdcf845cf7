/**
 * What validating a report costs next to reading its JSON.
 *
 * `parseReport(JSON.parse(text))` against `JSON.parse(text)` on the large UUT export (97 KB, ~330
 * steps). Goal: the pair within 3× of the parse alone. The plain zod parser (`ReportSchema.parse`,
 * no ahead-of-time compilation) is shown for comparison.
 *
 * Run: `deno bench --allow-read tests/bench/report_parse_bench.ts`
 *
 * @module
 */
import { fixtureUrl } from "../fixtures/mod.ts";
import { parseReport, ReportSchema } from "../../api/models/report/mod.ts";

const FIXTURE = fixtureUrl("new_report_example.json");
const text = new TextDecoder().decode(Deno.readFileSync(FIXTURE));

// The first parse compiles the schema; keep that out of the measurement.
parseReport(JSON.parse(text));

Deno.bench("JSON.parse", { group: "report parse", baseline: true }, () => {
  JSON.parse(text);
});

Deno.bench("parseReport(JSON.parse)", { group: "report parse" }, () => {
  parseReport(JSON.parse(text));
});

Deno.bench("ReportSchema.parse(JSON.parse), no compile", { group: "report parse" }, () => {
  ReportSchema.parse(JSON.parse(text));
});
