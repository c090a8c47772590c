/**
 * XS side of the `device` bench section (memory). `xs-heap-driver.mjs`
 * bundles this file, evaluates it in an xsnap worker, then runs each step
 * of {@link steps} in its own crank: a step does its work, collects garbage
 * (`gc()`), and reports a JSON value with `issueCommand`; after the crank
 * the driver reads XS's own heap figures (the slot count xsnap returns with
 * every crank, and the size of a heap snapshot, which holds every live slot
 * and chunk). So all figures are of live memory after GC, measured by XS.
 *
 * What is measured is the library's own state: a core `Connection` and its
 * `SocketDriver`, over a stand-in socket (the socket itself is native on the
 * device and outside the JS heap) and the real `DeadlineScheduler` on a
 * stand-in timer (xs-standins/timer.ts). The device's fast paths are in place: the
 * native-style masking of hosts/moddable/fast-paths.ts (on a JS stand-in for
 * `Logical.xor`) and the native-decoder codec over xsnap's `TextDecoder`,
 * which is the SDK's own C decoder.
 *
 * Only the language, the core, the transport driver and the fast paths:
 * nothing here may import an SDK or Node module.
 */
import { Connection } from "../../modules/websocket/core/connection";
import { setMaskImplementation } from "../../modules/websocket/core/mask";
import { useTextCodec, type TextDecoderClass, type TextEncoderLike } from "../../modules/websocket/core/utf8";
import { DeadlineScheduler } from "../../modules/websocket/transport/deadline-scheduler";
import { SocketDriver, type ByteSocket } from "../../modules/websocket/transport/socket-driver";
import { logicalMask, streamingTextCodec, type XorFunction } from "../../hosts/moddable/fast-paths";
import { exposeSteps, xorStandIn } from "./xs-entry-support";
import { clientFrame } from "./xs-frames";
import StandInTimer from "./xs-standins/timer";

interface XsGlobals {
  TextDecoder?: TextDecoderClass;
  TextEncoder?: new () => TextEncoderLike;
}
const g = globalThis as unknown as XsGlobals & Record<string, unknown>;

/** Idle connections made per kind (the per-connection figure is the delta over this many). */
export const IDLE_CONNECTIONS = 64;
/** The in-flight message. */
export const BIG_MESSAGE = 64 * 1024;
/** TCP-sized pieces, as the socket hands them over. */
const SEGMENT = 1460;


// The real scheduler (one Set entry per connection), on the stand-in timer of
// xs-standins/timer.ts (the bundle maps the SDK's "timer" to it) and a clock
// that never moves: no deadline falls due during the bench.
const scheduler = new DeadlineScheduler({ timer: StandInTimer, now: () => 0 });

let seed = 0x2545f491;
function random(target: Uint8Array): void {
  for (let i = 0; i < target.length; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    target[i] = seed & 0xff;
  }
}

/** A stand-in ECMA-419 socket: hands over queued pieces, swallows writes. */
class StandInSocket implements ByteSocket {
  readonly incoming: ArrayBuffer[] = [];
  written = 0;
  read(): ArrayBuffer | undefined {
    return this.incoming.shift();
  }
  write(data: Uint8Array): number {
    this.written += data.length;
    return 8192;
  }
  close(): void {}
}

interface Live {
  driver: SocketDriver;
  socket: StandInSocket;
  received: unknown;
}

function open(role: "server" | "client"): Live {
  const socket = new StandInSocket();
  const live: Live = { driver: undefined as unknown as SocketDriver, socket, received: undefined };
  const driver = new SocketDriver({
    role,
    open: true,
    random,
    now: () => 0,
    scheduler,
    events: {
      onText: (text) => {
        live.received = text;
        live.driver.sendText(text);
      },
      onBinary: (data) => {
        live.received = data;
      },
    },
  });
  live.driver = driver;
  driver.attach(socket);
  driver.socketWritable(8192);
  return live;
}

