/**
 * In-memory wiring for connection vectors: a recording handler, a manual
 * clock, and helpers that move the bytes a connection queued
 * (`peekOutput`/`consumeOutput`) into another connection's `receive`, whole
 * or in pieces down to one byte. Only the language and the core: these run on
 * XS too.
 */
import { Connection, type CloseResult, type ConnectionEvents, type ConnectionOptions } from "../../../modules/websocket/core/connection";
import type { ProtocolError } from "../../../modules/websocket/core/errors";
import { HandshakeError } from "../../../modules/websocket/core/handshake-error";
import type { ClientRequestOptions, UpgradeRequest } from "../../../modules/websocket/core/handshake";
import type { HttpHead } from "../../../modules/websocket/core/http-head";
import type { Limits } from "../../../modules/websocket/core/limits";
import { check, equal } from "../harness";
import { deterministicRandom, type DeterministicRandom, Xorshift32 } from "./deterministic-random";
import { closeCodeOfFrame, concat, decodeFrames, OP, type WireFrame } from "./frames";
import { sha1 } from "./sha1";

/** A clock the test moves by hand. */
export class Clock {
  t = 0;
  readonly now = (): number => this.t;
}

/** A chunk of a streamed message, as `onChunk` gave it. */
export interface Chunk {
  data: string | Uint8Array;
  binary: boolean;
  last: boolean;
}

/** A handler that records every event, in order (`log`) and by kind. */
export class Recorder implements ConnectionEvents {
  readonly log: string[] = [];
  readonly requests: Array<{ verdict: UpgradeRequest | HandshakeError; head: HttpHead }> = [];
  readonly openHeads: Array<HttpHead | undefined> = [];
  readonly texts: string[] = [];
  readonly binaries: Uint8Array[] = [];
  readonly chunks: Chunk[] = [];
  readonly pings: Uint8Array[] = [];
  readonly pongs: Uint8Array[] = [];
  readonly closeFrames: Array<{ code: number; reason: string }> = [];
  readonly errors: Array<ProtocolError | HandshakeError> = [];
  readonly errorHeads: Array<HttpHead | undefined> = [];
  readonly closed: CloseResult[] = [];
  closeTransportRequests = 0;
  outputs = 0;
  /** Server: how to answer a request (default: let the connection decide). */
  answer: ((verdict: UpgradeRequest | HandshakeError, head: HttpHead) => void) | undefined;

  onRequest(verdict: UpgradeRequest | HandshakeError, head: HttpHead): void {
    this.requests.push({ verdict, head });
    this.log.push(`request:${verdict instanceof HandshakeError ? verdict.code : "valid"}`);
    this.answer?.(verdict, head);
  }
  onOpen(response?: HttpHead): void {
    this.openHeads.push(response);
    this.log.push("open");
  }
  onText(text: string): void {
    this.texts.push(text);
    this.log.push(`text:${text.length}`);
  }
  onBinary(data: Uint8Array): void {
    this.binaries.push(data);
    this.log.push(`binary:${data.length}`);
  }
  onChunk(data: string | Uint8Array, binary: boolean, last: boolean): void {
    this.chunks.push({ data, binary, last });
    this.log.push(`chunk:${binary ? "binary" : "text"}:${data.length}${last ? ":last" : ""}`);
  }
  onPing(payload: Uint8Array): void {
    this.pings.push(payload);
    this.log.push(`ping:${payload.length}`);
  }
  onPong(payload: Uint8Array): void {
    this.pongs.push(payload);
    this.log.push(`pong:${payload.length}`);
  }
  onCloseFrame(code: number, reason: string): void {
    this.closeFrames.push({ code, reason });
    this.log.push(`closeFrame:${code}`);
  }
  onError(error: ProtocolError | HandshakeError, response?: HttpHead): void {
    this.errors.push(error);
    this.errorHeads.push(response);
    this.log.push(`error:${error.code}`);
  }
  onClosed(result: CloseResult): void {
    this.closed.push(result);
    this.log.push(`closed:${result.code}:${result.wasClean ? "clean" : "unclean"}`);
  }
}

