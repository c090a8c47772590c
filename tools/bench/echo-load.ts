/**
 * Echo load over real loopback sockets, shared by the "client" and "server"
 * sections: peers (WebSocket clients of some echo server) that send a
 * payload and report each echo, a driver that keeps a fixed number of
 * messages in flight per peer for a time box, and the time-boxed,
 * interleaved repetitions of {@link measureEcho}.
 *
 * A repetition starts every peer with `inFlight` messages, sends one more
 * for each echo until the time box ends, and counts the echoes received
 * until then (round trips); the echoes still in flight are drained, not
 * counted, before the next repetition. Every echo's length and three of its
 * bytes are checked, and the first echo of each peer in a repetition is
 * compared in full.
 */
import type { WsVariant } from "./ws-internals";
import { WebSocketChannel } from "../../modules/websocket/client/channel";
import { round } from "./figures";

/** One WebSocket client of an echo server. */
export interface EchoPeer {
  /** Sends one binary message. */
  send(payload: Uint8Array): void;
  /** Set by the driver: called with each message received. */
  onEcho: (data: Uint8Array) => void;
  /** Closes the connection and resolves once it is closed (bounded). */
  close(): Promise<void>;
}

/** Something measured: a name and the peers that carry its load. */
export interface EchoContender {
  readonly name: string;
  readonly peers: readonly EchoPeer[];
}

/** One repetition's outcome. */
interface Rep {
  readonly roundTrips: number;
  readonly ms: number;
}

/** The outcome for one contender (best repetition kept, every one recorded). */
export interface EchoMeasurement {
  readonly name: string;
  /** Round trips per second (echoes received, all peers together) of the best repetition. */
  readonly rtps: number;
  /** Payload MB/s (10^6 bytes, counted once per round trip) of the best repetition. */
  readonly mbps: number;
  /** Round trips per second of every repetition, in the order run. */
  readonly repsRtps: number[];
  /** Round trips counted in all timed repetitions. */
  readonly roundTrips: number;
}

/** Timing of {@link measureEcho}. */
export interface EchoTiming {
  /** Milliseconds per repetition. */
  readonly repMs: number;
  readonly reps: number;
  /** Milliseconds of warm-up per contender (one untimed repetition). */
  readonly warmMs: number;
}

