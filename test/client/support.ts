/**
 * Helpers of the client tests: a recording listener for a WebSocketChannel,
 * waits bounded in time, and cleanup of servers.
 */
import { pollUntil } from "../peers/index";
import { WebSocketChannel, type ChannelOptions, type ChannelStatus, type WebSocketListener } from "../../modules/websocket/client/channel";

export type Event =
  | { kind: "start" }
  | { kind: "text"; data: string }
  | { kind: "binary"; data: Uint8Array }
  | { kind: "ack"; size: number }
  | { kind: "serverClose"; code: number; reason: string }
  | { kind: "stop"; status: ChannelStatus };

/** A channel opened on `url`, with every listener call recorded in order (acks apart). */
export class Session {
  readonly channel: WebSocketChannel;
  readonly events: Event[] = [];
  acknowledged = 0;
  /** Calls with a context other than the one given (should stay 0). */
  wrongContext = 0;
  /** Set when a listener method was called before asyncOpen returned. */
  calledTooEarly = false;
  readonly context = { id: Symbol("context") };
  #read = 0;
  onStart?: (session: Session) => void;

  constructor(url: string, options: ChannelOptions = {}, setup?: (channel: WebSocketChannel) => void, origin = "") {
    this.channel = new WebSocketChannel(options);
    setup?.(this.channel);
    let returned = false;
    const check = (context: unknown) => {
      if (!returned) this.calledTooEarly = true;
      if (context !== this.context) this.wrongContext++;
    };
    const listener: WebSocketListener = {
      onStart: (context) => {
        check(context);
        this.events.push({ kind: "start" });
        this.onStart?.(this);
      },
      onMessageAvailable: (context, data) => (check(context), void this.events.push({ kind: "text", data })),
      onBinaryMessageAvailable: (context, data) => (check(context), void this.events.push({ kind: "binary", data: data.slice() })),
      onAcknowledge: (context, size) => {
        check(context);
        this.acknowledged += size;
        this.events.push({ kind: "ack", size });
      },
      onServerClose: (context, code, reason) => (check(context), void this.events.push({ kind: "serverClose", code, reason })),
      onStop: (context, status) => (check(context), void this.events.push({ kind: "stop", status })),
    };
    this.channel.asyncOpen(url, origin, listener, this.context);
    returned = true;
  }

  /** Events other than acknowledgements. */
  get main(): Event[] {
    return this.events.filter((event) => event.kind !== "ack");
  }

  get started(): boolean {
    return this.events.some((event) => event.kind === "start");
  }

  /** Resolves once open; rejects if it stopped instead. */
  async opened(timeoutMs = 5000): Promise<void> {
    await pollUntil(() => (this.started || this.stopStatus !== undefined ? true : undefined), timeoutMs, "onStart");
    if (!this.started) throw new Error(`stopped before opening: ${this.stopStatus!.code} ${this.stopStatus!.message}`);
  }

  get stopStatus(): ChannelStatus | undefined {
    const stop = this.events.find((event) => event.kind === "stop");
    return stop?.kind === "stop" ? stop.status : undefined;
  }

  /** Resolves with the onStop status. */
  stopped(timeoutMs = 5000): Promise<ChannelStatus> {
    return pollUntil(() => this.stopStatus, timeoutMs, "onStop");
  }

  /** The next message not yet returned. */
  async message(timeoutMs = 5000): Promise<string | Uint8Array> {
    const messages = () => this.events.filter((event) => event.kind === "text" || event.kind === "binary");
    const event = await pollUntil(() => messages()[this.#read], timeoutMs, `message #${this.#read + 1}`);
    this.#read++;
    return (event as { data: string | Uint8Array }).data;
  }

  /** Cleanup: closes (aborting if need be) and waits for the end, without failing. */
  async close(): Promise<void> {
    if (this.stopStatus === undefined) this.channel.close(1000);
    await this.stopped(8000).catch(() => undefined);
  }

  /** Closes (if still open) and waits for the end. */
  async end(code = 1000): Promise<ChannelStatus> {
    if (this.stopStatus === undefined) this.channel.close(code);
    return this.stopped();
  }
}

/** Deterministic bytes. */
export function pattern(length: number, seed = 7): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

/** DER of the first certificate of a PEM text. */
export function derOf(pem: string): Uint8Array {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem)![1]!;
  return new Uint8Array(Buffer.from(body.replace(/\s+/g, ""), "base64"));
}

/** Registry of things to close after each test. */
export function cleanupRegistry(): <T extends { close(): Promise<void> } | { remove(): Promise<void> }>(thing: T) => T {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });
  return (thing) => {
    cleanups.push(() => ("close" in thing ? thing.close() : thing.remove()));
    return thing;
  };
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
