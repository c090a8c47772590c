/**
 * Property tests of the connection (Node only: fast-check, fixed seeds).
 *
 * (a) Random valid frame sequences — text and binary messages, fragmented at
 *     random byte positions (inside UTF-8 sequences too), with pings and pongs
 *     between the fragments, random payloads, random chunking — round-trip
 *     exactly through serializer → parser → assembler, both roles, whole and
 *     streaming delivery; and the same through a sending Connection's API,
 *     its output read with `peekOutput(max)` of random sizes.
 * (b) Random mutations of valid streams, random frame-like garbage and plain
 *     garbage, fed to a server and a client, before and after the handshake:
 *     nothing throws, every error surfaces once through `onError` with a known
 *     code, the connection always ends with a transport close request (timers
 *     run in a bounded loop), and nothing delivered, queued or allocated
 *     passes the (small) limits.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fc from "fast-check";
import { slabFrameBytes } from "../hosts/node/frame-slab";
import { useFrameAllocator } from "../modules/websocket/core/bytes";
import { Connection, type CloseResult, type ConnectionEvents } from "../modules/websocket/core/connection";
import { closeCodeOf, ProtocolError, type ProtocolErrorCode } from "../modules/websocket/core/errors";
import { firstByte, serializeFrame } from "../modules/websocket/core/frame-serializer";
import { acceptKeyFor } from "../modules/websocket/core/handshake";
import { HandshakeError, type HandshakeErrorCode } from "../modules/websocket/core/handshake-error";
import type { Limits } from "../modules/websocket/core/limits";
import { encodeUtf8 } from "../modules/websocket/core/utf8";
import { deterministicRandom, Xorshift32 } from "./vectors/support/deterministic-random";
import { ascii, closePayload, concat, decodeFrames, encodeFrame, OP, pattern } from "./vectors/support/frames";
import { Clock, defaultRequest, take } from "./vectors/support/pipe";

const sha1 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash("sha1").update(data).digest());

/** Every code of the two error tables; the Record types make the compiler check that the lists are complete. */
const PROTOCOL_CODES: Record<ProtocolErrorCode, true> = {
  WS_ERR_UNEXPECTED_RSV: true,
  WS_ERR_INVALID_OPCODE: true,
  WS_ERR_FRAGMENTED_CONTROL: true,
  WS_ERR_CONTROL_TOO_LONG: true,
  WS_ERR_UNEXPECTED_CONTINUATION: true,
  WS_ERR_EXPECTED_CONTINUATION: true,
  WS_ERR_EXPECTED_MASK: true,
  WS_ERR_UNEXPECTED_MASK: true,
  WS_ERR_INVALID_LENGTH: true,
  WS_ERR_FRAME_TOO_BIG: true,
  WS_ERR_MESSAGE_TOO_BIG: true,
  WS_ERR_TOO_MANY_FRAGMENTS: true,
  WS_ERR_BUDGET_EXCEEDED: true,
  WS_ERR_INVALID_UTF8: true,
  WS_ERR_INVALID_CLOSE_PAYLOAD: true,
  WS_ERR_INVALID_CLOSE_CODE: true,
  WS_ERR_INVALID_CLOSE_REASON: true,
  WS_ERR_OPEN_TIMEOUT: true,
  WS_ERR_PING_TIMEOUT: true,
  WS_ERR_TRANSPORT: true,
};
const HANDSHAKE_CODES: Record<HandshakeErrorCode, true> = {
  WS_ERR_HEAD_TOO_LARGE: true,
  WS_ERR_HEADER_LINE_TOO_LONG: true,
  WS_ERR_TOO_MANY_HEADERS: true,
  WS_ERR_MALFORMED_HTTP: true,
  WS_ERR_BAD_METHOD: true,
  WS_ERR_BAD_HTTP_VERSION: true,
  WS_ERR_NOT_UPGRADE: true,
  WS_ERR_BAD_HOST: true,
  WS_ERR_BAD_KEY: true,
  WS_ERR_BAD_VERSION: true,
  WS_ERR_REJECTED: true,
  WS_ERR_UNEXPECTED_STATUS: true,
  WS_ERR_REDIRECT: true,
  WS_ERR_BAD_UPGRADE: true,
  WS_ERR_BAD_ACCEPT: true,
  WS_ERR_UNREQUESTED_PROTOCOL: true,
  WS_ERR_UNREQUESTED_EXTENSION: true,
};

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex");

