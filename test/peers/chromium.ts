/**
 * Headless Chromium (Debian's `chromium`, installed by `.ci/run`) driven over
 * the DevTools protocol with the npm `ws` client: open a page, evaluate
 * JavaScript in it. Each browser gets a fresh profile in a temporary folder,
 * is bounded in time, and is killed and its profile removed on close.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocket } from "ws";
import { startProcess } from "./process";

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM = "/usr/bin/chromium";

/** Flags of every launch, besides the profile folder and the DevTools port. */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** Returns the Chromium executable's path; throws, naming `.ci/run`, if it is not installed. */
export function findChromium(): string {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)`);
  return CHROMIUM;
}

/** A page (tab) of a launched browser. */
export interface ChromiumPage {
  /** Navigates to `url` and waits for its load event (default bound 15 s). */
  goto(url: string, timeoutMs?: number): Promise<void>;
  /**
   * Evaluates the JS `expression` in the page, awaits it if it is a promise,
   * and returns its value as JSON-serialisable data. Throws with the page's
   * error if it throws or rejects. Default bound 15 s.
   */
  evaluate<T = unknown>(expression: string, timeoutMs?: number): Promise<T>;
  /** Console messages the page logged so far, as `"<type>: <text>"`. */
  readonly console: readonly string[];
}

/** A launched browser with one page. */
export interface ChromiumBrowser {
  /** E.g. `Chrome/156.0.8078.79` (the product string of Browser.getVersion). */
  readonly version: string;
  readonly page: ChromiumPage;
  /** Closes the browser, kills what is left of it, deletes its profile. */
  close(): Promise<void>;
}

type Pending = { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout };
type CdpMessage = { id?: number; method?: string; params?: Record<string, unknown>; sessionId?: string; result?: unknown; error?: { message: string } };

/** A minimal DevTools-protocol connection: commands with replies, and event listeners. */
class Cdp {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(m: CdpMessage) => void>();
  constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const message = JSON.parse(data.toString()) as CdpMessage;
      const waiter = message.id !== undefined ? this.pending.get(message.id) : undefined;
      if (waiter) {
        this.pending.delete(message.id!);
        clearTimeout(waiter.timer);
        if (message.error) waiter.reject(new Error(`DevTools: ${message.error.message}`));
        else waiter.resolve(message.result);
      } else this.listeners.forEach((l) => l(message));
    });
    ws.on("close", () => this.pending.forEach((p) => (clearTimeout(p.timer), p.reject(new Error("DevTools connection closed")))));
  }
  send<T>(method: string, params: object = {}, sessionId?: string, timeoutMs = 15_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => (this.pending.delete(id), reject(new Error(`DevTools: ${method} got no reply within ${timeoutMs} ms`))), timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }
  /** Calls `listener` for each event; returns the function that removes it. */
  on(listener: (m: CdpMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

async function openPage(cdp: Cdp): Promise<ChromiumPage> {
  const { targetId } = await cdp.send<{ targetId: string }>("Target.createTarget", { url: "about:blank" });
  const { sessionId } = await cdp.send<{ sessionId: string }>("Target.attachToTarget", { targetId, flatten: true });
  const logged: string[] = [];
  cdp.on((m) => {
    if (m.sessionId !== sessionId || m.method !== "Runtime.consoleAPICalled") return;
    const args = (m.params!.args as { value?: unknown; description?: string }[]).map((a) => a.description ?? String(a.value));
    logged.push(`${String(m.params!.type)}: ${args.join(" ")}`);
  });
  await cdp.send("Page.enable", {}, sessionId);
  await cdp.send("Runtime.enable", {}, sessionId);
  return {
    console: logged,
    async goto(url, timeoutMs = 15_000) {
      let stop = () => {};
      const loaded = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => (stop(), reject(new Error(`Chromium: ${url} did not load within ${timeoutMs} ms`))), timeoutMs);
        stop = cdp.on((m) => {
          if (m.sessionId === sessionId && m.method === "Page.loadEventFired") (clearTimeout(timer), stop(), resolve());
        });
      });
      const nav = await cdp.send<{ errorText?: string }>("Page.navigate", { url }, sessionId, timeoutMs);
      if (nav.errorText) {
        stop();
        throw new Error(`Chromium: navigating to ${url} failed: ${nav.errorText}`);
      }
      await loaded;
    },
    async evaluate<T>(expression: string, timeoutMs = 15_000) {
      const reply = await cdp.send<{ result: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string; value?: unknown } } }>(
        "Runtime.evaluate",
        { expression, awaitPromise: true, returnByValue: true, timeout: timeoutMs },
        sessionId,
        timeoutMs + 1_000,
      );
      const e = reply.exceptionDetails;
      if (e) throw new Error(`Chromium page threw: ${e.exception?.description ?? String(e.exception?.value ?? e.text)}`);
      return reply.result.value as T;
    },
  };
}

/**
 * Launches headless Chromium with {@link CHROMIUM_FLAGS}, a fresh profile and
 * `--remote-debugging-port=0`, connects to it, and opens one page. The browser
 * is killed after `lifetimeMs` (default 120 s) if not closed before.
 */
export async function launchChromium(options: { lifetimeMs?: number } = {}): Promise<ChromiumBrowser> {
  const executable = findChromium();
  const profile = await mkdtemp(join(tmpdir(), "xs-ws-chromium-"));
  const proc = startProcess(executable, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, "--remote-debugging-port=0", "about:blank"], {
    lifetimeMs: options.lifetimeMs ?? 120_000,
  });
  let ws: WebSocket | undefined;
  const close = async () => {
    ws?.terminate();
    await proc.stop(1_000);
    await rm(profile, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    const [, endpoint] = await proc.waitFor("stderr", /DevTools listening on (ws:\/\/\S+)/, 20_000, "Chromium");
    ws = new WebSocket(endpoint!, { perMessageDeflate: false });
    await new Promise((resolve, reject) => ws!.once("open", resolve).once("error", reject));
    const cdp = new Cdp(ws);
    const { product } = await cdp.send<{ product: string }>("Browser.getVersion");
    return { version: product, page: await openPage(cdp), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Runs `fn` with a page of a freshly launched headless Chromium, then closes
 * the browser whatever happens. The whole run is bounded by `timeoutMs`
 * (default 60 s): past it the browser is killed and the promise rejects.
 */
export async function withChromium<T>(fn: (page: ChromiumPage) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const browser = await launchChromium({ lifetimeMs: timeoutMs + 5_000 });
  let timer: NodeJS.Timeout | undefined;
  try {
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`withChromium: not done within ${timeoutMs} ms`)), timeoutMs);
    });
    return await Promise.race([fn(browser.page), expired]);
  } finally {
    clearTimeout(timer);
    await browser.close();
  }
}