/** The pieces the socket would hand over (each its own ArrayBuffer, as `read()` returns). */
function segments(bytes: Uint8Array, from = 0, to = bytes.length): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (let at = from; at < to; at += SEGMENT) out.push(bytes.slice(at, Math.min(to, at + SEGMENT)).buffer as ArrayBuffer);
  return out;
}

/** Delivers pieces as the socket would: one `onReadable` per piece. */
function deliver(live: Live, pieces: ArrayBuffer[]): void {
  for (const piece of pieces) {
    live.socket.incoming.push(piece);
    live.driver.socketReadable(piece.byteLength);
  }
}

function feed(live: Live, bytes: Uint8Array, from = 0, to = bytes.length): void {
  deliver(live, segments(bytes, from, to));
}

/**
 * Bytes of typed arrays and ArrayBuffers made while `fn` runs: every
 * `new Uint8Array(n)`, copy (`new Uint8Array(array)`, `slice`) and
 * `new ArrayBuffer(n)` the library makes, counted by stand-in constructors
 * put in the globals for the duration. Views are not counted (they copy nothing).
 */
function countAllocations(fn: () => void): { bytes: number; count: number } {
  const RealU8 = Uint8Array;
  const RealAB = ArrayBuffer;
  const realU8Slice = RealU8.prototype.slice;
  const realABSlice = RealAB.prototype.slice;
  let bytes = 0;
  let count = 0;
  const tally = (n: number): void => {
    bytes += n;
    count++;
  };
  class CountingU8 extends RealU8 {
    constructor(a?: unknown, b?: unknown, c?: unknown) {
      if (typeof a === "number") tally(a);
      else if (a !== undefined && a !== null && !(a instanceof RealAB) && typeof (a as ArrayLike<number>).length === "number") tally((a as ArrayLike<number>).length);
      super(a as ArrayBuffer, b as number, c as number);
    }
  }
  class CountingAB extends RealAB {
    constructor(n: number) {
      tally(n);
      super(n);
    }
  }
  Object.defineProperty(CountingU8, Symbol.hasInstance, { value: (x: unknown) => x instanceof RealU8 });
  Object.defineProperty(CountingAB, Symbol.hasInstance, { value: (x: unknown) => x instanceof RealAB });
  Object.defineProperty(RealU8.prototype, "slice", {
    value: function (this: Uint8Array, start?: number, end?: number) {
      const out = realU8Slice.call(this, start, end);
      tally(out.length);
      return out;
    },
    configurable: true,
    writable: true,
  });
  Object.defineProperty(RealAB.prototype, "slice", {
    value: function (this: ArrayBuffer, start?: number, end?: number) {
      const out = realABSlice.call(this, start, end);
      tally(out.byteLength);
      return out;
    },
    configurable: true,
    writable: true,
  });
  g.Uint8Array = CountingU8;
  g.ArrayBuffer = CountingAB;
  try {
    fn();
  } finally {
    g.Uint8Array = RealU8;
    g.ArrayBuffer = RealAB;
    Object.defineProperty(RealU8.prototype, "slice", { value: realU8Slice, configurable: true, writable: true });
    Object.defineProperty(RealAB.prototype, "slice", { value: realABSlice, configurable: true, writable: true });
  }
  return { bytes, count };
}

let idle: Live[] = [];
let bare: Connection[] = [];
let big: Live | undefined;
let bigFrame: Uint8Array | undefined;
let bigText: string | undefined;

const HELLO = new TextEncoder().encode("hello, device");

