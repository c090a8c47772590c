/**
 * XS side of the whole-connection heap figures (`device` section) and of the
 * XS soak (`soak` section): our ws-style `Server`, built and driven through
 * its public API only, over the stand-in `embedded:io/socket/listener` and
 * `embedded:io/socket/tcp` of xs-standins/ (bundled in their place by
 * xs-heap-driver.mjs), with `timer`, `crypt` and `rng` stand-ins. The peer
 * is played by hand (raw bytes through a stand-in pipe), so no client object
 * sits on the measured heap.
 *
 * `globalThis.__benchConfig` (set by the driver) picks the steps:
 * - `{ mode: "heap", connections }`: the stand-in socket objects alone, then
 *   `connections` open idle server connections, after one echo each, closed;
 * - `{ mode: "soak", cycles, every }`: `cycles` connect / handshake / echo /
 *   close cycles, one step (and one heap reading) per `every` cycles.
 *
 * Only the language, the library and the stand-ins: nothing here may import
 * an SDK or Node module.
 */
import { Server, type ServerConnection } from "../../modules/websocket/server/server";
import { setMaskImplementation } from "../../modules/websocket/core/mask";
import { useTextCodec, type TextDecoderClass, type TextEncoderLike } from "../../modules/websocket/core/utf8";
import { logicalMask, streamingTextCodec } from "../../hosts/moddable/fast-paths";
import { exposeSteps, xorStandIn } from "./xs-entry-support";
import { clientCloseFrame, clientFrame, upgradeRequest } from "./xs-frames";
import { pump } from "./xs-standins/loop";
import { connect, type Pipe } from "./xs-standins/net";
import StandInListener from "./xs-standins/listener";
import StandInTCP from "./xs-standins/tcp";

interface BenchConfig {
  mode: "heap" | "soak" | "cost";
  connections?: number;
  cycles?: number;
  every?: number;
  /** cost mode: the echoed text's size in bytes (default 16). */
  size?: number;
}

interface XsGlobals {
  TextDecoder?: TextDecoderClass;
  TextEncoder?: new () => TextEncoderLike;
  __benchConfig?: BenchConfig;
}
const g = globalThis as unknown as XsGlobals;
const config: BenchConfig = g.__benchConfig ?? { mode: "heap" };

const PORT = 80;
const PATH = "/echo";
const HELLO = new TextEncoder().encode("hello, device");
/** The echo of {@link HELLO}: a 2-byte header and the payload, unmasked. */
const ECHO_BYTES = 2 + HELLO.length;
/** The server's close frame: header and status code. */
const CLOSE_BYTES = 4;


let server: Server | undefined;

/** The echo app of the demo's `/echo`, written out here (the bench must not depend on the demo's files). */
function echo(conn: ServerConnection): void {
  conn.on("message", (data: string | Uint8Array) => conn.send(data));
  conn.on("error", () => {});
}

function startServer(backlog: number): Server {
  const made = new Server({ port: PORT, path: PATH, backlog, clientTracking: true, maxHandshakes: backlog });
  made.on("connection", echo);
  made.on("error", (error: unknown) => {
    throw error;
  });
  pump();
  return made;
}

function clientCount(): number {
  return server?.clients.size ?? 0;
}

/** Peer connects and sends the opening handshake; true once the server answered 101. */
function open(): Pipe {
  const pipe = connect(PORT);
  pipe.send(upgradeRequest(PATH));
  return pipe;
}

function expectOpen(pipe: Pipe): void {
  if (!pipe.statusLine.startsWith("HTTP/1.1 101")) throw new Error(`handshake: the server answered "${pipe.statusLine.trim()}"`);
}

/** Peer sends a close frame; once the server has answered and closed, the peer closes too. */
function close(pipe: Pipe): void {
  pipe.send(clientCloseFrame());
}

function finishClose(pipe: Pipe): void {
  if (!pipe.serverClosed) throw new Error("close: the server did not close its socket after the close handshake");
  pipe.close();
}

let pipes: Pipe[] = [];
let bareSockets: StandInTCP[] = [];
let bareListener: StandInListener | undefined;
const noop = (): void => {};

/** One whole cycle; throws unless each phase happened. */
function cycle(): void {
  const pipe = open();
  pump();
  expectOpen(pipe);
  const before = pipe.received;
  pipe.send(clientFrame(0x1, HELLO));
  pump();
  if (pipe.received - before !== ECHO_BYTES) throw new Error(`echo: ${pipe.received - before} bytes came back, not ${ECHO_BYTES}`);
  close(pipe);
  pump();
  finishClose(pipe);
  pump();
}

const connections = config.connections ?? 32;
const steps: Record<string, () => unknown> = {
  setup: () => {
    setMaskImplementation(logicalMask(xorStandIn));
    server = startServer(config.mode === "heap" ? connections + 1 : 4);
    // Warm-up: every lazily made module-level object exists before the baseline.
    cycle();
    cycle();
    return { port: server.port, clients: clientCount() };
  },
  baseline: () => ({ clients: clientCount() }),
};

