/**
 * The worker a plug-in converter runs in. It has the permissions the service gives it (read its
 * module and its input, write its temp folder, nothing else) and talks to the service by the
 * messages of `_protocol.ts`. Every exception becomes an `error` reply with its stage.
 *
 * @module
 */
/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
import { ConversionError, type Converter, type ConverterContext } from "../contract.ts";
import { fileInput } from "../input.ts";
import { checkConverter, converterExport, describeConverter } from "../_shape.ts";
import type { WorkerReply, WorkerRequest } from "./_protocol.ts";

let converter: Converter | null = null;
let source = "(plug-in)";
let waiting: (() => void) | null = null;

function reply(message: WorkerReply): void {
  self.postMessage(message);
}

function fail(stage: string, error: unknown): void {
  if (error instanceof ConversionError) {
    reply({ type: "error", stage: error.stage, message: error.message });
  } else if (error instanceof Error) {
    reply({ type: "error", stage, message: `${error.name}: ${error.message}` });
  } else {
    reply({ type: "error", stage, message: String(error) });
  }
}

async function load(pluginUrl: string, pluginPath: string): Promise<void> {
  source = pluginPath;
  let module: Record<string, unknown>;
  try {
    module = await import(pluginUrl);
  } catch (error) {
    return fail("load", error);
  }
  try {
    converter = checkConverter(converterExport(module), pluginPath);
    reply({ type: "loaded", descriptor: describeConverter(converter) });
  } catch (error) {
    fail("load", error);
  }
}

async function convert(request: Extract<WorkerRequest, { type: "convert" }>): Promise<void> {
  if (converter === null) return fail("load", new Error("No plug-in loaded"));
  const started = performance.now();
  const context: ConverterContext = {
    station: request.station,
    args: request.args,
    log: {
      info: (message, fields) => reply({ type: "log", level: "info", message, fields }),
      warn: (message, fields) => reply({ type: "log", level: "warn", message, fields }),
    },
    now: () => request.now + Math.round(performance.now() - started),
    signal: new AbortController().signal,
  };
  let stage = "read";
  try {
    const input = await fileInput(request.inputPath, { maxWholeBytes: request.maxWholeBytes });
    stage = "convert";
    for await (const report of converter.convert(input, context)) {
      const next = new Promise<void>((resolve) => waiting = resolve);
      reply({ type: "report", report });
      await next;
    }
    reply({ type: "done" });
  } catch (error) {
    fail(stage, error);
  }
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.type === "load") load(request.pluginUrl, request.pluginPath);
  else if (request.type === "next") {
    const resume = waiting;
    waiting = null;
    resume?.();
  } else if (request.type === "sniff") {
    try {
      if (converter === null) throw new Error(`No plug-in loaded from ${source}`);
      const confidence = converter.sniff(request.head, request.name);
      reply({ type: "sniffed", confidence: typeof confidence === "number" ? confidence : 0 });
    } catch (error) {
      fail("sniff", error);
    }
  } else if (request.type === "convert") convert(request);
};