/**
 * A connection with a test host around it: after every call into it returns,
 * the host pulls, as a real host does (see `SocketDriver`), and its
 * {@link Recorder} notes what the host found: bytes newly queued
 * (`outputs`), and the request to close the transport (`closeTransport` in
 * the log, once).
 */
export class HostedConnection extends Connection {
  readonly recorder: Recorder;
  #queued = 0;
  #closeSeen = false;

  constructor(options: ConnectionOptions & { events: Recorder }) {
    super(options);
    this.recorder = options.events;
  }

  private pulled<T>(result: T): T {
    const queued = this.bufferedAmount;
    if (queued > this.#queued) this.recorder.outputs++;
    this.#queued = queued;
    if (this.transportCloseRequested && !this.#closeSeen) {
      this.#closeSeen = true;
      this.recorder.closeTransportRequests++;
      this.recorder.log.push("closeTransport");
    }
    return result;
  }

  override receive(chunk: Uint8Array): void {
    this.pulled(super.receive(chunk));
  }
  override startHandshake(options: Omit<ClientRequestOptions, "key">): void {
    this.pulled(super.startHandshake(options));
  }
  override accept(options?: Parameters<Connection["accept"]>[0]): void {
    this.pulled(super.accept(options));
  }
  override respond(status: number, body?: Uint8Array, headers?: ReadonlyArray<readonly [string, string]>): void {
    this.pulled(super.respond(status, body, headers));
  }
  override reject(error: HandshakeError): void {
    this.pulled(super.reject(error));
  }
  override sendText(text: string, fin?: boolean): void {
    this.pulled(super.sendText(text, fin));
  }
  override sendBinary(data: Uint8Array, fin?: boolean): void {
    this.pulled(super.sendBinary(data, fin));
  }
  override ping(payload?: Uint8Array | string): void {
    this.pulled(super.ping(payload));
  }
  override pong(payload?: Uint8Array | string): void {
    this.pulled(super.pong(payload));
  }
  override close(code?: number, reason?: string): void {
    this.pulled(super.close(code, reason));
  }
  override fail(error: ProtocolError): void {
    this.pulled(super.fail(error));
  }
  override probe(now?: number): boolean {
    return this.pulled(super.probe(now));
  }
  override keepaliveNow(now?: number): boolean {
    return this.pulled(super.keepaliveNow(now));
  }
  override handleTimeout(now?: number): void {
    this.pulled(super.handleTimeout(now));
  }
  override consumeOutput(count: number): void {
    super.consumeOutput(count);
    this.#queued = this.bufferedAmount;
  }
}

/** Everything a connection has queued, taken out (at most `max` bytes per peek). */
export function take(connection: Connection, max?: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let guard = 0; guard < 1_000_000; guard++) {
    const piece = connection.peekOutput(max);
    if (piece === undefined) return concat(...parts);
    check(piece.length > 0, "peekOutput returned an empty piece");
    if (max !== undefined) check(piece.length <= max, `peekOutput(${max}) returned ${piece.length} bytes`);
    parts.push(piece.slice());
    connection.consumeOutput(piece.length);
  }
  throw new Error("take: the output never ran dry");
}

/** The frames a connection has queued, taken out and decoded. */
export function takeFrames(connection: Connection): WireFrame[] {
  return decodeFrames(take(connection));
}

/**
 * Hands `bytes` to `connection` in pieces of `piece` bytes (each a fresh
 * copy: the connection owns what it receives), or in random sizes from `rng`.
 */
export function feed(connection: Connection, bytes: Uint8Array, piece = Number.POSITIVE_INFINITY, rng?: Xorshift32): void {
  let pos = 0;
  while (pos < bytes.length) {
    const size = rng === undefined ? Math.min(piece, bytes.length - pos) : rng.int(1, Math.min(piece, bytes.length - pos));
    connection.receive(bytes.slice(pos, pos + size));
    pos += size;
  }
}

/**
 * Moves everything `from` has queued into `to`: reads with `peekOutput(piece)`
 * and delivers each read as its own chunk. Returns the number of bytes moved.
 */