const now = (): number => performance.now();
/** A repetition that has not finished this long after its time box is a bench bug (a lost message). */
const DRAIN_TIMEOUT_MS = 15_000;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** One repetition of `peers` echoing `payload` with `inFlight` messages each, for `ms`. */
function runRep(name: string, peers: readonly EchoPeer[], payload: Uint8Array, inFlight: number, ms: number): Promise<Rep> {
  const length = payload.length;
  const first = payload[0]!;
  const middle = payload[length >> 1]!;
  const last = payload[length - 1]!;
  return new Promise<Rep>((resolve, reject) => {
    let roundTrips = 0;
    let outstanding = 0;
    let stopped = false;
    let settled = false;
    let end = 0;
    const start = now();
    const deadline = start + ms;
    const guard = setTimeout(() => fail(new Error(`${name}: ${outstanding} echoes still missing ${DRAIN_TIMEOUT_MS} ms after the time box`)), ms + DRAIN_TIMEOUT_MS);
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      stopped = true;
      clearTimeout(guard);
      reject(error);
    };
    const done = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      for (const peer of peers) peer.onEcho = () => {};
      resolve({ roundTrips, ms: end - start });
    };
    for (const peer of peers) {
      let checked = false;
      peer.onEcho = (data) => {
        outstanding--;
        if (data.length !== length || data[0] !== first || data[length >> 1] !== middle || data[length - 1] !== last || (!checked && !sameBytes(data, payload))) {
          fail(new Error(`${name}: echo of ${data.length} bytes differs from the ${length} bytes sent`));
          return;
        }
        checked = true;
        if (!stopped) {
          roundTrips++;
          const t = now();
          if (t >= deadline) {
            stopped = true;
            end = t;
          } else {
            outstanding++;
            try {
              peer.send(payload);
            } catch (error) {
              fail(error instanceof Error ? error : new Error(String(error)));
              return;
            }
          }
        }
        if (stopped && outstanding === 0) done();
      };
    }
    try {
      for (const peer of peers) {
        for (let i = 0; i < inFlight; i++) {
          outstanding++;
          peer.send(payload);
        }
      }
    } catch (error) {
      fail(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/**
 * Measures every contender echoing `payload`: one warm-up repetition each,
 * then `reps` repetitions interleaved across contenders (A B A B …); the
 * best repetition is kept (other load only ever slows a run down).
 */
export async function measureEcho(contenders: readonly EchoContender[], payload: Uint8Array, inFlight: number, timing: EchoTiming): Promise<EchoMeasurement[]> {
  for (const c of contenders) await runRep(c.name, c.peers, payload, inFlight, timing.warmMs);
  const reps: Rep[][] = contenders.map(() => []);
  for (let r = 0; r < timing.reps; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[i]!;
      reps[i]!.push(await runRep(c.name, c.peers, payload, inFlight, timing.repMs));
    }
  }
  return contenders.map((c, i) => {
    const rates = reps[i]!.map((rep) => (rep.roundTrips * 1000) / rep.ms);
    const best = Math.max(...rates);
    return {
      name: c.name,
      rtps: round(best, 4),
      mbps: round((best * payload.length) / 1e6, 4),
      repsRtps: rates.map((v) => round(v, 4)),
      roundTrips: reps[i]!.reduce((sum, rep) => sum + rep.roundTrips, 0),
    };
  });
}

/**
 * Deterministic bytes (the payload of every message): a plain Uint8Array, as
 * on the device. Not a Node Buffer: the core's OutboundQueue copies a masked
 * piece with `bytes.slice()`, which on a Buffer is a view, so a client
 * sending a Buffer of more than 1 KiB would see it masked in place.
 */
export function payloadOf(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

/** Resolves after `promise`, or rejects after `ms` naming `what`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Resolves once a server emits `listening` (rejects on its `error`), within 5 s. */
export function listening(server: { once(event: string, listener: (...args: any[]) => void): unknown }, what: string): Promise<void> {
  return within(
    new Promise<void>((resolve, reject) => {
      server.once("listening", () => resolve());
      server.once("error", reject);
    }),
    5000,
    `${what} listen`,
  );
}

/** A client of the `ws` instance `ws` (no compression) connected to `url`. */
export async function openWsPeer(ws: WsVariant, url: string, maxPayload: number): Promise<EchoPeer> {
  const socket = new ws.WebSocket(url, { perMessageDeflate: false, maxPayload });
  socket.binaryType = "nodebuffer";
  const peer: EchoPeer = {
    send: (payload) => socket.send(payload, { binary: true }),
    onEcho: () => {},
    close: () =>
      within(
        new Promise<void>((resolve) => {
          if (socket.readyState === ws.WebSocket.CLOSED) return resolve();
          socket.once("close", () => resolve());
          socket.close(1000);
        }),
        8000,
        "ws client close",
      ).catch(() => socket.terminate()),
  };
  socket.on("message", (data: Buffer) => peer.onEcho(data));
  await within(
    new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    }),
    8000,
    `ws client open ${url}`,
  );
  socket.on("error", () => {});
  return peer;
}

/** Our client: a {@link WebSocketChannel} with limits for `maxMessage`-byte messages and `queue` bytes queued. */
export async function openChannelPeer(url: string, maxMessage: number, queue: number): Promise<EchoPeer> {
  const channel = new WebSocketChannel({ limits: { maxMessageSize: maxMessage, maxFrameSize: maxMessage, maxQueuedBytes: queue } });
  let stopped: (() => void) | undefined;
  let isStopped = false;
  const peer: EchoPeer = {
    send: (payload) => channel.sendBinaryMsg(payload),
    onEcho: () => {},
    close: () =>
      within(
        new Promise<void>((resolve) => {
          if (isStopped) return resolve();
          stopped = resolve;
          channel.close(1000);
        }),
        8000,
        "channel close",
      ).catch(() => undefined),
  };
  await within(
    new Promise<void>((resolve, reject) => {
      channel.asyncOpen(url, "", {
        onStart: () => resolve(),
        onBinaryMessageAvailable: (_context, data) => peer.onEcho(data),
        onStop: (_context, status) => {
          isStopped = true;
          reject(new Error(`channel stopped: ${status.code} ${status.message}`));
          stopped?.();
        },
      });
    }),
    8000,
    `channel open ${url}`,
  );
  return peer;
}
