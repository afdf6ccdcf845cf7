/**
 * The emulator's middleware, outermost first: request accounting, body-size limit,
 * authentication, fault injection and `Idempotency-Key` handling.
 *
 * @module
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { matchedRoutes } from "hono/route";
import type { EmulatorContext, EmulatorEnv } from "./_context.ts";
import { fingerprint } from "./_idempotency.ts";
import { errorResponse, readBody, rejectDeclaredOversize } from "./_http.ts";

type C = Context<EmulatorEnv>;

/** Header that marks answers produced by a fault rule (`drop` for dropped connections). */
export const FAULT_HEADER = "x-emulator-fault";

/** True for the emulator's own control routes, which faults and idempotency never touch. */
export function isControlPath(path: string): boolean {
  return path.toLowerCase().startsWith("/_emulator");
}

/**
 * A response whose body ends short of its declared length: the client receives the status line
 * and headers, then the connection closes, and `fetch` fails while reading the body. Deno.serve
 * offers no way to close a connection before the status line; this is the closest it allows.
 */
export function dropResponse(status = 200): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.close();
    },
  });
  return new Response(body, {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-length": "4096",
      [FAULT_HEADER]: "drop",
    },
  });
}

/**
 * Header that marks the answer to a request whose client disconnected mid-body; the accounting
 * counts it as `disconnected`, not by its status.
 */
export const DISCONNECTED_HEADER = "x-emulator-disconnected";

function routeOf(c: C): string {
  const route = matchedRoutes(c).filter((r) => r.method !== "ALL").at(-1);
  return route?.path ?? "(unknown route)";
}

/** Counts every request by route template and outcome; adds `X-Request-Id`. */
export function accounting(ctx: EmulatorContext): MiddlewareHandler<EmulatorEnv> {
  let counter = 0;
  return async (c: C, next: Next) => {
    const requestId = `emu-${(++counter).toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
    c.set("requestId", requestId);
    await next();
    c.header("x-request-id", requestId);
    const outcome = c.res.headers.has(DISCONNECTED_HEADER)
      ? "disconnected"
      : c.res.headers.get(FAULT_HEADER) === "drop"
      ? "dropped"
      : String(c.res.status);
    ctx.stats.request(c.req.method, routeOf(c), outcome);
  };
}

/** 413 for a declared `Content-Length` over the limit, before anything else reads the body. */
export function bodyLimit(ctx: EmulatorContext): MiddlewareHandler<EmulatorEnv> {
  return async (c: C, next: Next) => {
    await rejectDeclaredOversize(c.req.raw, ctx.bodyLimit);
    await next();
  };
}

/** `Authorization: Basic <token>` with a known token, as WATS requires on every route. */
export function authentication(tokens: readonly string[]): MiddlewareHandler<EmulatorEnv> {
  const known = new Set(tokens);
  const scopes = new Map<string, string>();
  return async (c: C, next: Next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^basic\s+(\S+)\s*$/i.exec(header);
    if (!match || !known.has(match[1])) {
      await c.req.raw.body?.cancel().catch(() => {});
      const message = match
        ? "Authorization has been denied for this request: the token is not known"
        : "Authorization has been denied for this request: send 'Authorization: Basic <token>'";
      return errorResponse(401, message, {}, { "www-authenticate": 'Basic realm="WATS"' });
    }
    let scope = scopes.get(match[1]);
    if (!scope) {
      scope = fingerprint([match[1]]).slice(0, 16);
      scopes.set(match[1], scope);
    }
    c.set("tokenScope", scope);
    await next();
  };
}

/** Applies the fault rules (never to `/_emulator` routes). */
export function faultInjection(ctx: EmulatorContext): MiddlewareHandler<EmulatorEnv> {
  return async (c: C, next: Next) => {
    const path = new URL(c.req.url).pathname;
    if (isControlPath(path)) return await next();
    const decision = ctx.faults.decide(c.req.method, path);
    if (decision.latencyMs > 0) await ctx.sleep(decision.latencyMs);
    const rule = decision.rule;
    if (!rule) return await next();
    if (rule.action === "status") {
      await c.req.raw.body?.cancel().catch(() => {});
      const headers: Record<string, string> = { [FAULT_HEADER]: rule.id };
      if (rule.retryAfter !== undefined) headers["retry-after"] = String(rule.retryAfter);
      const message = rule.message ?? `Injected fault ${rule.id}: HTTP ${rule.status}`;
      return errorResponse(rule.status ?? 500, message, {}, headers);
    }
    if (rule.action === "reset") {
      await c.req.raw.body?.cancel().catch(() => {});
      return dropResponse();
    }
    await next(); // apply-then-drop: the request takes effect, the answer never arrives
    const status = c.res.status;
    c.res = undefined;
    c.res = dropResponse(status);
  };
}

/**
 * `Idempotency-Key` on POST and PATCH: replay, 422 on a different request with the same key,
 * 409 while the first is in flight. `onReplay` sees the body of a replayed request.
 */
export function idempotency(
  ctx: EmulatorContext,
  onReplay: (c: C, body: Uint8Array) => void,
): MiddlewareHandler<EmulatorEnv> {
  return async (c: C, next: Next) => {
    const method = c.req.method;
    const key = c.req.header("idempotency-key");
    if ((method !== "POST" && method !== "PATCH") || key === undefined) return await next();
    if (isControlPath(c.req.path)) return await next();
    if (key.trim() === "" || key.length > 255) {
      return errorResponse(400, "Idempotency-Key must hold 1 to 255 characters");
    }
    const body = await readBody(c, ctx.bodyLimit);
    const url = new URL(c.req.url);
    const print = fingerprint([method, c.req.path.toLowerCase(), url.search, body]);
    const scope = c.get("tokenScope");
    const start = await ctx.idempotency.begin(scope, key, print);
    if (start.kind === "mismatch") {
      return errorResponse(
        422,
        `Idempotency-Key '${key}' was already used for a different request; use a new key`,
      );
    }
    if (start.kind === "in-flight") {
      return errorResponse(
        409,
        `A request with Idempotency-Key '${key}' is still being processed; retry later`,
        {},
        { "retry-after": "1" },
      );
    }
    if (start.kind === "replay") {
      onReplay(c, body);
      return new Response(start.response.body, {
        status: start.response.status,
        headers: { "content-type": start.response.contentType, "idempotent-replayed": "true" },
      });
    }
    try {
      await next();
    } catch (error) {
      await ctx.idempotency.abandon(scope, key);
      throw error;
    }
    const res = c.res;
    await ctx.idempotency.complete(scope, key, print, {
      status: res.status,
      contentType: res.headers.get("content-type") ?? "application/json; charset=utf-8",
      body: res.status >= 200 && res.status < 300 ? await res.clone().text() : "",
    });
  };
}
