/**
 * The converter registry: built-ins by id, plug-ins loaded from module paths, and the `auto`
 * choice by sniffing.
 *
 * A plug-in is loaded in its own worker (see `run.ts`): its shape and `apiVersion` are checked
 * there, so a plug-in's top-level code never runs with the service's permissions. `choose` asks
 * each built-in's `sniff` directly and each plug-in's in its worker; a converter whose `sniff`
 * throws scores 0. The best score wins when it reaches `minConfidence`; otherwise the refusal
 * lists every score.
 *
 * @module
 */
import { ConversionError, type Converter, CONVERTER_API_VERSION } from "./contract.ts";
import { BUILTIN_CONVERTERS } from "./builtins.ts";
import { checkConverter, type ConverterDescriptor } from "./_shape.ts";
import { PluginWorker } from "./plugins/_host.ts";

export type { ConverterDescriptor } from "./_shape.ts";

/** A plug-in the registry knows: its descriptor and its module path. */
export interface PluginEntry extends ConverterDescriptor {
  /** The module path, as given to {@linkcode ConverterRegistry.loadPlugin}. */
  path: string;
}

/** One converter's score in {@linkcode ConverterRegistry.choose}. */
export interface ConverterScore {
  /** Converter id. */
  id: string;
  /** Its confidence, 0..1. */
  confidence: number;
  /** Why it scored 0 when its sniff failed. */
  error?: string;
}

/** Options of {@linkcode ConverterRegistry.choose}. */
export interface ChooseOptions {
  /** Lowest confidence accepted; 0.5 by default. */
  minConfidence?: number;
  /** Time a plug-in's sniff may take, in milliseconds; 5000 by default. */
  pluginTimeoutMs?: number;
}

/** The outcome of {@linkcode ConverterRegistry.choose}. */
export type ChooseResult =
  | {
    /** A converter was chosen. */
    ok: true;
    /** The built-in converter, or the plug-in's module path. */
    converter: Converter | string;
    /** The chosen id. */
    id: string;
    /** Its confidence. */
    confidence: number;
    /** Every score, best first. */
    scores: ConverterScore[];
  }
  | {
    /** No converter was sure enough. */
    ok: false;
    /** The refusal, listing every score. */
    reason: string;
    /** Every score, best first. */
    scores: ConverterScore[];
  };

function globToRegExp(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "i");
}

/**
 * Whether a file name matches one of a converter's patterns.
 *
 * @param name The file's base name.
 * @param patterns Globs (`*`, `?`), matched case-insensitively.
 * @returns True on a match.
 */
export function matchesPatterns(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => globToRegExp(p).test(name));
}