/** An event as the test compares it. */
type Event = readonly [kind: string, value: string];

/** Records messages and control frames as comparable events; reassembles streamed messages, checking their chunks. */
class EventLog implements ConnectionEvents {
  readonly events: Event[] = [];
  readonly errors: Array<ProtocolError | HandshakeError> = [];
  #text = "";
  #bytes: Uint8Array[] = [];
  #binary: boolean | undefined;

  onText(text: string): void {
    this.events.push(["text", text]);
  }
  onBinary(data: Uint8Array): void {
    this.events.push(["binary", toHex(data)]);
  }
  onChunk(data: string | Uint8Array, binary: boolean, last: boolean): void {
    assert.ok(this.#binary === undefined || this.#binary === binary, "binary flag changed inside a streamed message");
    assert.equal(typeof data === "string", !binary, "chunk type matches the binary flag");
    this.#binary = binary;
    if (typeof data === "string") this.#text += data;
    else this.#bytes.push(data.slice());
    if (!last) return;
    this.events.push(binary ? ["binary", toHex(concat(...this.#bytes))] : ["text", this.#text]);
    this.#text = "";
    this.#bytes = [];
    this.#binary = undefined;
  }
  onPing(payload: Uint8Array): void {
    this.events.push(["ping", toHex(payload)]);
  }
  onPong(payload: Uint8Array): void {
    this.events.push(["pong", toHex(payload)]);
  }
  onError(error: ProtocolError | HandshakeError): void {
    this.errors.push(error);
  }
}

// ── (a) valid sequences ────────────────────────────────────────────────────

const sizeArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 130 }) },
  { weight: 3, arbitrary: fc.integer({ min: 1000, max: 5000 }) },
  { weight: 1, arbitrary: fc.constantFrom(65535, 65536, 70001) },
);

const messageArb = fc.record({
  binary: fc.boolean(),
  text: fc.string({ unit: "binary", maxLength: 30 }),
  repeat: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 400 }) }),
  size: sizeArb,
  salt: fc.nat(255),
  cuts: fc.array(fc.nat(), { maxLength: 4 }),
  controls: fc.array(fc.record({ at: fc.nat(), ping: fc.boolean(), payload: fc.uint8Array({ maxLength: 125 }) }), { maxLength: 3 }),
});
type MessageSpec = typeof messageArb extends fc.Arbitrary<infer T> ? T : never;

/** One planned frame: a fragment or a control frame. */
interface PlannedFrame {
  opcode: number;
  fin: boolean;
  payload: Uint8Array;
}

/** The frames of a message (fragments cut at byte positions, controls between them) and the events a receiver must report. */
function plan(message: MessageSpec, byCodePoint: boolean): { frames: PlannedFrame[]; textParts: string[] | undefined; expected: Event[] } {
  const text = message.text.repeat(message.repeat);
  const payload = message.binary ? pattern(message.size, message.salt) : encodeUtf8(text);
  // Cut points: byte positions, or (for the Connection API, which encodes each fragment) code point positions.
  const codePoints = Array.from(text);
  const units = byCodePoint && !message.binary ? codePoints.length : payload.length;
  const cuts = message.cuts.map((c) => c % (units + 1)).sort((a, b) => a - b);
  const bounds = [0, ...cuts, units];
  const expected: Event[] = [];
  const frames: PlannedFrame[] = [];
  const textParts: string[] = [];
  const pieces = bounds.length - 1;
  for (let i = 0; i < pieces; i++) {
    for (const control of message.controls) {
      if (control.at % pieces !== i) continue;
      frames.push({ opcode: control.ping ? OP.ping : OP.pong, fin: true, payload: control.payload });
      expected.push([control.ping ? "ping" : "pong", toHex(control.payload)]);
    }
    let bytes: Uint8Array;
    if (byCodePoint && !message.binary) {
      const part = codePoints.slice(bounds[i]!, bounds[i + 1]!).join("");
      textParts.push(part);
      bytes = encodeUtf8(part);
    } else {
      bytes = payload.subarray(bounds[i]!, bounds[i + 1]!);
    }
    frames.push({ opcode: i === 0 ? (message.binary ? OP.binary : OP.text) : OP.cont, fin: i === pieces - 1, payload: bytes });
  }
  expected.push(message.binary ? ["binary", toHex(payload)] : ["text", text]);
  return { frames, textParts: message.binary ? undefined : textParts, expected };
}

