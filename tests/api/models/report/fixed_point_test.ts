/**
 * The fixed-point check generated from the report schema, against zod itself: on the fixtures,
 * on deep step trees and on thousands of one-change variants of them. Whenever the check says
 * "taken as is", zod must accept the value and return data equal to it, key order included;
 * whenever it says "refused", zod must refuse it.
 */
import assert from "node:assert/strict";
import {
  DATE_TIME_PATTERN,
  FIXED,
  fixedPointCheck,
  GUID_PATTERN,
  isGuid,
  isIsoDateTime,
  REJECTED,
  UNSURE,
} from "../../../../api/models/report/_fixed_point.ts";
import { dateTime, guid } from "../../../../api/models/report/_primitives.ts";
import { report as reportSchema } from "../../../../api/models/report/report.ts";
import { parseReport, ReportFormatError } from "../../../../api/models/report/mod.ts";
import { adoptReport } from "../../../../api/models/report/parse.ts";
import { seeded } from "../../../_random.ts";
import { fixtureNames, minimalUut, readFixture, uutWithSteps } from "./_fixtures.ts";

const check = fixedPointCheck(reportSchema);

/** Equal as data: the same own keys in the same order, equal values (`Object.is` for leaves). */
function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return false;
    const key = ka[i];
    if (
      !sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])
    ) return false;
  }
  return true;
}

type Path = (string | number)[];

/** Every place in a value: object keys and array items, depth first. */
function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => out.push([...prefix, i], ...paths(item, [...prefix, i])));
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key], ...paths(item, [...prefix, key]));
    }
  }
  return out;
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  return node;
}

/** One-change variants: wrong types, bounds, aliases, missing and extra keys, key order. */
const MUTATIONS: ((parent: Record<string | number, unknown>, key: string | number) => void)[] = [
  (p, k) => delete p[k],
  (p, k) => p[k] = undefined,
  (p, k) => p[k] = null,
  (p, k) => p[k] = "",
  (p, k) => p[k] = "x".repeat(101),
  (p, k) => p[k] = 7,
  (p, k) => p[k] = 7.5,
  (p, k) => p[k] = -0,
  (p, k) => p[k] = NaN,
  (p, k) => p[k] = Infinity,
  (p, k) => p[k] = "NaN",
  (p, k) => p[k] = "nan",
  (p, k) => p[k] = "-Inf",
  (p, k) => p[k] = true,
  (p, k) => p[k] = [],
  (p, k) => p[k] = {},
  (p, k) => p[k] = typeof p[k] === "string" ? (p[k] as string).toLowerCase() : p[k],
  (p, k) => p[k] = typeof p[k] === "number" ? String(p[k]) : p[k],
  (p, k) => p[k] = typeof p[k] === "string" ? ` ${p[k]}` : p[k],
  // A one-element array as its bare item (the schema folds measurement lists).
  (p, k) =>
    p[k] = Array.isArray(p[k]) && (p[k] as unknown[]).length === 1 ? (p[k] as unknown[])[0] : p[k],
  // An unknown key, kept by the schema: after the known ones, and in front of them.
  (p, k) => {
    const item = p[k];
    if (typeof item === "object" && item !== null && !Array.isArray(item)) {
      (item as Record<string, unknown>).extraKey = "kept";
    }
  },
  (p, k) => {
    const item = p[k];
    if (typeof item === "object" && item !== null && !Array.isArray(item)) {
      p[k] = { extraKey: 1, ...item };
    }
  },
  // The first two keys swapped.
  (p, k) => {
    const item = p[k];
    if (typeof item === "object" && item !== null && !Array.isArray(item)) {
      const entries = Object.entries(item);
      if (entries.length > 1) [entries[0], entries[1]] = [entries[1], entries[0]];
      p[k] = Object.fromEntries(entries);
    }
  },
];