if (config.mode === "heap") {
  Object.assign(steps, {
    // What the stand-ins themselves hold per connection (a pipe, a listener's
    // accepted socket adopted by a TCP with callbacks), to tell them apart.
    "sockets-only": () => {
      bareListener = new StandInListener({ port: PORT + 1, onReadable: noop });
      for (let i = 0; i < connections; i++) pipes.push(connect(PORT + 1));
      pump();
      for (let i = 0; i < connections; i++) {
        const from = bareListener.read()!;
        bareSockets.push(new StandInTCP({ from, onReadable: noop, onWritable: noop, onError: noop }));
      }
      pump();
      return { sockets: bareSockets.length };
    },
    "sockets-released": () => {
      for (const socket of bareSockets) socket.close();
      bareSockets = [];
      pipes = [];
      bareListener?.close();
      bareListener = undefined;
      return undefined;
    },
    "server-idle": () => {
      for (let i = 0; i < connections; i++) pipes.push(open());
      pump();
      for (const pipe of pipes) expectOpen(pipe);
      if (clientCount() !== connections) throw new Error(`the server holds ${clientCount()} of ${connections} connections`);
      return { clients: clientCount() };
    },
    "server-after-echo": () => {
      const before = pipes.map((pipe) => pipe.received);
      const frame = clientFrame(0x1, HELLO);
      for (const pipe of pipes) pipe.send(frame);
      pump();
      const echoed = pipes.filter((pipe, i) => pipe.received - before[i]! === ECHO_BYTES).length;
      if (echoed !== connections) throw new Error(`${echoed} of ${connections} echoes came back`);
      return { clients: clientCount(), echoed };
    },
    "server-closed": () => {
      const before = pipes.map((pipe) => pipe.received);
      for (const pipe of pipes) close(pipe);
      pump();
      for (const [i, pipe] of pipes.entries()) {
        if (pipe.received - before[i]! !== CLOSE_BYTES) throw new Error(`close: ${pipe.received - before[i]!} bytes came back, not a ${CLOSE_BYTES}-byte close frame`);
        finishClose(pipe);
      }
      pump();
      pipes = [];
      if (clientCount() !== 0) throw new Error(`${clientCount()} connections still tracked after close`);
      return { clients: clientCount() };
    },
  });
} else if (config.mode === "cost") {
  // The work of one text echo (`size` bytes, 16 by default) on an open connection: steps of 0 and of `echoes` echoes, in cranks of
  // their own; the difference of their metering, divided, is one echo (the stand-in sockets' JS included).
  const echoes = config.cycles ?? 200;
  const size = config.size ?? 16;
  const text = clientFrame(0x1, new Uint8Array(size).fill(0x61));
  /** `n` round trips of `text` on `to`, each answered by `answer` bytes. */
  const roundTrips = (to: Pipe, n: number, answer: number): void => {
    for (let i = 0; i < n; i++) {
      const before = to.received;
      to.send(text);
      pump();
      if (to.received - before !== answer) throw new Error(`echo: ${to.received - before} bytes came back, not ${answer}`);
    }
  };
  let pipe: Pipe | undefined;
  /** Our echo: the text back unmasked, with a 2- or 4-byte header. */
  const echo = (n: number): void => roundTrips(pipe!, n, (size <= 125 ? 2 : 4) + size);
  // The same on a bare stand-in socket that writes back what it reads: the stand-ins' own share.
  let bare: Pipe | undefined;
  const bareEcho = (n: number): void => roundTrips(bare!, n, text.length);
  Object.assign(steps, {
    "bare-open": () => {
      bareListener = new StandInListener({
        port: PORT + 2,
        onReadable() {
          const from = bareListener!.read()!;
          bareSockets.push(
            new StandInTCP({
              from,
              onReadable(this: StandInTCP) {
                const data = this.read();
                if (data !== undefined) this.write(data);
              },
              onWritable: noop,
              onError: noop,
            }),
          );
        },
      });
      bare = connect(PORT + 2);
      pump();
      bareEcho(8);
      return undefined;
    },
    "bare-0": () => ({ echoes: 0 }),
    "bare-n": () => {
      bareEcho(echoes);
      return { echoes };
    },
    "cost-open": () => {
      // The device's text codec (xsnap's TextDecoder is the SDK's C decoder), as on the device.
      const codec = g.TextDecoder !== undefined && g.TextEncoder !== undefined ? streamingTextCodec(g.TextDecoder, g.TextEncoder) : undefined;
      if (codec !== undefined) useTextCodec(codec);
      pipe = open();
      pump();
      expectOpen(pipe);
      echo(8); // warm: parser, assembler and decoder made
      return { clients: clientCount() };
    },
    // The stand-in for the device's native Logical.xor is JS: what one echo's unmasking costs in it (`size` bytes, a 4-byte key, phase 0).
    "xor-0": () => ({ masks: 0 }),
    "xor-n": () => {
      const payload = new Uint8Array(size);
      const key = Uint8Array.of(1, 2, 3, 4);
      for (let i = 0; i < echoes; i++) xorStandIn(payload, key);
      return { masks: echoes };
    },
    "cost-0": () => ({ echoes: 0 }),
    "cost-n": () => {
      echo(echoes);
      return { echoes };
    },
  });
} else {
  const cycles = config.cycles ?? 10_000;
  const every = Math.max(1, config.every ?? 1000);
  let done = 0;
  for (let at = every; at <= cycles + every - 1; at += every) {
    const upTo = Math.min(at, cycles);
    steps[`cycles-${upTo}`] = () => {
      while (done < upTo) {
        cycle();
        done++;
      }
      return { cycles: done, clients: clientCount() };
    };
  }
}

exposeSteps(steps);