const actions: Record<string, () => unknown> = {
  setup: () => {
    setMaskImplementation(logicalMask(xorStandIn));
    const codec = g.TextDecoder !== undefined && g.TextEncoder !== undefined ? streamingTextCodec(g.TextDecoder, g.TextEncoder) : undefined;
    if (codec !== undefined) useTextCodec(codec);
    // Warm up: every lazily made module-level object of the library exists before the baseline.
    const warm = open("server");
    feed(warm, clientFrame(0x1, HELLO));
    warm.driver.terminate();
    const warmClient = open("client");
    warmClient.driver.sendText("warm");
    warmClient.driver.terminate();
    return { nativeText: codec !== undefined };
  },
  baseline: () => undefined,
  "core-idle": () => {
    const handler = {};
    for (let i = 0; i < IDLE_CONNECTIONS; i++) bare.push(new Connection({ role: "server", open: true, random, now: () => 0, events: handler }));
    return { connections: bare.length };
  },
  "core-closed": () => {
    bare = [];
    return undefined;
  },
  "server-idle": () => {
    for (let i = 0; i < IDLE_CONNECTIONS; i++) idle.push(open("server"));
    return { connections: idle.length };
  },
  "server-idle-after-echo": () => {
    const frame = clientFrame(0x1, HELLO);
    for (const live of idle) feed(live, frame);
    return { connections: idle.length, echoed: idle.every((live) => live.socket.written > 0) };
  },
  "close-all": () => {
    for (const live of idle) live.driver.terminate();
    idle = [];
    return { timerArmed: scheduler.armed };
  },
  "client-idle": () => {
    for (let i = 0; i < IDLE_CONNECTIONS; i++) idle.push(open("client"));
    return { connections: idle.length };
  },
  "client-idle-after-send": () => {
    for (const live of idle) live.driver.sendText("hello, server");
    return { connections: idle.length };
  },
  "close-all-clients": () => {
    for (const live of idle) live.driver.terminate();
    idle = [];
    return { timerArmed: scheduler.armed };
  },
  "big-setup": () => {
    big = open("server");
    const payload = new Uint8Array(BIG_MESSAGE);
    random(payload);
    bigFrame = clientFrame(0x2, payload);
    return { frameBytes: bigFrame.length };
  },
  "big-before": () => undefined,
  "big-partial": () => {
    const frame = bigFrame!;
    const pieces = segments(frame, 0, frame.length - SEGMENT);
    const allocated = countAllocations(() => deliver(big!, pieces));
    return { fed: frame.length - SEGMENT, allocated };
  },
  "big-delivered": () => {
    const frame = bigFrame!;
    const pieces = segments(frame, frame.length - SEGMENT);
    const allocated = countAllocations(() => deliver(big!, pieces));
    const message = big!.received as Uint8Array | undefined;
    return { deliveredBytes: message?.length ?? 0, allocated };
  },
  "big-released": () => {
    big!.received = undefined;
    big!.driver.terminate();
    big = undefined;
    bigFrame = undefined;
    return undefined;
  },
  "text-setup": () => {
    big = open("server");
    let text = "";
    while (text.length < BIG_MESSAGE) text += "sensor reading 22.5 °C; ";
    const bytes = new TextEncoder().encode(text.slice(0, BIG_MESSAGE / 2));
    bigFrame = clientFrame(0x1, bytes);
    bigText = undefined;
    return { textBytes: bytes.length };
  },
  "text-before": () => undefined,
  "text-delivered": () => {
    const frame = bigFrame!;
    // The handler echoes the text back: that queues the encoded reply as well.
    const pieces = segments(frame);
    const allocated = countAllocations(() => deliver(big!, pieces));
    bigText = big!.received as string | undefined;
    return { deliveredChars: bigText?.length ?? 0, allocated };
  },
  "text-released": () => {
    big!.received = undefined;
    big!.driver.terminate();
    big = undefined;
    bigFrame = undefined;
    bigText = undefined;
    return undefined;
  },
};

// The text round once more: what stays after the first (one-time caches) must not grow.
actions["text-again-setup"] = actions["text-setup"]!;
actions["text-again-delivered"] = actions["text-delivered"]!;
actions["text-again-released"] = actions["text-released"]!;

exposeSteps(actions);