const BIG: Partial<Limits> = { maxMessageSize: 1 << 21, maxFrameSize: 1 << 21, maxQueuedBytes: 1 << 24 };

function receiver(role: "client" | "server", streaming: boolean): { conn: Connection; log: EventLog } {
  const log = new EventLog();
  return { log, conn: new Connection({ role, events: log, open: true, streaming, limits: BIG, random: deterministicRandom(1) }) };
}

/** Feeds `stream` to `conn` as non-overlapping views of one buffer, in sizes taken in turn from `sizes`. */
function feedInChunks(conn: Connection, stream: Uint8Array, sizes: number[]): void {
  let pos = 0;
  for (let i = 0; pos < stream.length; i++) {
    const size = Math.min(sizes[i % sizes.length]!, stream.length - pos);
    conn.receive(stream.subarray(pos, pos + size));
    pos += size;
  }
}

/** The pongs a receiver wrote must answer its pings, in order, with the same payloads (masked at a client). */
function checkPongs(conn: Connection, expected: Event[]): void {
  const pings = expected.filter(([kind]) => kind === "ping").map(([, payload]) => payload);
  const pongs = decodeFrames(take(conn));
  assert.deepEqual(pongs.map((f) => toHex(f.payload)), pings);
  for (const pong of pongs) {
    assert.equal(pong.opcode, OP.pong);
    assert.equal(pong.masked, conn.role === "client");
  }
}

