import assert from "node:assert/strict";
import { reportEvent } from "../../../client/events/event.ts";
import {
  cfxResult,
  endpointConnectedMessage,
  heartbeatMessage,
  unitsTestedMessage,
} from "../../../client/events/cfx_message.ts";

const REPORT_ID = "8c1f0d6e-3b1a-4f0e-9a2b-1d2c3e4f5a6b";
const STATION = { name: "ICT-1", location: "Line 2" };

function report(result: string) {
  return {
    id: REPORT_ID,
    sn: "SN42",
    pn: "PCBA-100",
    rev: "B",
    result,
    processCode: 10,
    start: "2026-01-30T22:01:41.470+01:00",
    root: {
      name: "Main",
      status: result,
      steps: [
        {
          name: "Supply 5V",
          status: "F",
          numericMeas: [{
            status: "F",
            value: 5.3,
            unit: "V",
            compOp: "GELE",
            lowLimit: 4.9,
            highLimit: 5.1,
          }],
        },
        {
          name: "Power",
          status: "P",
          steps: [{ name: "Relay", status: "P", booleanMeas: [{ status: "P", value: true }] }],
        },
        { name: "Firmware", status: "P", stringMeas: [{ status: "P", value: "1.2.3" }] },
      ],
    },
  };
}

Deno.test("WSJF statuses map to CFX results", () => {
  const table: [string, string][] = [
    ["P", "Passed"],
    ["D", "Passed"],
    ["F", "Failed"],
    ["E", "Error"],
    ["T", "Aborted"],
    ["S", "Skipped"],
    ["?", "Error"],
  ];
  for (const [status, result] of table) assert.equal(cfxResult(status), result, status);
});

Deno.test("a report becomes one tested unit with a test per leaf step and its measurements", () => {
  const event = reportEvent(report("F"), "2026-01-30T21:02:00.000Z", STATION);
  const message = unitsTestedMessage(event, "acme.line2.ict1");
  assert.equal(message.MessageName, "CFX.Production.TestAndInspection.UnitsTested");
  assert.equal(message.UniqueID, REPORT_ID);
  assert.equal(message.Source, "acme.line2.ict1");
  assert.equal(message.TimeStamp, "2026-01-30T21:02:00.000Z");
  assert.equal(message.MessageBody.TransactionId, REPORT_ID);
  const [unit, ...others] = message.MessageBody.TestedUnits as Record<string, unknown>[];
  assert.equal(others.length, 0);
  assert.equal(unit.UnitIdentifier, "SN42");
  assert.equal(unit.OverallResult, "Failed");
  const tests = unit.Tests as Record<string, unknown>[];
  assert.deepEqual(tests.map((test) => [test.TestName, test.Result]), [
    ["Supply 5V", "Failed"],
    ["Relay", "Passed"],
    ["Firmware", "Passed"],
  ]);
  const [numeric] = tests[0].Measurements as Record<string, unknown>[];
  assert.equal(numeric.$type, "CFX.Structures.NumericMeasurement, CFX");
  assert.equal(numeric.MeasurementName, "Supply 5V");
  assert.equal(numeric.Result, "Failed");
  assert.deepEqual(numeric.MeasuredValue, {
    Value: 5.3,
    ValueUnits: "V",
    ExpectedValue: null,
    ExpectedValueUnits: null,
    MinimumAcceptableValue: 4.9,
    MaximumAcceptableValue: 5.1,
  });
  const [boolean] = tests[1].Measurements as Record<string, unknown>[];
  assert.equal(boolean.$type, "CFX.Structures.BooleanMeasurement, CFX");
  assert.equal(boolean.Value, true);
  // CFX has no text measurement: the step keeps its result only.
  assert.deepEqual(tests[2].Measurements, []);
});

Deno.test("the same event makes the same message: consumers can drop a repeat", () => {
  const event = reportEvent(report("P"), "2026-01-30T21:02:00.000Z", STATION);
  const first = unitsTestedMessage(event, "h");
  const again = unitsTestedMessage(structuredClone(event), "h");
  assert.deepEqual(again, first);
  const ids = (first.MessageBody.TestedUnits as { Tests: { UniqueIdentifier: string }[] }[])[0]
    .Tests.map((test) => test.UniqueIdentifier);
  assert.equal(new Set(ids).size, ids.length);
  assert.throws(
    () => unitsTestedMessage({ ...event, kind: "status", report: undefined }, "h"),
    TypeError,
  );
});

Deno.test("EndpointConnected and Heartbeat carry the handle, the clock's time and the frequency", () => {
  const at = Date.UTC(2026, 0, 1, 12);
  const connected = endpointConnectedMessage("acme.line2.ict1", at);
  assert.equal(connected.MessageName, "CFX.EndpointConnected");
  assert.equal(connected.TimeStamp, "2026-01-01T12:00:00.000Z");
  assert.equal(connected.MessageBody.CFXHandle, "acme.line2.ict1");
  const table: [number, string][] = [[300_000, "00:05:00"], [3_661_000, "01:01:01"], [
    1_500,
    "00:00:01.5000000",
  ]];
  for (const [everyMs, frequency] of table) {
    const heartbeat = heartbeatMessage("acme.line2.ict1", at, everyMs);
    assert.equal(heartbeat.MessageName, "CFX.Heartbeat");
    assert.equal(heartbeat.MessageBody.HeartbeatFrequency, frequency);
  }
  assert.notEqual(heartbeatMessage("h", at, 1).UniqueID, heartbeatMessage("h", at, 1).UniqueID);
});
