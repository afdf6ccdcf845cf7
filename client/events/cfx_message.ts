/**
 * IPC-CFX (IPC-2591) messages of the station: `CFX.Production.TestAndInspection.UnitsTested`
 * for an accepted report, `CFX.EndpointConnected` and `CFX.Heartbeat`, each in the CFX JSON
 * envelope (`MessageName`, `Version`, `TimeStamp`, `UniqueID`, `Source`, `Target`, `RequestID`,
 * `MessageBody`).
 *
 * ## Mapping a report
 *
 * The report is one tested unit (`UnitIdentifier` the serial number, `OverallResult` from the
 * report's result). Each leaf step of the report event becomes a test with its result; a
 * numeric measurement becomes a `CFX.Structures.NumericMeasurement` (value, unit, limits), a
 * boolean one a `CFX.Structures.BooleanMeasurement`. CFX has no text measurement: a text
 * measurement leaves only its step's result. WSJF statuses map to CFX results: `P` and `D`
 * (done) to `Passed`, `F` to `Failed`, `E` to `Error`, `T` (terminated) to `Aborted`, `S` to
 * `Skipped`.
 *
 * ## Stable ids
 *
 * `UniqueID` and `TransactionId` are the report id, and the tests' and measurements' ids are
 * made from it (`<report id>/<test>` and `<report id>/<test>/<measurement>`): an event published
 * twice is the same message twice, and consumers drop the repeat by `UniqueID`. `$type` names
 * the SDK's classes so that its deserializer reads the message as it reads its own.
 *
 * @module
 */

import type { EventMeasurement, StationEvent } from "./event.ts";

/** The CFX version the messages follow. */
export const CFX_VERSION = "2.1";

/** `UnitsTested`'s message name. */
export const UNITS_TESTED = "CFX.Production.TestAndInspection.UnitsTested";
/** `EndpointConnected`'s message name. */
export const ENDPOINT_CONNECTED = "CFX.EndpointConnected";
/** `Heartbeat`'s message name. */
export const HEARTBEAT = "CFX.Heartbeat";

/** A CFX test result. */
export type CfxTestResult = "Passed" | "Failed" | "Error" | "Aborted" | "Skipped";

/** A CFX message in its envelope, as it goes on the wire (JSON). */
export interface CfxEnvelope {
  /** The message's full name, e.g. `CFX.Heartbeat`. */
  MessageName: string;
  /** The CFX version. */
  Version: string;
  /** When the event happened, ISO 8601 with its offset. */
  TimeStamp: string;
  /** The message's unique id (a GUID); consumers drop repeats by it. */
  UniqueID: string;
  /** The CFX handle of the publisher. */
  Source: string;
  /** The handle a request goes to; `null` for published messages. */
  Target: string | null;
  /** The id pairing a request and its response; `null` for published messages. */
  RequestID: string | null;
  /** The message. */
  MessageBody: Record<string, unknown>;
}

const RESULTS: Readonly<Record<string, CfxTestResult>> = {
  P: "Passed",
  D: "Passed",
  F: "Failed",
  E: "Error",
  T: "Aborted",
  S: "Skipped",
};

/**
 * The CFX result of a WSJF status.
 *
 * @param status A WSJF step status or report result (`P`, `F`, `E`, `T`, `S`, `D`).
 * @returns The CFX result; `Error` for a status CFX has no word for.
 *
 * @example Statuses
 * ```ts
 * import assert from "node:assert/strict";
 * import { cfxResult } from "@wats/toolkit/client";
 * assert.equal(cfxResult("F"), "Failed");
 * assert.equal(cfxResult("T"), "Aborted");
 * ```
 */
export function cfxResult(status: string): CfxTestResult {
  return RESULTS[status] ?? "Error";
}

function envelope(
  name: string,
  options: { at: string; uniqueId: string; handle: string },
  body: Record<string, unknown>,
): CfxEnvelope {
  return {
    MessageName: name,
    Version: CFX_VERSION,
    TimeStamp: options.at,
    UniqueID: options.uniqueId,
    Source: options.handle,
    Target: null,
    RequestID: null,
    // The SDK names the body's class, as Newtonsoft's TypeNameHandling.Auto writes it.
    MessageBody: { $type: `${name}, CFX`, ...body },
  };
}

function measurementOf(
  measurement: EventMeasurement,
  stepName: string,
  id: string,
  sequence: number,
): Record<string, unknown> | null {
  const common = {
    UniqueIdentifier: id,
    MeasurementName: measurement.name ?? stepName,
    TimeRecorded: null,
    Sequence: sequence,
    Result: cfxResult(measurement.status),
    CRDs: null,
  };
  if (typeof measurement.value === "number") {
    return {
      $type: "CFX.Structures.NumericMeasurement, CFX",
      ...common,
      MeasuredValue: {
        Value: measurement.value,
        ValueUnits: measurement.unit ?? null,
        ExpectedValue: null,
        ExpectedValueUnits: null,
        MinimumAcceptableValue: measurement.lowLimit ?? null,
        MaximumAcceptableValue: measurement.highLimit ?? null,
      },
    };
  }
  if (typeof measurement.value === "boolean") {
    return {
      $type: "CFX.Structures.BooleanMeasurement, CFX",
      ...common,
      Value: measurement.value,
      ExpectedValue: true,
    };
  }
  return null;
}