describe("connection properties", function () {
  this.timeout(30_000);

  it("(a) valid frame sequences round-trip exactly through serializer → parser → assembler, any chunking, both roles", () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { minLength: 1, maxLength: 5 }),
        fc.constantFrom("client", "server" as const),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        (messages, sender, streaming, chunkSizes, keySeed) => {
          const keys = new Xorshift32(keySeed + 1);
          const parts: Uint8Array[] = [];
          const expected: Event[] = [];
          for (const message of messages) {
            const planned = plan(message, false);
            for (const frame of planned.frames) parts.push(serializeFrame(firstByte(frame.fin, frame.opcode), frame.payload, sender === "client" ? keys.bytes(4) : null));
            expected.push(...planned.expected);
          }
          const { conn, log } = receiver(sender === "client" ? "server" : "client", streaming);
          feedInChunks(conn, concat(...parts), chunkSizes);
          assert.deepEqual(log.errors, []);
          assert.deepEqual(log.events, expected);
          checkPongs(conn, expected);
        },
      ),
      { seed: 0x5eed01, numRuns: 300 },
    );
  });

  it("(a) the same through a sending Connection's API, its output read with peekOutput of random sizes", () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { minLength: 1, maxLength: 5 }),
        fc.constantFrom("client", "server" as const),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 6000 }), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        (messages, senderRole, streaming, peekSizes, seed) => {
          const sender = new Connection({ role: senderRole, events: {}, open: true, limits: BIG, random: deterministicRandom(seed) });
          const expected: Event[] = [];
          for (const message of messages) {
            const planned = plan(message, true);
            let fragment = 0;
            for (const frame of planned.frames) {
              if (frame.opcode === OP.ping) sender.ping(frame.payload);
              else if (frame.opcode === OP.pong) sender.pong(frame.payload);
              else if (planned.textParts !== undefined) sender.sendText(planned.textParts[fragment++]!, frame.fin);
              else sender.sendBinary(frame.payload, frame.fin);
            }
            expected.push(...planned.expected);
          }
          const { conn, log } = receiver(senderRole === "client" ? "server" : "client", streaming);
          for (let i = 0; ; i++) {
            const max = peekSizes[i % peekSizes.length]!;
            const piece = sender.peekOutput(max);
            if (piece === undefined) break;
            assert.ok(piece.length >= 1 && piece.length <= max);
            const copy = piece.slice();
            sender.consumeOutput(piece.length);
            conn.receive(copy);
          }
          assert.equal(sender.bufferedAmount, 0);
          assert.deepEqual(log.errors, []);
          assert.deepEqual(log.events, expected);
          checkPongs(conn, expected);
        },
      ),
      { seed: 0x5eed02, numRuns: 300 },
    );
  });

  // ── (b) garbage ────────────────────────────────────────────────────────

  const LIMITS: Limits = { maxMessageSize: 1000, maxFrameSize: 500, maxFragments: 64, maxHeadSize: 600, maxLineLength: 200, maxHeaderCount: 12, maxQueuedBytes: 2000 };
  /** No single byte array the connection makes may be larger than this. */
  const MAX_ALLOCATION = Math.max(LIMITS.maxMessageSize, LIMITS.maxFrameSize, LIMITS.maxHeadSize);
  const TIMERS = { openTimeout: 1000, closeTimeout: 1000, pingInterval: 1000, pingTimeout: 1000 };

  const closePayloadArb = fc.tuple(fc.oneof(fc.constantFrom(1000, 1001, 1005, 1006, 999, 3000, 4999, 5000, 1015), fc.integer({ min: 0, max: 0xffff })), fc.uint8Array({ maxLength: 10 })).map(([code, reason]) => closePayload(code, reason));
  /** One frame-like thing: valid-looking, or with a wrong mask, a forced length form, a length that lies. */
  const frameishArb = fc.record({
    kind: fc.constant("frame" as const),
    b0: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(0x81, 0x82, 0x01, 0x02, 0x00, 0x80, 0x88, 0x89, 0x8a) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }),
    rightMask: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    key: fc.uint8Array({ minLength: 4, maxLength: 4 }),
    form: fc.constantFrom(undefined, undefined, undefined, 7 as const, 16 as const, 64 as const),
    announced: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 0, max: 1200 }), fc.constantFrom(2 ** 31, 2 ** 53, 2 ** 63)) }),
    payload: fc.oneof(
      fc.uint8Array({ maxLength: 140 }),
      fc.string({ unit: "binary", maxLength: 60 }).map((s) => encodeUtf8(s)),
      closePayloadArb,
      fc.integer({ min: 300, max: 1200 }).map((n) => ascii("x".repeat(n))),
    ),
  });
  /** A whole fragmented message of ASCII text or bytes, fragments up to the frame limit: it tests the message limit. */
  const fragmentedArb = fc.record({
    kind: fc.constant("message" as const),
    binary: fc.boolean(),
    sizes: fc.array(fc.integer({ min: 0, max: LIMITS.maxFrameSize }), { minLength: 2, maxLength: 5 }),
    key: fc.uint8Array({ minLength: 4, maxLength: 4 }),
  });
  type Frameish = (typeof frameishArb extends fc.Arbitrary<infer T> ? T : never) | (typeof fragmentedArb extends fc.Arbitrary<infer T> ? T : never);

  /** The bytes of a frame-like thing, as sent to a server (masked when right) or to a client. */
  function render(f: Frameish, serverReceives: boolean): Uint8Array {
    if (f.kind === "message") {
      return concat(
        ...f.sizes.map((size, i) =>
          encodeFrame({ opcode: i === 0 ? (f.binary ? OP.binary : OP.text) : OP.cont, fin: i === f.sizes.length - 1, payload: ascii("y".repeat(size)), key: serverReceives ? f.key : null }),
        ),
      );
    }
    const masked = serverReceives === f.rightMask;
    const form = f.form === 7 && (f.announced ?? f.payload.length) > 125 ? undefined : f.form;
    return encodeFrame({ opcode: f.b0 & 0x0f, fin: (f.b0 & 0x80) !== 0, rsv: f.b0 & 0x70, payload: f.payload, key: masked ? f.key : null, length: f.announced, form });
  }
  const mutationArb = fc.record({ kind: fc.constantFrom("flip", "set", "insert", "delete", "truncate"), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) });
  const scenarioArb = fc.record({
    role: fc.constantFrom("client", "server" as const),
    handshake: fc.boolean(),
    streaming: fc.boolean(),
    source: fc.constantFrom("frames", "frames", "garbage"),
    frames: fc.array(fc.oneof({ weight: 4, arbitrary: frameishArb as fc.Arbitrary<Frameish> }, { weight: 1, arbitrary: fragmentedArb as fc.Arbitrary<Frameish> }), { maxLength: 8 }),
    garbage: fc.uint8Array({ maxLength: 400 }),
    mutations: fc.array(mutationArb, { maxLength: 6 }),
    chunks: fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 10 }),
  });

  function mutate(input: Uint8Array, mutations: Array<{ kind: string; at: number; value: number }>): Uint8Array {
    let bytes = Array.from(input);
    for (const m of mutations) {
      const at = bytes.length === 0 ? 0 : m.at % bytes.length;
      if (m.kind === "flip" && bytes.length > 0) bytes[at] = bytes[at]! ^ (1 << (m.value & 7));
      else if (m.kind === "set" && bytes.length > 0) bytes[at] = m.value;
      else if (m.kind === "insert") bytes.splice(at, 0, m.value);
      else if (m.kind === "delete") bytes.splice(at, 1);
      else if (m.kind === "truncate") bytes = bytes.slice(0, at);
    }
    return Uint8Array.from(bytes);
  }

  /** Tracks the size of every Uint8Array made (constructed or sliced) while `armed`. */
  function allocationTracker() {
    const Original = globalThis.Uint8Array;
    const originalSlice = Original.prototype.slice;
    const state = { armed: false, largest: 0, where: "" };
    const note = (length: number): void => {
      if (state.armed && length > state.largest) {
        state.largest = length;
        state.where = new Error().stack ?? "";
      }
    };
    const Tracked = new Proxy(Original, {
      construct(target, args, newTarget) {
        const made = Reflect.construct(target, args, newTarget === Tracked ? target : newTarget) as Uint8Array;
        note(made.length);
        return made;
      },
    });
    return {
      state,
      install(): void {
        globalThis.Uint8Array = Tracked;
        Object.defineProperty(Original.prototype, "slice", {
          configurable: true,
          writable: true,
          value: function (this: Uint8Array, start?: number, end?: number) {
            const made = originalSlice.call(this, start, end);
            note(made.length);
            return made;
          },
        });
      },
      uninstall(): void {
        globalThis.Uint8Array = Original;
        delete (Original.prototype as { slice?: unknown }).slice;
      },
      run<T>(fn: () => T): T {
        state.armed = true;
        try {
          return fn();
        } finally {
          state.armed = false;
        }
      },
    };
  }

  /** A handler that checks, as events come, what the limits and the contract promise. */
  class Watchdog implements ConnectionEvents {
    readonly errors: Array<ProtocolError | HandshakeError> = [];
    readonly closed: CloseResult[] = [];
    afterError = 0;
    #streamed = 0;

    #delivered(size: number): void {
      if (this.errors.length > 0) this.afterError++;
      assert.ok(size <= LIMITS.maxMessageSize, `delivered ${size} bytes > maxMessageSize`);
    }
    onText(text: string): void {
      this.#delivered(utf8Length(text));
    }
    onBinary(data: Uint8Array): void {
      this.#delivered(data.length);
    }
    onChunk(data: string | Uint8Array, _binary: boolean, last: boolean): void {
      // A streamed piece comes from one frame (text may carry up to 3 bytes of a sequence begun in the frame before).
      const size = typeof data === "string" ? utf8Length(data) : data.length;
      assert.ok(size <= LIMITS.maxFrameSize + (typeof data === "string" ? 3 : 0), `a streamed piece of ${size} bytes > maxFrameSize`);
      this.#streamed += size;
      this.#delivered(this.#streamed);
      if (last) this.#streamed = 0;
    }
    onPing(payload: Uint8Array): void {
      this.#delivered(payload.length);
      assert.ok(payload.length <= 125);
    }
    onPong(payload: Uint8Array): void {
      this.#delivered(payload.length);
      assert.ok(payload.length <= 125);
    }
    onCloseFrame(): void {
      if (this.errors.length > 0) this.afterError++;
    }
    onError(error: ProtocolError | HandshakeError): void {
      this.errors.push(error);
    }
    onClosed(result: CloseResult): void {
      this.closed.push(result);
    }
  }

  function utf8Length(text: string): number {
    let n = 0;
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
    return n;
  }

  it("(b) garbage and mutated streams never throw, fail once with a known code, always end with a close request, stay within the limits", () => {
    const tracker = allocationTracker();
    const stats = { runs: 0, errors: new Map<string, number>(), opened: 0 };
    tracker.install();
    useFrameAllocator(undefined); // the core's own allocations, not the Node host's frame slabs (register.ts)
    try {
      fc.assert(
        fc.property(scenarioArb, (s) => {
          stats.runs++;
          tracker.state.largest = 0;
          const clock = new Clock();
          const dog = new Watchdog();
          const conn = new Connection({ role: s.role, events: dog, limits: LIMITS, streaming: s.streaming, open: !s.handshake, sha1, random: deterministicRandom(s.chunks[0]!), now: clock.now, ...TIMERS });
          let head: Uint8Array = new Uint8Array(0);
          if (s.handshake && s.role === "client") {
            conn.startHandshake(defaultRequest);
            const request = Buffer.from(take(conn)).toString("latin1");
            const key = /Sec-WebSocket-Key: (\S+)/.exec(request)![1]!;
            head = ascii(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKeyFor(key, sha1)}\r\n\r\n`);
          } else if (s.handshake) {
            head = ascii("GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
          }
          const body = s.source === "garbage" ? s.garbage : concat(...s.frames.map((frame) => render(frame, s.role === "server")));
          const input = mutate(concat(head, body), s.mutations);

          let pos = 0;
          for (let i = 0; pos < input.length; i++) {
            const size = Math.min(s.chunks[i % s.chunks.length]!, input.length - pos);
            clock.t += 1;
            tracker.run(() => conn.receive(input.slice(pos, pos + size)));
            pos += size;
            assert.ok(conn.bufferedAmount <= LIMITS.maxQueuedBytes, `bufferedAmount ${conn.bufferedAmount}`);
            take(conn); // the host writes
          }
          if (conn.state !== 0) stats.opened++;
          // Time passes: whatever state it is in, the connection must get to a transport close request.
          for (let round = 0; round < 5 && !conn.transportCloseRequested; round++) {
            const deadline = conn.nextDeadline();
            assert.ok(Number.isFinite(deadline), `no deadline and no close request (state ${conn.state})`);
            clock.t = Math.max(clock.t, deadline);
            tracker.run(() => conn.handleTimeout(clock.t));
            take(conn);
          }
          assert.ok(conn.transportCloseRequested, "the transport close is requested");
          tracker.run(() => conn.receive(ascii("\x81\x00more")));
          tracker.run(() => conn.transportClosed());
          tracker.run(() => conn.transportClosed());
          assert.equal(dog.closed.length, 1, "onClosed exactly once");
          assert.equal(conn.state, 3);

          assert.ok(dog.errors.length <= 1, "at most one error");
          for (const error of dog.errors) {
            stats.errors.set(error.code, (stats.errors.get(error.code) ?? 0) + 1);
            if (error instanceof ProtocolError) {
              assert.ok(error.code in PROTOCOL_CODES, error.code);
              assert.equal(error.closeCode, closeCodeOf(error.code));
            } else {
              assert.ok(error instanceof HandshakeError, `not a known error: ${String(error)}`);
              assert.ok(error.code in HANDSHAKE_CODES, error.code);
            }
            assert.equal(conn.failure, error);
          }
          assert.equal(dog.afterError, 0, "nothing delivered after the failure");
          assert.ok(tracker.state.largest <= MAX_ALLOCATION, `allocated ${tracker.state.largest} bytes at once:\n${tracker.state.where}`);
        }),
        { seed: 0x5eed03, numRuns: 3000 },
      );
    } finally {
      tracker.uninstall();
      useFrameAllocator(slabFrameBytes);
    }
    // The generators reach deep: handshakes complete and many kinds of errors come out.
    assert.ok(stats.opened > stats.runs / 4, `only ${stats.opened} of ${stats.runs} runs got past the handshake`);
    assert.ok(stats.errors.size >= 15, `only these errors came out: ${[...stats.errors.keys()].join(", ")}`);
  });
});
