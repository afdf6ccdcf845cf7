/**
 * Test helpers: a served emulator (real loopback HTTP) and a `Wats` client pointed at it.
 *
 * @module
 */
import { fixtureUrl } from "../fixtures/mod.ts";
import assert from "node:assert/strict";
import { type ErrorMode, Wats, WatsError, type WatsOptions } from "../../mod.ts";
import type { Clock } from "../../http.ts";
import { type EmulatorServer, type FaultRule, serveEmulator } from "../../emulator/mod.ts";

/** A served emulator with a client; dispose with `await using`. */
export interface Harness {
  emulator: EmulatorServer;
  wats: Wats;
  /** A client with other options on the same emulator; its mode is typed as given. */
  client<M extends ErrorMode = "strict">(options?: Partial<WatsOptions<M>>): Wats<M>;
  /** Install fault rules through the control route. */
  faults(...rules: FaultRule[]): Promise<void>;
  /** `GET /_emulator/stats`. */
  stats(): Promise<EmulatorStatsView>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The parts of the stats a test reads. */
export interface EmulatorStatsView {
  requests: Record<string, Record<string, number>>;
  totalRequests: number;
  reportsAccepted: number;
  reportsRejected: number;
  reports: Record<string, { received: number; applied: number; replayed: number }>;
  faultsFired: number;
  connectionsDropped: number;
}

/** Start an emulator with the control routes on, and a client without limiter, retry, breaker. */
export async function startEmulator(
  options: { clock?: Clock; bodyLimit?: number; kvPath?: string; kv?: Deno.Kv } = {},
): Promise<Harness> {
  const emulator = await serveEmulator({ ...options, faults: true, inspect: true });
  const client = <M extends ErrorMode = "strict">(extra: Partial<WatsOptions<M>> = {}) =>
    new Wats<M>({
      baseUrl: emulator.url,
      token: emulator.token,
      limiter: false,
      retry: false,
      breaker: false,
      ...extra,
    });
  const wats = client();
  return {
    emulator,
    wats,
    client,
    async faults(...rules: FaultRule[]) {
      await wats.request({
        method: "POST",
        path: "/_emulator/faults",
        json: rules,
        operation: "test.faults",
      });
    },
    async stats() {
      const res = await wats.request<EmulatorStatsView>({
        method: "GET",
        path: "/_emulator/stats",
        operation: "test.stats",
      });
      return res.data;
    },
    [Symbol.asyncDispose]: () => emulator.close(),
  };
}

/** Read a JSON fixture report. */
export async function fixture(name: string): Promise<Record<string, unknown>> {
  const url = fixtureUrl(name);
  return JSON.parse(await Deno.readTextFile(url));
}

/** A minimal valid UUT report body (plain WSJF). */
export function uut(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: crypto.randomUUID(),
    type: "T",
    pn: "PCB-1",
    sn: "SN-0001",
    rev: "A",
    processCode: 10,
    result: "P",
    machineName: "station-7",
    location: "Line 1",
    purpose: "Production",
    start: "2026-01-30T10:00:00.000+01:00",
    root: { stepType: "SequenceCall", name: "MainSequence Callback", status: "P", steps: [] },
    ...overrides,
  };
}

/** Awaits a call that must fail with a {@linkcode WatsError}, and answers the error. */
export async function failure(promise: Promise<unknown>): Promise<WatsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WatsError) return error;
    throw error;
  }
  assert.fail("expected the call to fail");
}

/** Calls a route through the harness client and answers the response body. */
export async function call<T = Record<string, unknown>>(
  h: Harness,
  method: "GET" | "PUT" | "POST" | "DELETE",
  path: string,
  extra: {
    json?: unknown;
    params?: Record<string, string>;
    query?: Record<string, string | number>;
  } = {},
): Promise<T> {
  const res = await h.wats.request<T>({ method, path, ...extra, operation: "test.call" });
  return res.data;
}

/** One request as the client sent it: method, path, query and parsed JSON body. */
export interface SentRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Headers;
  body: unknown;
}

/**
 * A client on the harness's emulator that records every request it sends before passing it on
 * over loopback, and the list it records into.
 */
export function recordingClient(
  h: Harness,
  extra: Partial<WatsOptions<"strict">> = {},
): { wats: Wats; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const wats = h.client<"strict">({
    ...extra,
    fetch: async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      let body: unknown = null;
      if (typeof init?.body === "string") {
        try {
          body = JSON.parse(init.body);
        } catch {
          body = init.body;
        }
      } else if (init?.body instanceof ArrayBuffer) body = new Uint8Array(init.body);
      sent.push({
        method: init?.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: new Headers(init?.headers),
        body,
      });
      return await fetch(input, init);
    },
  });
  return { wats, sent };
}