function clamp(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

/**
 * Built-in and plug-in converters by id.
 *
 * @example Pick a converter for a file
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConverterRegistry } from "@wats/toolkit/converters";
 *
 * const registry = new ConverterRegistry();
 * const head = new TextEncoder().encode(
 *   "--Header-Start--\nSerialNumber\tSN1\n--Step-Data-Start--\n",
 * );
 * const choice = await registry.choose(head, "run.txt");
 * assert.ok(choice.ok);
 * assert.equal(choice.id, "wstf");
 * ```
 */
export class ConverterRegistry {
  #builtIns = new Map<string, Converter>();
  #plugins = new Map<string, PluginEntry>();

  /**
   * Creates a registry.
   *
   * @param converters The built-ins; every built-in of the toolkit by default.
   */
  constructor(converters: readonly Converter[] = BUILTIN_CONVERTERS) {
    for (const converter of converters) this.register(converter);
  }

  /**
   * Adds a converter (in-process: for built-ins and tests, not for untrusted code).
   *
   * @param converter The converter.
   * @throws {ConversionError} When its shape or `apiVersion` is wrong or its id is taken.
   */
  register(converter: Converter): void {
    const checked = checkConverter(converter, `converter ${String(converter?.id)}`);
    this.#refuseTaken(checked.id, `converter ${checked.id}`);
    this.#builtIns.set(checked.id, checked);
  }

  #refuseTaken(id: string, source: string): void {
    if (this.#builtIns.has(id) || this.#plugins.has(id)) {
      throw new ConversionError(`A converter with id "${id}" is already registered`, {
        file: source,
        stage: "load",
      });
    }
  }

  /**
   * A built-in converter by id, or a plug-in's module path.
   *
   * @param id The converter id.
   * @returns The converter (or plug-in path), or `undefined`.
   */
  get(id: string): Converter | string | undefined {
    return this.#builtIns.get(id) ?? this.#plugins.get(id)?.path;
  }

  /**
   * Every registered converter's descriptor.
   *
   * @returns Built-ins first, then plug-ins.
   */
  list(): (ConverterDescriptor & { plugin: boolean })[] {
    return [
      ...[...this.#builtIns.values()].map((c) => ({
        apiVersion: c.apiVersion,
        id: c.id,
        version: c.version,
        description: c.description,
        patterns: [...c.patterns],
        plugin: false,
      })),
      ...[...this.#plugins.values()].map((p) => ({ ...p, plugin: true })),
    ];
  }

  /**
   * Loads a plug-in module in a sandboxed worker, checks its shape and API version, and
   * registers it by id.
   *
   * @param modulePath The module's path (or `file:` URL).
   * @returns The plug-in's descriptor.
   * @throws {ConversionError} Stage `load`: the module cannot be loaded, exports no converter,
   * declares another `apiVersion`, or its id is taken.
   */
  async loadPlugin(modulePath: string): Promise<PluginEntry> {
    const worker = new PluginWorker(modulePath);
    try {
      const descriptor = await worker.load();
      if (descriptor.apiVersion !== CONVERTER_API_VERSION) {
        throw new ConversionError("Unsupported converter API version", {
          file: modulePath,
          stage: "load",
        });
      }
      this.#refuseTaken(descriptor.id, modulePath);
      const entry: PluginEntry = { ...descriptor, path: modulePath };
      this.#plugins.set(descriptor.id, entry);
      return entry;
    } finally {
      worker.terminate();
    }
  }

  async #sniffPlugin(
    entry: PluginEntry,
    head: Uint8Array,
    name: string,
    timeoutMs: number,
  ): Promise<ConverterScore> {
    const worker = new PluginWorker(entry.path);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await worker.load();
      worker.send({ type: "sniff", head, name });
      const reply = await Promise.race([
        worker.next(),
        new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), timeoutMs)),
      ]);
      if (reply === null) {
        return { id: entry.id, confidence: 0, error: `sniff took over ${timeoutMs} ms` };
      }
      if (reply.type === "sniffed") return { id: entry.id, confidence: clamp(reply.confidence) };
      return {
        id: entry.id,
        confidence: 0,
        error: reply.type === "error" ? reply.message : reply.type,
      };
    } catch (error) {
      return {
        id: entry.id,
        confidence: 0,
        error: error instanceof Error ? error.message : String(error),
      };
    } finally {
      clearTimeout(timer);
      worker.terminate();
    }
  }

  /**
   * Picks the converter most sure about a file (the `auto` choice).
   *
   * @param head Up to the first 64 KiB of the file.
   * @param name The file's base name.
   * @param options The lowest confidence accepted (0.5) and the plug-in sniff timeout.
   * @returns The best converter, or a refusal listing every score.
   */
  async choose(head: Uint8Array, name: string, options: ChooseOptions = {}): Promise<ChooseResult> {
    const min = options.minConfidence ?? 0.5;
    const scores: ConverterScore[] = [];
    for (const converter of this.#builtIns.values()) {
      try {
        scores.push({ id: converter.id, confidence: clamp(converter.sniff(head, name)) });
      } catch (error) {
        scores.push({
          id: converter.id,
          confidence: 0,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    const plugins = await Promise.all(
      [...this.#plugins.values()].map((p) =>
        this.#sniffPlugin(p, head, name, options.pluginTimeoutMs ?? 5000)
      ),
    );
    scores.push(...plugins);
    const ranked = scores.map((s, i) => ({ s, i })).sort((a, b) =>
      b.s.confidence - a.s.confidence || a.i - b.i
    )
      .map(({ s }) => s);
    const best = ranked[0];
    if (best !== undefined && best.confidence >= min && best.confidence > 0) {
      return {
        ok: true,
        converter: this.get(best.id)!,
        id: best.id,
        confidence: best.confidence,
        scores: ranked,
      };
    }
    const listed = ranked.map((s) =>
      `${s.id} ${s.confidence.toFixed(2)}${s.error ? ` (${s.error})` : ""}`
    ).join(", ");
    return {
      ok: false,
      reason: `No converter is sure enough about ${name} (need ${min.toFixed(2)}): ${
        listed || "no converters"
      }`,
      scores: ranked,
    };
  }
}