/** A report whose steps nest `depth` sequence calls deep, past the schema's unrolled levels. */
function deepReport(depth: number): Record<string, unknown> {
  let step: Record<string, unknown> = {
    stepType: "ET_NLT",
    name: "Leaf",
    status: "P",
    numericMeas: [{ status: "P", value: 5, unit: "V", compOp: "GELE", lowLimit: 4, highLimit: 6 }],
  };
  for (let level = 0; level < depth; level++) {
    step = { stepType: "SequenceCall", name: `Level ${level}`, status: "P", steps: [step] };
  }
  return uutWithSteps(step);
}

function corpus(): { name: string; value: Record<string, unknown> }[] {
  const list = fixtureNames().map((name) => ({ name, value: readFixture(name) }));
  list.push({ name: "minimal UUT", value: minimalUut() });
  list.push({ name: "steps 9 deep", value: deepReport(9) });
  list.push({
    name: "every measurement kind",
    value: uutWithSteps(
      { stepType: "ET_PFT", name: "LED", status: "P", booleanMeas: [{ status: "P" }] },
      {
        stepType: "ET_MNLT",
        name: "Rails",
        status: "F",
        numericMeas: [
          {
            name: "3V3",
            status: "P",
            value: 3.3,
            unit: "V",
            compOp: "GELE",
            lowLimit: 3.2,
            highLimit: 3.4,
          },
          { name: "5V", status: "F", value: "NaN", unit: "V", compOp: "GT", lowLimit: 4.9 },
        ],
      },
      {
        stepType: "ET_SVT",
        name: "Firmware",
        status: "P",
        stringMeas: [{ status: "P", value: "1.2.0", compOp: "CASESENSIT", limit: "1.2.0" }],
      },
      { stepType: "Action", name: "Wait", status: "D", totTime: 0.5, id: 12 },
    ),
  });
  return list;
}

Deno.test("fixed point: what zod returns is taken as it is", () => {
  for (const { name, value } of corpus()) {
    const parsed = reportSchema.safeParse(value);
    assert.ok(parsed.success, `${name} is a valid report`);
    assert.equal(check(parsed.data), FIXED, `${name}: zod's own output is a fixed point`);
  }
});

Deno.test("fixed point: every verdict agrees with zod on one-change variants", () => {
  const next = seeded(20261123);
  const counts = [0, 0, 0];
  let cases = 0;
  for (const { name, value } of corpus()) {
    const canonical = reportSchema.parse(value);
    // At most ~500 variants a report: every place of a small one with a few mutations each,
    // a sample of the places of a large one.
    let places: Path[] = [[], ...paths(canonical)];
    while (places.length > 500) places = places.filter(() => next() < 0.5);
    const perPlace = Math.max(1, Math.min(MUTATIONS.length, Math.floor(500 / places.length)));
    for (const path of places) {
      for (let m = 0; m < perPlace; m++) {
        const mutation = MUTATIONS[Math.floor(next() * MUTATIONS.length)];
        const holder: Record<string, unknown> = { report: structuredClone(canonical) };
        mutation(parentOf(holder, ["report", ...path]), ["report", ...path].at(-1)!);
        const variant = holder.report;
        const verdict = check(variant);
        counts[verdict]++;
        cases++;
        const zod = reportSchema.safeParse(structuredClone(variant));
        const where = `${name} at ${path.join(".") || "(root)"}`;
        if (verdict === FIXED) {
          assert.ok(zod.success, `${where}: taken as is, but zod refuses it`);
          assert.ok(sameData(zod.data, variant), `${where}: taken as is, but zod changes it`);
        } else if (verdict === REJECTED) {
          assert.ok(!zod.success, `${where}: refused, but zod accepts it`);
        }
      }
    }
  }
  // Each verdict is reached many times, so none of the assertions above is idle.
  assert.ok(cases > 4000, `${cases} variants`);
  for (const verdict of [FIXED, REJECTED, UNSURE]) {
    assert.ok(counts[verdict] > 100, `verdict ${verdict} reached ${counts[verdict]} times`);
  }
});

