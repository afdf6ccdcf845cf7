/**
 * Starting a plug-in in its own worker with narrowed permissions, and talking to it.
 *
 * The worker may read the plug-in's folder (its code) and the files named in `readPaths` (the
 * input), write its own temp folder, and nothing else: no network, environment, subprocesses,
 * FFI, system information or remote imports. This works inside a compiled binary too, since the
 * worker entry is part of the toolkit's module graph. Deno workers have no memory bound of their
 * own; the service's process limit (`--v8-flags=--max-old-space-size`) bounds them all.
 *
 * @module
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ConversionError } from "../contract.ts";
import type { WorkerReply, WorkerRequest } from "./_protocol.ts";
import type { ConverterDescriptor } from "../_shape.ts";

/** Where a plug-in may read and write. */
export interface PluginSandbox {
  /** Files the plug-in may read besides its own folder (the input). */
  readPaths?: string[];
  /** The plug-in's temp folder, its only writable place. */
  tempDir?: string;
}

function pluginFile(modulePath: string): string {
  if (modulePath.startsWith("file:")) return fileURLToPath(modulePath);
  return isAbsolute(modulePath) ? modulePath : resolve(modulePath);
}

/** A plug-in's worker. Replies arrive in order; `next()` waits for the next one. */
export class PluginWorker {
  readonly path: string;
  #worker: Worker;
  #queue: WorkerReply[] = [];
  #waiter: ((reply: WorkerReply) => void) | null = null;
  #closed = false;

  /**
   * Starts the worker; nothing is loaded until {@linkcode PluginWorker.load}.
   *
   * @param modulePath The plug-in module (path or `file:` URL).
   * @param sandbox What it may read and write.
   */
  constructor(modulePath: string, sandbox: PluginSandbox = {}) {
    this.path = pluginFile(modulePath);
    const read = [dirname(this.path), ...(sandbox.readPaths ?? [])];
    this.#worker = new Worker(new URL("./_worker.ts", import.meta.url).href, {
      type: "module",
      deno: {
        permissions: {
          read,
          write: sandbox.tempDir ? [sandbox.tempDir] : false,
          net: false,
          env: false,
          run: false,
          ffi: false,
          sys: false,
          import: false,
        },
      },
    });
    this.#worker.onmessage = (event: MessageEvent<WorkerReply>) => this.#push(event.data);
    this.#worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#push({ type: "error", stage: "convert", message: `Uncaught ${event.message}` });
    };
    this.#worker.onmessageerror = () => {
      this.#push({ type: "error", stage: "convert", message: "A message could not be read" });
    };
  }

  #push(reply: WorkerReply): void {
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      waiter(reply);
    } else this.#queue.push(reply);
  }

  /**
   * Sends a request.
   *
   * @param request The request.
   */
  send(request: WorkerRequest): void {
    if (!this.#closed) this.#worker.postMessage(request);
  }

  /**
   * The next reply.
   *
   * @returns The reply.
   */
  next(): Promise<WorkerReply> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => this.#waiter = resolve);
  }

  /**
   * Loads the plug-in and checks its shape in the worker.
   *
   * @returns What the plug-in says about itself.
   * @throws {ConversionError} Stage `load` when the module fails to load or is no converter.
   */
  async load(): Promise<ConverterDescriptor> {
    this.send({ type: "load", pluginUrl: pathToFileURL(this.path).href, pluginPath: this.path });
    const reply = await this.next();
    if (reply.type === "loaded") return reply.descriptor;
    let message = reply.type === "error" ? reply.message : `Unexpected reply ${reply.type}`;
    if (message.startsWith(`${this.path}: `)) message = message.slice(this.path.length + 2);
    throw new ConversionError(message, { file: this.path, stage: "load" });
  }

  /** Stops the worker at once, whatever it is doing. */
  terminate(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.terminate();
    this.#push({ type: "error", stage: "timeout", message: "Terminated" });
  }
}
