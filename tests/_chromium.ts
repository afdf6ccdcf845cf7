/**
 * Debian's `chromium`, headless, driven over the DevTools protocol websocket: one page, its
 * console errors, uncaught exceptions and failed loads, the URLs it requested, and expressions
 * evaluated in it. `playwright-core` drives the same browser under `deno run -A`, but on import it
 * probes `/proc/sys/fs/binfmt_misc/WSLInterop`, which Deno allows only with `--allow-all`; the
 * suite runs with explicit permissions, so the tests speak the protocol themselves.
 *
 * @module
 */

/** Where the browser is: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export const CHROMIUM_PATH: string = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--remote-debugging-port=0",
];

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

/** A headless Chromium with one page. Close it with `await using` or {@linkcode close}. */
export class ChromiumPage implements AsyncDisposable {
  /** Console errors, uncaught exceptions and failed loads, in order. */
  readonly errors: string[] = [];
  /** URLs the page requested. */
  readonly requests: string[] = [];
  readonly #child: Deno.ChildProcess;
  readonly #profile: string;
  readonly #socket: WebSocket;
  readonly #drained: Promise<void>;
  readonly #waiting = new Map<number, (message: Message) => void>();
  #session = "";
  #isClosed = false;
  #nextId = 1;

  private constructor(
    child: Deno.ChildProcess,
    profile: string,
    socket: WebSocket,
    drained: Promise<void>,
  ) {
    this.#child = child;
    this.#drained = drained;
    this.#profile = profile;
    this.#socket = socket;
    socket.onmessage = (event) => this.#receive(JSON.parse(event.data));
  }

  /**
   * Starts Chromium with a fresh profile and opens a blank page. A missing browser throws with
   * the reason.
   */
  static async launch(): Promise<ChromiumPage> {
    const profile = await Deno.makeTempDir({ prefix: "wats-chromium-" });
    // Chromium leaves org.chromium.Chromium.* folders in TMPDIR: keep them in the profile.
    await Deno.mkdir(`${profile}/tmp`);
    let child: Deno.ChildProcess;
    let drained: Promise<void> = Promise.resolve();
    try {
      child = new Deno.Command(CHROMIUM_PATH, {
        args: [...FLAGS, `--user-data-dir=${profile}`, "about:blank"],
        env: { TMPDIR: `${profile}/tmp` },
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      await Deno.remove(profile, { recursive: true });
      throw new Error(
        `chromium is missing at ${CHROMIUM_PATH} (${(error as Error).message}); install Debian's ` +
          "chromium package (apt-get install chromium), as .ci/run does, or set CHROMIUM_PATH",
      );
    }
    try {
      const output = readDevToolsUrl(child.stderr);
      drained = output.drained;
      const url = await output.url;
      const socket = new WebSocket(url);
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = () => reject(new Error(`Cannot connect to ${url}`));
      });
      const page = new ChromiumPage(child, profile, socket, drained);
      await page.#open();
      return page;
    } catch (error) {
      child.kill("SIGKILL");
      await child.status;
      await drained;
      await Deno.remove(profile, { recursive: true });
      throw error;
    }
  }

  /** Loads `url` and waits for its `load` event. */
  async goto(url: string): Promise<void> {
    const loaded = this.#once("Page.loadEventFired");
    const { errorText } = await this.#send("Page.navigate", { url });
    if (errorText) throw new Error(`Cannot load ${url}: ${errorText}`);
    await loaded;
  }

  /**
   * Evaluates `expression` in the page (awaiting a promise).
   *
   * @returns Its value, as JSON carries it.
   */
  async evaluate<T>(expression: string): Promise<T> {
    const answer = await this.#send("Runtime.evaluate", {
      expression,
      returnByValue: true,
      awaitPromise: true,
    });
    const exception = answer.exceptionDetails as { exception?: { description?: string } };
    if (exception) throw new Error(`${expression}: ${exception.exception?.description}`);
    return (answer.result as { value: T }).value;
  }

  /** Ends the browser and removes its profile; a second call does nothing. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    if (this.#socket.readyState !== WebSocket.CLOSED) {
      const closed = new Promise((resolve) => this.#socket.onclose = resolve);
      this.#socket.close();
      await closed;
    }
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    await this.#child.status;
    await this.#drained;
    await Deno.remove(this.#profile, { recursive: true });
  }

  /** Closes, as {@linkcode close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #open(): Promise<void> {
    const { targetId } = await this.#send("Target.createTarget", { url: "about:blank" }, "");
    const { sessionId } = await this.#send("Target.attachToTarget", {
      targetId,
      flatten: true,
    }, "");
    this.#session = sessionId as string;
    for (const domain of ["Page", "Runtime", "Log", "Network"]) {
      await this.#send(`${domain}.enable`);
    }
  }

  #receive(message: Message): void {
    if (message.id !== undefined) {
      this.#waiting.get(message.id)?.(message);
      this.#waiting.delete(message.id);
      return;
    }
    const params = message.params ?? {};
    switch (message.method) {
      case "Runtime.consoleAPICalled":
        if (params.type === "error") {
          const args = params.args as { value?: unknown; description?: string }[];
          this.errors.push(args.map((arg) => arg.description ?? String(arg.value)).join(" "));
        }
        break;
      case "Runtime.exceptionThrown": {
        const details = params.exceptionDetails as { exception?: { description?: string } };
        this.errors.push(details.exception?.description ?? "uncaught exception");
        break;
      }
      case "Log.entryAdded": {
        const entry = params.entry as { level: string; text: string; url?: string };
        if (entry.level === "error") this.errors.push(`${entry.text} ${entry.url ?? ""}`.trim());
        break;
      }
      case "Network.requestWillBeSent":
        this.requests.push((params.request as { url: string }).url);
        break;
    }
    for (const [key, listener] of this.#events) {
      if (key === message.method) {
        this.#events.delete(key);
        listener();
      }
    }
  }

  readonly #events = new Map<string, () => void>();

  #once(method: string): Promise<void> {
    return new Promise((resolve) => this.#events.set(method, resolve));
  }

  #send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId: string = this.#session,
  ): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, (message) => {
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result ?? {});
      });
      this.#socket.send(JSON.stringify({ id, method, params, ...sessionId ? { sessionId } : {} }));
    });
  }
}

/**
 * Reads Chromium's standard error to its end (a full pipe would stall the browser).
 *
 * @returns The DevTools websocket URL once printed, and the end of the reading.
 */
function readDevToolsUrl(
  stderr: ReadableStream<Uint8Array>,
): { url: Promise<string>; drained: Promise<void> } {
  let text = "";
  let found: (url: string) => void = () => {};
  let failed: (error: Error) => void = () => {};
  const url = new Promise<string>((resolve, reject) => {
    found = resolve;
    failed = reject;
  });
  const timer = setTimeout(
    () => failed(new Error(`chromium printed no DevTools URL:\n${text}`)),
    20_000,
  );
  const drained = (async () => {
    for await (const chunk of stderr.pipeThrough(new TextDecoderStream())) {
      text = (text + chunk).slice(-20_000);
      const match = text.match(/DevTools listening on (ws:\/\/\S+)/);
      if (match) found(match[1]);
    }
    failed(new Error(`chromium ended without a DevTools URL:\n${text}`));
  })().finally(() => clearTimeout(timer));
  return { url, drained };
}