export function pipe(from: Connection, to: Connection, piece?: number): number {
  let moved = 0;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const bytes = from.peekOutput(piece);
    if (bytes === undefined) return moved;
    const copy = bytes.slice();
    from.consumeOutput(bytes.length);
    moved += copy.length;
    to.receive(copy);
  }
  throw new Error("pipe: the output never ran dry");
}

/** Pipes both ways until neither side has anything left to write. */
export function settle(a: Connection, b: Connection, piece?: number): void {
  for (let round = 0; round < 1000; round++) {
    if (pipe(a, b, piece) + pipe(b, a, piece) === 0) return;
  }
  throw new Error("settle: the two connections never went quiet");
}

/** A client and a server, their recorders, their shared clock and the client's random source. */
export interface Pair {
  client: Connection;
  server: Connection;
  c: Recorder;
  s: Recorder;
  clock: Clock;
  random: DeterministicRandom;
}

/** Options of a pair; `client`/`server` are added to both connections' options. */
export interface PairOptions {
  limits?: Partial<Limits>;
  streaming?: boolean;
  seed?: number;
  client?: Partial<ConnectionOptions>;
  server?: Partial<ConnectionOptions>;
}

function makePair(open: boolean, options: PairOptions): Pair {
  const clock = new Clock();
  const random = deterministicRandom(options.seed ?? 0x5eed);
  const c = new Recorder();
  const s = new Recorder();
  const common = { limits: options.limits, streaming: options.streaming, now: clock.now, sha1, open };
  const client = new HostedConnection({ ...common, ...options.client, role: "client", events: c, random });
  const server = new HostedConnection({ ...common, ...options.server, role: "server", events: s });
  return { client, server, c, s, clock, random };
}

/** A pair that starts OPEN (no handshake). */
export function openPair(options: PairOptions = {}): Pair {
  return makePair(true, options);
}

/** The default request a client of {@link handshakePair} makes. */
export const defaultRequest: Omit<ClientRequestOptions, "key"> = { host: "example.com", port: 80, secure: false, resource: "/chat" };

/** A pair opened by a real opening handshake, moved `piece` bytes at a time. */
export function handshakePair(options: PairOptions & { request?: Partial<ClientRequestOptions>; piece?: number } = {}): Pair {
  const pair = makePair(false, options);
  pair.client.startHandshake({ ...defaultRequest, ...options.request });
  settle(pair.client, pair.server, options.piece);
  equal(pair.client.state, 1, "client state after the handshake");
  equal(pair.server.state, 1, "server state after the handshake");
  return pair;
}

/**
 * Asserts that `recorder`'s connection failed exactly once with `code`, that
 * it wrote one close frame with `closeCode` (none when `closeCode` is
 * undefined) as its last output, and that it asked for the transport to close.
 */
export function expectFailure(connection: Connection, recorder: Recorder, code: string, closeCode: number | undefined): void {
  equal(recorder.errors.length, 1, `number of errors (log: ${recorder.log.join(" ")})`);
  const error = recorder.errors[0]!;
  equal(error.code, code, "error code");
  equal(connection.failure, error, "connection.failure");
  if (closeCode !== undefined) equal((error as ProtocolError).closeCode, closeCode, "error.closeCode");
  equal(recorder.closeTransportRequests, 1, "transport close requests");
  equal(connection.state, 2, "state after the failure (CLOSING)");
  const frames = takeFrames(connection);
  const closes = frames.filter((f) => f.opcode === OP.close);
  if (closeCode === undefined) {
    equal(closes.length, 0, "close frames written");
  } else {
    equal(closes.length, 1, "close frames written");
    equal(frames[frames.length - 1], closes[0], "the close frame is the last frame");
    equal(closeCodeOfFrame(closes[0]!), closeCode, "code in the close frame");
    equal(closes[0]!.payload.length, 2, "close frame payload length (code, no reason)");
    equal(closes[0]!.masked, connection.role === "client", "close frame masked");
  }
}
