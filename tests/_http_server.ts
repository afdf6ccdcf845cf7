/**
 * A real HTTP server on 127.0.0.1 with an OS-chosen port, recording what it received.
 */

/** What the server saw of one request. */
export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

/** A running test server. */
export interface TestServer {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * Serves `handler` on loopback and records every request.
 *
 * @param handler Answers each request; gets the request's index (0-based) too.
 * @returns The server.
 */
export function startServer(
  handler: (req: SeenRequest, index: number) => Response | Promise<Response>,
): TestServer {
  const seen: SeenRequest[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const entry = {
        method: req.method,
        url: new URL(req.url),
        headers: req.headers,
        body: await req.text(),
      };
      seen.push(entry);
      return handler(entry, seen.length - 1);
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    close: () => server.shutdown(),
  };
}

/** A clock whose sleeps return at once and are recorded, so retry waits are asserted exactly. */
export class RecordingClock {
  t = 1_700_000_000_000;
  sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.t += ms;
    return Promise.resolve();
  }
}

/** A JSON response. */
export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
