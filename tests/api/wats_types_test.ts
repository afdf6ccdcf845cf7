/**
 * The error mode in the types: a strict client's look-ups return `T`, a lenient one's `T | null`.
 * The type checker runs these assignments: each `@ts-expect-error` line must fail to compile.
 */
import assert from "node:assert/strict";
import { type ErrorMode, NotFoundError, Wats } from "../../mod.ts";
import type { Report } from "../../report.ts";
import { startEmulator } from "../emulator/_helpers.ts";

// Type-level checks, compiled but never called.
async function typesOfModes(): Promise<void> {
  const strict = new Wats({ baseUrl: "http://127.0.0.1:1", token: "t" });
  const lenient = new Wats({ baseUrl: "http://127.0.0.1:1", token: "t", mode: "lenient" });
  const explicit = new Wats({ baseUrl: "http://127.0.0.1:1", token: "t", mode: "strict" });
  const mode: ErrorMode = Deno.env.get("MODE") === "lenient" ? "lenient" : "strict";
  const unknown = new Wats({ baseUrl: "http://127.0.0.1:1", token: "t", mode });

  const a: Report = await strict.report.get("id");
  const b: Report = await explicit.report.get("id");
  const c: Report | null = await lenient.report.get("id");
  // @ts-expect-error a lenient client may return null
  const d: Report = await lenient.report.get("id");
  // @ts-expect-error a client of unknown mode may return null
  const e: Report = await unknown.report.get("id");

  const fromEnv: Report = await Wats.fromEnv().report.get("id");
  const fromEnvStrict: Report = await Wats.fromEnv({ mode: "strict" }).report.get("id");
  // @ts-expect-error fromEnv with lenient mode may return null
  const fromEnvLenient: Report = await Wats.fromEnv({ mode: "lenient" }).report.get("id");

  // The other look-ups that return null only in lenient mode follow the same mode.
  const bytes: Uint8Array = await strict.report.getWsxf("id");
  // @ts-expect-error a lenient client may return null
  const lenientBytes: Uint8Array = await lenient.report.getWsxf("id");
  const product: { partNumber: string } = await strict.product.get("PCB-1");
  // @ts-expect-error a lenient client may return null
  const lenientProduct: { partNumber: string } = await lenient.product.get("PCB-1");
  const asset: object = await strict.asset.get({ serialNumber: "FX-1" });
  const ticket: object = await strict.rootCause.get("t");
  const user: object = await strict.scim.user("u");
  const pkg: object = await strict.software.get("p");
  const definition: object = await strict.manualInspection.definition("d");
  // @ts-expect-error a lenient client may return null
  const lenientUser: object = await lenient.scim.userByName("u");

  // A function taking either mode takes Wats<ErrorMode>; a plain Wats is a strict client.
  const any1: Wats<ErrorMode> = strict;
  const any2: Wats<ErrorMode> = lenient;
  const plain: Wats = explicit;
  // @ts-expect-error a lenient client is not a strict one
  const notStrict: Wats = lenient;
  // @ts-expect-error nor is a client of unknown mode
  const notStrictEither: Wats<"strict"> = unknown;

  void [a, b, c, d, e, fromEnv, fromEnvStrict, fromEnvLenient, bytes, lenientBytes, product];
  void [lenientProduct, asset, ticket, user, pkg, definition, lenientUser, any1, any2, plain];
  void [notStrict, notStrictEither];
}
void typesOfModes;

Deno.test("report.get of a missing report: strict throws NotFoundError, lenient returns null", async () => {
  await using h = await startEmulator();
  const missing = crypto.randomUUID();
  await assert.rejects(() => h.wats.report.get(missing), NotFoundError);
  const lenient = h.client({ mode: "lenient" });
  const none: Report | null = await lenient.report.get(missing);
  assert.equal(none, null);
});

Deno.test("report.get of a stored report returns it in both modes", async () => {
  await using h = await startEmulator();
  const report = {
    id: crypto.randomUUID(),
    type: "T",
    pn: "PCB-1",
    sn: "SN-MODE-1",
    rev: "A",
    processCode: 10,
    result: "P",
    machineName: "station-7",
    location: "Line 1",
    purpose: "Production",
    start: "2026-01-30T10:00:00.000+01:00",
    root: { stepType: "SequenceCall", name: "MainSequence Callback", status: "P", steps: [] },
  };
  const id = await h.wats.report.submit(report);
  const strict: Report = await h.client({ mode: "strict" }).report.get(id);
  assert.equal(strict.sn, "SN-MODE-1");
  const lenient = await h.client({ mode: "lenient" }).report.get(id);
  assert.equal(lenient?.sn, "SN-MODE-1");
});
