/**
 * In-memory TCP on a {@link VirtualClock}: socket pairs whose bytes arrive
 * at the peer after a latency, for wiring real core `Connection`s (through a
 * `SocketDriver` on a `DeadlineScheduler`, or bare) without a network.
 */
import { Connection, type ConnectionEvents, type ConnectionOptions } from "../../../modules/websocket/core/connection";
import type { RandomSource } from "../../../modules/websocket/core/handshake";
import { DeadlineScheduler } from "../../../modules/websocket/transport/deadline-scheduler";
import { SocketDriver, type ByteSocket, type SocketCallbacks } from "../../../modules/websocket/transport/socket-driver";
import type { VirtualClock } from "./virtual-clock";

/** Room reported after every write: the fake send buffer never fills. */
const ROOM = 1 << 20;

/** One end of an in-memory TCP connection. */
export class MemorySocket implements ByteSocket {
  peer!: MemorySocket;
  callbacks: SocketCallbacks | undefined;
  closed = false;
  /** Bytes written by this end. */
  written = 0;
  readonly #inbox: Uint8Array[] = [];

  constructor(
    readonly clock: VirtualClock,
    readonly latency: number,
  ) {}

  read(): ArrayBuffer | undefined {
    if (this.#inbox.length === 0) return undefined;
    let size = 0;
    for (const c of this.#inbox) size += c.length;
    const out = new Uint8Array(size);
    let at = 0;
    for (const c of this.#inbox) {
      out.set(c, at);
      at += c.length;
    }
    this.#inbox.length = 0;
    return out.buffer;
  }

  write(data: Uint8Array): number {
    if (this.closed) return 0;
    const copy = data.slice();
    this.written += copy.length;
    const peer = this.peer;
    this.clock.after(this.latency, () => {
      if (peer.closed) return;
      peer.#inbox.push(copy);
      peer.callbacks?.socketReadable(copy.length);
    });
    return ROOM;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const peer = this.peer;
    // The FIN follows the bytes already sent.
    this.clock.after(this.latency, () => {
      if (!peer.closed) peer.callbacks?.socketError();
    });
  }
}

/** Two connected sockets. */
export function socketPair(clock: VirtualClock, latency: number): [MemorySocket, MemorySocket] {
  const a = new MemorySocket(clock, latency);
  const b = new MemorySocket(clock, latency);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** Wire sizes of the control frames that crossed, as counted by their receivers. */
export class ControlTally {
  pings = 0;
  pongs = 0;
  pingBytes = 0;
  pongBytes = 0;

  /** Frame size of an empty-or-small control frame from `sender` (masked from a client, §5.3). */
  static frameSize(payload: number, sender: "client" | "server"): number {
    return 2 + payload + (sender === "client" ? 4 : 0);
  }

  get bytes(): number {
    return this.pingBytes + this.pongBytes;
  }
}

/** A handler that counts the pings and pongs it receives (sent by a `sender`) into `tally`, then calls `inner`. */
export function countingHandler(tally: ControlTally, sender: "client" | "server", inner: ConnectionEvents = {}): ConnectionEvents {
  return {
    ...inner,
    onPing: (payload: Uint8Array) => {
      tally.pings++;
      tally.pingBytes += ControlTally.frameSize(payload.length, sender);
      inner.onPing?.(payload);
    },
    onPong: (payload: Uint8Array) => {
      tally.pongs++;
      tally.pongBytes += ControlTally.frameSize(payload.length, sender);
      inner.onPong?.(payload);
    },
  };
}

/**
 * A bare connection on `socket` (the far end, whose timers are not ours to
 * count): a driver on a scheduler whose timer never fires, so it writes
 * whatever is queued, closes when done, and hears the transport end, but
 * adds no wakes to the scheduler under test.
 */
export function bareEndpoint(socket: MemorySocket, options: ConnectionOptions): Connection {
  const inert = new DeadlineScheduler({ timer: { set: () => 0, schedule: () => {} }, now: options.now });
  return drivenEndpoint(socket, inert, options);
}

/** A driver on `scheduler` over `socket`, open from the start and already writable. */
export function drivenEndpoint(socket: MemorySocket, scheduler: DeadlineScheduler, options: ConnectionOptions): SocketDriver {
  const driver = new SocketDriver({ ...options, scheduler });
  socket.callbacks = driver;
  driver.attach(socket);
  driver.socketWritable(ROOM);
  return driver;
}

/** A fixed, cheap random source (masking keys; the tests do not depend on their values). */
export const fixedRandom: RandomSource = (target) => {
  for (let i = 0; i < target.length; i++) target[i] = (i * 37 + 11) & 0xff;
};

/** Options of {@link keepalivePair}. */
export interface PairOptions {
  clock: VirtualClock;
  scheduler: DeadlineScheduler;
  /** One-way latency, ms (default 20). */
  latency?: number;
  pingInterval?: number;
  pingTimeout?: number;
  /** Whether the far end answers pings (default true); false models a dead path. */
  answer?: boolean;
  /** Control frames received by each side. */
  tally?: ControlTally;
  clientHandler?: ConnectionEvents;
  serverHandler?: ConnectionEvents;
}

/** A pinging client (a driver on the scheduler) and its far-end server (bare), open. */
export interface KeepalivePair {
  client: SocketDriver;
  server: Connection;
  clientSocket: MemorySocket;
  serverSocket: MemorySocket;
  tally: ControlTally;
}

/** Wires a client driver on `scheduler` to a bare server over an in-memory socket pair. */
export function keepalivePair(options: PairOptions): KeepalivePair {
  const { clock, scheduler } = options;
  const tally = options.tally ?? new ControlTally();
  const [clientSocket, serverSocket] = socketPair(clock, options.latency ?? 20);
  const server = bareEndpoint(serverSocket, {
    role: "server",
    open: true,
    now: clock.now,
    events: countingHandler(tally, "client", options.serverHandler),
  });
  if (options.answer === false) {
    // A dead path: nothing the client sends arrives.
    serverSocket.callbacks = { socketReadable: () => serverSocket.read(), socketWritable: () => {}, socketError: () => {}, socketFailed: () => {} };
  }
  const client = drivenEndpoint(clientSocket, scheduler, {
    role: "client",
    open: true,
    now: clock.now,
    random: fixedRandom,
    pingInterval: options.pingInterval ?? 0,
    pingTimeout: options.pingTimeout ?? 0,
    events: countingHandler(tally, "server", options.clientHandler),
  });
  return { client, server, clientSocket, serverSocket, tally };
}