/**
 * The `UnitsTested` message of a report event.
 *
 * @param event A `report` event from the outbox.
 * @param handle The station's CFX handle.
 * @returns The message in its envelope; its `UniqueID` is the report id.
 * @throws {TypeError} When the event is not a report event.
 *
 * @example A report as UnitsTested
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportEvent, unitsTestedMessage } from "@wats/toolkit/client";
 * const event = reportEvent({
 *   id: "8c1f0d6e-3b1a-4f0e-9a2b-1d2c3e4f5a6b", sn: "SN1", pn: "PCBA-100", rev: "A",
 *   result: "F", processCode: 10, start: "2026-01-30T22:01:41.470+01:00",
 *   root: { name: "Main", status: "F", steps: [{ name: "Supply 5V", status: "F" }] },
 * }, "2026-01-30T21:02:00.000Z", { name: "ICT-1", location: "Line 2" });
 * const message = unitsTestedMessage(event, "acme.line2.ict1");
 * assert.equal(message.UniqueID, "8c1f0d6e-3b1a-4f0e-9a2b-1d2c3e4f5a6b");
 * const [unit] = message.MessageBody.TestedUnits as { OverallResult: string }[];
 * assert.equal(unit.OverallResult, "Failed");
 * ```
 */
export function unitsTestedMessage(event: StationEvent, handle: string): CfxEnvelope {
  const report = event.report;
  if (event.kind !== "report" || !report) throw new TypeError("UnitsTested needs a report event");
  const tests = report.steps.map((step, index) => {
    const testId = `${report.reportId}/${index}`;
    const measurements = step.measurements
      .map((measurement, sequence) =>
        measurementOf(measurement, step.name, `${testId}/${sequence}`, sequence)
      )
      .filter((measurement) => measurement !== null);
    return {
      UniqueIdentifier: testId,
      TestName: step.name,
      TestStartTime: null,
      TestEndTime: null,
      TestConditions: [],
      TestProcedure: null,
      Comments: null,
      Result: cfxResult(step.status),
      Error: null,
      SymptomsFound: [],
      DefectsFound: [],
      Measurements: measurements,
    };
  });
  return envelope(UNITS_TESTED, { at: event.at, uniqueId: report.reportId, handle }, {
    TransactionId: report.reportId,
    TestMethod: "Automated",
    Tester: null,
    RecipeName: null,
    RecipeRevision: null,
    SamplingInformation: { SamplingMethod: "NoSampling", LotSize: null, SampleSize: null },
    TestedUnits: [{
      UnitIdentifier: report.serialNumber,
      UnitPositionNumber: null,
      OverallResult: cfxResult(report.result),
      Tests: tests,
    }],
  });
}

/**
 * The `EndpointConnected` message the station publishes when it connects.
 *
 * @param handle The station's CFX handle.
 * @param at The time of the connection, ms since the epoch.
 * @returns The message in its envelope (the station takes no requests: no request address).
 */
export function endpointConnectedMessage(handle: string, at: number): CfxEnvelope {
  return envelope(
    ENDPOINT_CONNECTED,
    { at: new Date(at).toISOString(), uniqueId: crypto.randomUUID(), handle },
    { CFXHandle: handle, RequestNetworkUri: null, RequestTargetAddress: null },
  );
}

/**
 * A `Heartbeat` message.
 *
 * @param handle The station's CFX handle.
 * @param at The time of the heartbeat, ms since the epoch.
 * @param everyMs Time between heartbeats, in ms.
 * @returns The message in its envelope.
 *
 * @example A heartbeat every five minutes
 * ```ts
 * import assert from "node:assert/strict";
 * import { heartbeatMessage } from "@wats/toolkit/client";
 * const message = heartbeatMessage("acme.line2.ict1", Date.UTC(2026, 0, 1), 300_000);
 * assert.equal(message.MessageBody.HeartbeatFrequency, "00:05:00");
 * ```
 */
export function heartbeatMessage(handle: string, at: number, everyMs: number): CfxEnvelope {
  return envelope(
    HEARTBEAT,
    { at: new Date(at).toISOString(), uniqueId: crypto.randomUUID(), handle },
    {
      CFXHandle: handle,
      HeartbeatFrequency: timeSpan(everyMs),
      ActiveFaults: null,
      ActiveRecipes: null,
    },
  );
}

/** A duration as .NET writes a `TimeSpan`: `hh:mm:ss`, with `.fff` when it has milliseconds. */
function timeSpan(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const two = (value: number) => String(value).padStart(2, "0");
  const text = `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${
    two(seconds % 60)
  }`;
  return ms % 1000 === 0 ? text : `${text}.${String(ms % 1000).padStart(3, "0")}0000`;
}
