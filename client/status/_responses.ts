/**
 * What the server really answered: a `fetch` wrapper that counts every HTTP response by method,
 * endpoint and real status code (the API client retries inside one call, so the submitter sees
 * only the last outcome), times report uploads, and keeps the last failing answer with the
 * server's message. The token never passes through here: only the method, the path, the status
 * and an excerpt of the body of a failing answer are kept.
 *
 * @module
 */

import { excerpt } from "../../api/http/errors.ts";

/** The server's last failing answer. */
export interface ServerFailure {
  /** When, epoch ms. */
  at: number;
  /** The HTTP status, or `null` when no answer came (network, timeout). */
  status: number | null;
  /** The server's message (or the network error's). */
  message: string;
}

/** Responses by `method endpoint status`, and the last failure. */
export class ResponseLog {
  /** Counts by method, endpoint and status (`network` when no answer came). */
  readonly counts: Map<
    string,
    { method: string; endpoint: string; status: string; count: number }
  > = new Map();
  /** The server's last failing answer, if any. */
  lastFailure: ServerFailure | null = null;

  /** Counts one response (or a request that got none). */
  count(method: string, endpoint: string, status: string): void {
    const key = `${method} ${endpoint} ${status}`;
    const entry = this.counts.get(key) ?? { method, endpoint, status, count: 0 };
    entry.count++;
    this.counts.set(key, entry);
  }
}

/** The message of a failing answer's body: its `message`/`Message`/`error` field, or the text. */
function messageOf(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === "object") {
      for (const key of ["message", "Message", "error", "title"]) {
        const value = (body as Record<string, unknown>)[key];
        if (typeof value === "string" && value.length > 0) return excerpt(value);
      }
    }
  } catch {
    // Not JSON: the text itself.
  }
  return excerpt(text);
}

/** The API paths a station calls, with ids cut off so the label set stays small. */
function endpointOf(url: URL): string {
  const parts = url.pathname.split("/").filter(Boolean).slice(0, 3);
  return `/${parts.join("/")}`;
}

/**
 * Wraps `fetch` so that every response is counted in `log`.
 *
 * @param base The `fetch` to call.
 * @param log Where counts and the last failure go.
 * @param options `now`: the clock; `onUpload`: told the seconds of each report upload request.
 * @returns A `fetch` with the same behaviour.
 */
export function observedFetch(
  base: typeof fetch,
  log: ResponseLog,
  options: { now: () => number; onUpload?: (seconds: number) => void },
): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const method = request.method;
    const endpoint = endpointOf(new URL(request.url));
    const isUpload = method === "POST" && /^\/api\/Report\/WSJF$/i.test(endpoint);
    const started = performance.now();
    let res: Response;
    try {
      res = await base(input, init);
    } catch (error) {
      if (!(init?.signal?.aborted ?? false)) {
        log.count(method, endpoint, "network");
        log.lastFailure = { at: options.now(), status: null, message: (error as Error).message };
      }
      throw error;
    }
    if (isUpload) options.onUpload?.((performance.now() - started) / 1000);
    log.count(method, endpoint, String(res.status));
    if (!res.ok) {
      const text = await res.clone().text().catch(() => "");
      log.lastFailure = {
        at: options.now(),
        status: res.status,
        message: messageOf(text) || res.statusText || `HTTP ${res.status}`,
      };
    }
    return res;
  };
}
