import assert from "node:assert/strict";
import { join } from "node:path";
import { z } from "zod";
import { CfxSink } from "../../../client/events/cfx.ts";
import { StationService } from "../../../client/service.ts";
import { ManualClock } from "../../../util/clock.ts";
import { serveEmulator } from "../../../emulator/mod.ts";
import { AmqpReceiver, RabbitMq } from "../../_brokers.ts";
import { dropFile, serviceFolders, testConfig, waitFor, wsjfReport } from "../_service_kit.ts";

const REPORTS = 20;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESULT = z.enum(["Passed", "Failed", "Error", "Aborted", "Skipped"]);
const ISO_TIME = z.string().refine(
  (text) => !Number.isNaN(Date.parse(text)) && /T.*(Z|[+-]\d\d:\d\d)$/.test(text),
  {
    error: "expected a date and time with its time zone",
  },
);

/** The CFX JSON envelope (CFX SDK, `CFX/CFXEnvelope.cs`). */
function cfxEnvelope<T extends z.ZodType>(name: string, body: T) {
  return z.object({
    MessageName: z.literal(name),
    Version: z.string().regex(/^\d+\.\d+$/),
    TimeStamp: ISO_TIME,
    UniqueID: z.string().regex(GUID),
    Source: z.string().min(1),
    Target: z.string().nullable(),
    RequestID: z.string().nullable(),
    MessageBody: body,
  }).strict();
}

/** A measurement (`CFX/Structures/Measurement.cs`, `NumericMeasurement.cs`, `BooleanMeasurement.cs`). */
const MeasurementSchema = z.object({
  UniqueIdentifier: z.string().min(1),
  MeasurementName: z.string(),
  TimeRecorded: ISO_TIME.nullable(),
  Sequence: z.number().int().nonnegative(),
  Result: RESULT,
  CRDs: z.string().nullable(),
}).and(z.discriminatedUnion("$type", [
  z.object({
    $type: z.literal("CFX.Structures.NumericMeasurement, CFX"),
    MeasuredValue: z.object({
      Value: z.number(),
      ValueUnits: z.string().nullable(),
      ExpectedValue: z.number().nullable(),
      ExpectedValueUnits: z.string().nullable(),
      MinimumAcceptableValue: z.number().nullable(),
      MaximumAcceptableValue: z.number().nullable(),
    }),
  }),
  z.object({
    $type: z.literal("CFX.Structures.BooleanMeasurement, CFX"),
    Value: z.boolean(),
    ExpectedValue: z.boolean(),
  }),
]));

/** `CFX.Production.TestAndInspection.UnitsTested` (`CFX/Production/TestAndInspection/UnitsTested.cs`). */
const UnitsTestedSchema = cfxEnvelope(
  "CFX.Production.TestAndInspection.UnitsTested",
  z.object({
    $type: z.literal("CFX.Production.TestAndInspection.UnitsTested, CFX").optional(),
    TransactionId: z.string().regex(GUID),
    TestMethod: z.enum(["Human", "Automated", "ICT", "FPT", "FCT", "BST"]),
    Tester: z.object({ OperatorIdentifier: z.string().nullable() }).passthrough().nullable(),
    RecipeName: z.string().nullable(),
    RecipeRevision: z.string().nullable(),
    SamplingInformation: z.object({
      SamplingMethod: z.string(),
      LotSize: z.number().int().nullable(),
      SampleSize: z.number().int().nullable(),
    }),
    TestedUnits: z.array(
      z.object({
        UnitIdentifier: z.string().min(1),
        UnitPositionNumber: z.number().int().nullable(),
        OverallResult: RESULT,
        Tests: z.array(
          z.object({
            UniqueIdentifier: z.string().min(1),
            TestName: z.string(),
            TestStartTime: ISO_TIME.nullable(),
            TestEndTime: ISO_TIME.nullable(),
            TestConditions: z.array(z.unknown()),
            TestProcedure: z.string().nullable(),
            Comments: z.string().nullable(),
            Result: RESULT,
            Error: z.string().nullable(),
            SymptomsFound: z.array(z.unknown()),
            DefectsFound: z.array(z.unknown()),
            Measurements: z.array(MeasurementSchema),
          }).strict(),
        ),
      }).strict(),
    ).min(1),
  }).strict(),
);

