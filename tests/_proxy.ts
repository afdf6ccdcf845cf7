/**
 * A small HTTP proxy on loopback for tests: `CONNECT host:port` tunnels (what Deno sends for
 * `https:` targets) and absolute-form requests (`GET http://host:port/path`, what Deno sends for
 * `http:` targets), each counted, with basic auth required when credentials are given.
 *
 * @module
 */

/** A running test proxy; dispose with `await using`. */
export interface TestProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The `host:port` of each tunnel opened. */
  connects: string[];
  /** The URL of each absolute-form request forwarded. */
  forwards: string[];
  /** Requests refused with 407 (no or wrong credentials). */
  refused: number;
  [Symbol.asyncDispose](): Promise<void>;
}

const encoder = new TextEncoder();

async function readHead(conn: Deno.Conn): Promise<{ head: string; rest: Uint8Array } | null> {
  let buffered = new Uint8Array(0);
  const chunk = new Uint8Array(16_384);
  while (true) {
    const text = new TextDecoder("latin1").decode(buffered);
    const end = text.indexOf("\r\n\r\n");
    if (end >= 0) return { head: text.slice(0, end), rest: buffered.subarray(end + 4) };
    const n = await conn.read(chunk);
    if (n === null) return null;
    const next = new Uint8Array(buffered.length + n);
    next.set(buffered);
    next.set(chunk.subarray(0, n), buffered.length);
    buffered = next;
  }
}

/**
 * Starts a proxy on `127.0.0.1:0`.
 *
 * @param options The credentials it requires; none required when absent.
 * @returns The running proxy.
 */
export function startProxy(options: { username?: string; password?: string } = {}): TestProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  const expected = options.username === undefined
    ? null
    : `Basic ${btoa(`${options.username}:${options.password ?? ""}`)}`;
  const proxy: TestProxy = {
    url: `http://127.0.0.1:${listener.addr.port}`,
    connects: [],
    forwards: [],
    refused: 0,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const conn of open) closeQuietly(conn);
      await Promise.allSettled([accepting, ...tasks]);
    },
  };

  function closeQuietly(conn: Deno.Conn): void {
    try {
      conn.close();
    } catch {
      // Already closed by the other side's end of the pipe.
    }
    open.delete(conn);
  }

  async function handle(conn: Deno.Conn): Promise<void> {
    let upstream: Deno.Conn | undefined;
    try {
      const read = await readHead(conn);
      if (read === null) return;
      const [requestLine, ...headerLines] = read.head.split("\r\n");
      const [method, target] = requestLine.split(" ");
      const auth = headerLines.find((line) => /^proxy-authorization:/i.test(line))
        ?.replace(/^[^:]+:\s*/, "");
      if (expected !== null && auth !== expected) {
        proxy.refused++;
        await conn.write(encoder.encode(
          'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n' +
            "Content-Length: 0\r\nConnection: close\r\n\r\n",
        ));
        return;
      }
      let first: Uint8Array;
      let hostPort: string;
      if (method === "CONNECT") {
        hostPort = target;
        proxy.connects.push(target);
        first = read.rest;
      } else {
        const url = new URL(target);
        hostPort = url.host;
        proxy.forwards.push(url.href);
        // One request a connection, so each one is counted here.
        const headers = headerLines.filter((line) =>
          !/^(proxy-authorization|proxy-connection|connection):/i.test(line)
        );
        const head = [`${method} ${url.pathname}${url.search} HTTP/1.1`, ...headers]
          .concat("Connection: close", "", "").join("\r\n");
        first = new Uint8Array([...encoder.encode(head), ...read.rest]);
      }
      const [hostname, port] = [hostPort.replace(/:\d+$/, ""), hostPort.match(/:(\d+)$/)?.[1]];
      upstream = await Deno.connect({ hostname, port: Number(port ?? 80) });
      open.add(upstream);
      if (method === "CONNECT") {
        await conn.write(encoder.encode("HTTP/1.1 200 Connection established\r\n\r\n"));
      }
      if (first.length > 0) await upstream.write(first);
      const to = upstream;
      await Promise.race([
        conn.readable.pipeTo(to.writable, { preventClose: true }).catch(() => {}),
        to.readable.pipeTo(conn.writable, { preventClose: true }).catch(() => {}),
      ]);
    } catch {
      // A test that closes early ends the tunnel; nothing to report.
    } finally {
      if (upstream) closeQuietly(upstream);
      closeQuietly(conn);
    }
  }

  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        open.add(conn);
        const task = handle(conn).finally(() => tasks.delete(task));
        tasks.add(task);
      }
    } catch {
      // The listener was closed.
    }
  })();
  return proxy;
}