Deno.test("fixed point: adoptReport keeps a report in normal form and copies the others", () => {
  const normal = parseReport(minimalUut());
  assert.equal(adoptReport(normal), normal);

  const alias = uutWithSteps({
    stepType: "ET_NLT",
    name: "Supply",
    status: "P",
    numericMeas: { status: "P", value: 5, unit: "V", compOp: "gele", lowLimit: 4, highLimit: 6 },
  });
  const adopted = adoptReport(alias);
  assert.notEqual(adopted, alias);
  assert.deepEqual(adopted, parseReport(alias));

  const bad = { ...minimalUut(), id: "not-a-guid" };
  assert.throws(() => adoptReport(bad, { source: "run.json" }), (error: unknown) => {
    assert.ok(error instanceof ReportFormatError);
    assert.match(error.message, /run\.json/);
    assert.match(error.message, /id/);
    return true;
  });
});

Deno.test("fixed point: isGuid matches zod's GUID pattern", () => {
  const pattern = (guid as unknown as { _zod: { def: { pattern: RegExp } } })._zod.def.pattern;
  const next = seeded(7);
  const alphabet = "0123456789abcdefABCDEFgG-_ \n\u00e9\u0660";
  const samples = [
    "",
    "4f8d1c9e-2b7a-4c3e-9f10-6a5b4c3d2e1f",
    "4F8D1C9E-2B7A-4C3E-9F10-6A5B4C3D2E1F",
    "4f8d1c9e-2b7a-4c3e-9f10-6a5b4c3d2e1f\n",
    "4f8d1c9e2b7a-4c3e-9f10-6a5b4c3d2e1f-",
  ];
  for (let i = 0; i < 20_000; i++) {
    const base = crypto.randomUUID().split("");
    // Most samples are GUIDs with one or two characters changed.
    const changes = Math.floor(next() * 3);
    for (let c = 0; c < changes; c++) {
      base[Math.floor(next() * base.length)] = alphabet[Math.floor(next() * alphabet.length)];
    }
    if (next() < 0.05) base.push("0");
    samples.push(base.join(""));
  }
  let matches = 0;
  for (const text of samples) {
    assert.equal(isGuid(text), pattern.test(text), JSON.stringify(text));
    if (pattern.test(text)) matches++;
  }
  assert.ok(matches > 1000 && matches < samples.length - 1000, `${matches} matches`);
});

Deno.test("fixed point: isIsoDateTime matches zod's date-time pattern of the report schema", () => {
  const pattern = (dateTime as unknown as { _zod: { def: { pattern: RegExp } } })._zod.def.pattern;
  // The stand-in is used only for this exact pattern; a zod with another one gets the pattern.
  assert.equal(pattern.source, DATE_TIME_PATTERN);
  assert.equal(
    (guid as unknown as { _zod: { def: { pattern: RegExp } } })._zod.def.pattern.source,
    GUID_PATTERN,
  );
  const next = seeded(11);
  const two = (k: number) => String(Math.floor(next() * k)).padStart(2, "0");
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
  const samples: string[] = [];
  for (let year = 0; year < 10000; year += 4) {
    samples.push(`${String(year).padStart(4, "0")}-02-29T00:00`);
  }
  for (let i = 0; i < 100_000; i++) {
    const year = pick([
      String(Math.floor(next() * 10000)).padStart(4, "0"),
      "1900",
      "2000",
      "12345",
    ]);
    samples.push(
      `${year}-${two(14)}-${two(33)}${pick(["T", "T", "t", " "])}${two(26)}:${two(62)}${
        pick(["", `:${two(62)}`, ":00"])
      }${pick(["", "", ".", ".5", ".123", ".1234567"])}${
        pick(["", "Z", "+01:00", "-05:30", "+24:00", "+23:59", "+01:60", "+0100", "z"])
      }`,
    );
  }
  let matches = 0;
  for (const text of samples) {
    const expected = pattern.test(text);
    assert.equal(isIsoDateTime(text), expected, text);
    if (expected) matches++;
  }
  assert.ok(matches > 5000 && matches < samples.length - 5000, `${matches} matches`);
});
