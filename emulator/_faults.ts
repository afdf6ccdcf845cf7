/**
 * Deterministic fault injection. A rule matches a method and a path pattern and then acts:
 * answer a status (optionally with `Retry-After`), add latency, reset the connection, or apply the
 * request and then drop the connection before the answer arrives. Rules fire a set number of
 * times, after skipping a number of matches, or with a probability drawn from a seeded PRNG
 * (mulberry32, one stream per rule), so the same rules and requests give the same faults on
 * every run.
 *
 * @module
 */
import { z } from "zod";

/** What a fault rule does when it fires. */
export type FaultAction = "status" | "latency" | "reset" | "apply-then-drop";

/** A fault rule as posted to `POST /_emulator/faults` or given to `createEmulator`. */
export interface FaultRule {
  /** HTTP method to match (any case); any method when absent or `*`. */
  method?: string;
  /**
   * Path pattern, matched case-insensitively against the path without query string:
   * `*` matches within one segment, `**` across segments (`/api/Report/**`).
   */
  path: string;
  /** What to do when the rule fires. */
  action: FaultAction;
  /** Status to answer (`status` action). */
  status?: number;
  /** `Retry-After` value in seconds to send with the status. */
  retryAfter?: number;
  /** Message of the JSON error body (`status` action). */
  message?: string;
  /** Delay in milliseconds (`latency` action; also waited before any other action). */
  latencyMs?: number;
  /** Let this many matching requests pass before the rule may fire. Default 0. */
  skip?: number;
  /** Fire at most this many times. Default: no limit. */
  times?: number;
  /** Chance (0–1) that a matching request fires the rule. Default 1. */
  probability?: number;
  /** Seed of the rule's PRNG (used with `probability`). Default 1. */
  seed?: number;
}

/** A rule as the emulator holds it, with its counters. */
export interface FaultRuleState extends FaultRule {
  /** Rule id (`f1`, `f2`, …). */
  id: string;
  /** Requests that matched the pattern. */
  matched: number;
  /** Times the rule fired. */
  fired: number;
  /** True once `times` is used up. */
  exhausted: boolean;
}

/** The decision for one request. */
export interface FaultDecision {
  /** Total latency to add before acting. */
  latencyMs: number;
  /** The terminal rule that fired, if any (`status`, `reset` or `apply-then-drop`). */
  rule?: FaultRuleState;
}

const ruleSchema = z.object({
  method: z.string().min(1).max(10).optional(),
  path: z.string().min(1).max(500),
  action: z.enum(["status", "latency", "reset", "apply-then-drop"]),
  status: z.number().int().min(100).max(599).optional(),
  retryAfter: z.number().int().min(0).max(86_400).optional(),
  message: z.string().max(1000).optional(),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  skip: z.number().int().min(0).optional(),
  times: z.number().int().min(1).optional(),
  probability: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
}).strict().refine((rule) => rule.action !== "status" || rule.status !== undefined, {
  message: "A status rule needs 'status'",
  path: ["status"],
}).refine((rule) => rule.action !== "latency" || rule.latencyMs !== undefined, {
  message: "A latency rule needs 'latencyMs'",
  path: ["latencyMs"],
});

/** Validate fault rules; throws an Error naming the bad field. */
export function parseFaultRules(input: unknown): FaultRule[] {
  const list = Array.isArray(input)
    ? input
    : typeof input === "object" && input !== null && "rules" in input
    ? (input as { rules: unknown }).rules
    : [input];
  const result = z.array(ruleSchema).safeParse(list);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.join(".") : "rule";
    throw new Error(`Invalid fault rule at ${where}: ${issue.message}`);
  }
  return result.data;
}

/** mulberry32: a tiny seeded PRNG with good enough spread for test faults. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function patternToRegExp(pattern: string): RegExp {
  const path = pattern.split("?")[0];
  let source = "";
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === "*" && path[i + 1] === "*") {
      source += ".*";
      i += 1;
    } else if (ch === "*") source += "[^/]*";
    else source += ch.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}/?$`, "i");
}

interface ActiveRule {
  state: FaultRuleState;
  pattern: RegExp;
  random: () => number;
}

/** Holds the rules and decides, per request, which faults fire. */
export class FaultInjector {
  #rules: ActiveRule[] = [];
  #nextId = 1;
  #fired = 0;

  /** Add rules (already validated); returns them with their ids. */
  add(rules: readonly FaultRule[]): FaultRuleState[] {
    return rules.map((rule) => {
      const state: FaultRuleState = {
        ...rule,
        id: `f${this.#nextId++}`,
        matched: 0,
        fired: 0,
        exhausted: false,
      };
      this.#rules.push({
        state,
        pattern: patternToRegExp(rule.path),
        random: mulberry32(rule.seed ?? 1),
      });
      return { ...state };
    });
  }

  /** Current rules with their counters. */
  list(): FaultRuleState[] {
    return this.#rules.map((rule) => ({ ...rule.state }));
  }

  /** Remove one rule (true when it existed) or, without an id, all rules. */
  remove(id?: string): boolean {
    if (id === undefined) {
      this.#rules = [];
      return true;
    }
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((rule) => rule.state.id !== id);
    return this.#rules.length < before;
  }

  /** Times any rule fired since the last reset. */
  get fired(): number {
    return this.#fired;
  }

  /** Remove all rules and zero the counters. */
  reset(): void {
    this.#rules = [];
    this.#fired = 0;
  }

  /** Decide what happens to a request; counters move, so call once per request. */
  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const rule of this.#rules) {
      const state = rule.state;
      if (state.exhausted) continue;
      const wanted = state.method?.toUpperCase();
      if (wanted && wanted !== "*" && wanted !== method.toUpperCase()) continue;
      if (!rule.pattern.test(path)) continue;
      state.matched += 1;
      if (state.matched <= (state.skip ?? 0)) continue;
      const probability = state.probability ?? 1;
      if (probability < 1 && rule.random() >= probability) continue;
      state.fired += 1;
      this.#fired += 1;
      if (state.times !== undefined && state.fired >= state.times) state.exhausted = true;
      decision.latencyMs += state.latencyMs ?? 0;
      if (state.action !== "latency") {
        decision.rule = { ...state };
        break;
      }
    }
    return decision;
  }
}