// One node for the file: it takes 10 to 20 s to start.
Deno.test("CFX over AMQP 1.0 against RabbitMQ", async (t) => {
  await using rabbit = await RabbitMq.start();

  await t.step(
    "each accepted report's UnitsTested arrives once per UniqueID, valid CFX",
    async () => {
      const queue = `/queue/cfx-${crypto.randomUUID()}`;
      await using receiver = await AmqpReceiver.connect(rabbit.url, queue);
      await using emulator = await serveEmulator({ inspect: true });
      const folders = await serviceFolders();
      const passwordFile = join(folders.root, "cfx.password");
      await Deno.writeTextFile(passwordFile, "guest\n", { mode: 0o600 });
      const config = await testConfig(folders, emulator, {
        events: {
          cfx: {
            url: `${rabbit.url}${queue}`,
            handle: "acme.line2.ict1",
            username: "guest",
            passwordFile,
          },
        },
      });
      const service = await StationService.start({ config });
      try {
        const connected = await waitFor(
          "EndpointConnected",
          () => receiver.named("CFX.EndpointConnected")[0],
        );
        assert.equal(
          (connected.envelope.MessageBody as Record<string, unknown>).CFXHandle,
          "acme.line2.ict1",
        );
        const reports = Array.from({ length: REPORTS }, (_, n) => wsjfReport(n));
        for (const [n, report] of reports.entries()) {
          await dropFile(folders.drop, `run-${n}.json`, report.text);
        }
        await waitFor("every UnitsTested", () => {
          const count = receiver.named("CFX.Production.TestAndInspection.UnitsTested").length;
          return count >= REPORTS ? count : undefined;
        }, { timeoutMs: 30_000 });
        await new Promise((resolve) => setTimeout(resolve, 300));
        const received = receiver.named("CFX.Production.TestAndInspection.UnitsTested");
        assert.deepEqual(
          received.map((entry) => entry.envelope.UniqueID).toSorted(),
          reports.map((report) => report.id).toSorted(),
        );
        for (const { message, envelope } of received) {
          const parsed = UnitsTestedSchema.safeParse(envelope);
          assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
          assert.equal(message.message_id, envelope.UniqueID);
          assert.equal(
            message.subject,
            "acme.line2.ict1.CFX.Production.TestAndInspection.UnitsTested",
          );
          assert.equal(message.application_properties?.["cfx-handle"], "acme.line2.ict1");
        }
        const first = UnitsTestedSchema.parse(
          received.find((entry) => entry.envelope.UniqueID === reports[0].id)!.envelope,
        );
        const unit = first.MessageBody.TestedUnits[0];
        assert.equal(unit.UnitIdentifier, "SN000000");
        assert.equal(unit.OverallResult, "Passed");
        assert.deepEqual(unit.Tests.map((test) => test.TestName), ["Supply 5V", "Boot"]);

        const status = await waitFor("the sink's counts", async () => {
          const status = await service.status();
          const sink = status.events?.find((sink) => sink.name === "cfx");
          return (sink?.published ?? 0) >= REPORTS ? status : undefined;
        });
        const sink = status.events!.find((sink) => sink.name === "cfx")!;
        assert.equal(sink.state, "connected");
        assert.equal(sink.target, `${rabbit.url}${queue}`);
        assert.equal(status.health.status, "ok");
        assert.doesNotMatch(JSON.stringify(status), /guest/);
        const metrics = await (await fetch(`${service.statusUrl}/metrics`)).text();
        assert.match(metrics, /wats_event_sink_up\{sink="cfx"\} 1/);
        const published = metrics.match(/wats_events_published_total\{sink="cfx"\} (\d+)/);
        assert.ok(Number(published?.[1]) >= REPORTS, metrics);
      } finally {
        await service.stop();
        await Deno.remove(folders.root, { recursive: true });
      }
    },
  );

  await t.step("a Heartbeat goes out every heartbeatMs of the injected clock", async () => {
    const queue = `/queue/cfx-${crypto.randomUUID()}`;
    await using receiver = await AmqpReceiver.connect(rabbit.url, queue);
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const sink = new CfxSink({
      config: { url: `${rabbit.url}${queue}`, heartbeatMs: 60_000 },
      station: { name: "ICT-1", location: "" },
      credentials: { username: "guest", password: "guest" },
      clock,
    });
    sink.start();
    try {
      await waitFor("the connection", () => receiver.named("CFX.EndpointConnected")[0]);
      assert.equal(receiver.named("CFX.Heartbeat").length, 0);
      await clock.advance(60_000);
      const [heartbeat] = await waitFor("a heartbeat", () => {
        const beats = receiver.named("CFX.Heartbeat");
        return beats.length > 0 ? beats : undefined;
      });
      const body = heartbeat.envelope.MessageBody as Record<string, unknown>;
      assert.equal(body.CFXHandle, "ICT-1");
      assert.equal(body.HeartbeatFrequency, "00:01:00");
      assert.equal(heartbeat.envelope.TimeStamp, "2026-01-01T00:01:00.000Z");
    } finally {
      await sink.close();
    }
  });
});
