/**
 * Cost of the rate limiter when it does not throttle (the common case: a slot is free).
 *
 * Run: `deno bench tests/bench/limiter_bench.ts`. Target: under 1 µs a call.
 */
import { RateLimiter } from "../../api/http/limiter.ts";

// A limit that is never reached, so every call takes the no-wait path.
const roomy = new RateLimiter({ maxRequests: Number.MAX_SAFE_INTEGER, windowMs: 60_000 });
const unlimited = RateLimiter.unlimited();
const signal = new AbortController().signal;

Deno.bench("tryAcquire(), slot free", { group: "free slot", baseline: true }, () => {
  roomy.tryAcquire();
});

Deno.bench("acquire() without await, slot free", { group: "free slot" }, () => {
  roomy.acquire();
});

Deno.bench("await acquire(), slot free", { group: "free slot" }, async () => {
  await roomy.acquire();
});

Deno.bench("await acquire(signal), slot free", { group: "free slot" }, async () => {
  await roomy.acquire(signal);
});

Deno.bench("await unlimited.acquire()", { group: "free slot" }, async () => {
  await unlimited.acquire();
});

Deno.bench("await Promise.resolve() (floor)", { group: "free slot" }, async () => {
  await Promise.resolve();
});
