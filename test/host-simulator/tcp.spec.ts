/**
 * Host simulator: `embedded:io/socket/tcp` and `embedded:io/socket/listener`
 * against Node sockets on 127.0.0.1.
 */
import assert from "node:assert/strict";
import net from "node:net";
import TCP from "embedded:io/socket/tcp";
import Listener from "embedded:io/socket/listener";
import { deferred, delay, within } from "./support";

const text = (buffer: ArrayBuffer) => Buffer.from(buffer).toString("latin1");
const bytes = (value: string) => Uint8Array.from(Buffer.from(value, "latin1"));

describe("host simulator: embedded:io/socket/tcp", function () {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const step of cleanup.splice(0).reverse()) {
      try {
        step();
      } catch {
        // already closed
      }
    }
  });

  /** Resolves `outcome` with how the peer's socket ended: "end" for a FIN, else its error's code. */
  function endOrError(socket: net.Socket, outcome: { resolve(value: string): void }): void {
    socket.on("end", () => outcome.resolve("end"));
    socket.on("error", (error: NodeJS.ErrnoException) => outcome.resolve(error.code ?? "error"));
  }

  /** A Node server on 127.0.0.1 (closed after the test); `allowHalfOpen` keeps a peer open after our FIN. */
  async function serve(onConnection: (socket: net.Socket) => void, options: { allowHalfOpen?: boolean } = {}): Promise<number> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer(options, (socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      onConnection(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => {
      for (const socket of sockets) socket.destroy();
      server.close();
    });
    return (server.address() as net.AddressInfo).port;
  }

  /** A TCP socket to `port`, once its first `onWritable` has said it is connected. */
  async function connectedTcp(port: number, options: { sendBufferSize?: number } = {}): Promise<TCP> {
    const writable = deferred();
    const socket = new TCP({
      address: "127.0.0.1",
      port,
      ...options,
      onWritable() {
        writable.resolve();
      },
    } as ConstructorParameters<typeof TCP>[0]);
    await within(5000, writable.promise, "connected");
    return socket;
  }

  function track<T extends { close(): void }>(io: T): T {
    cleanup.push(() => io.close());
    return io;
  }

  it("round-trips bytes with a Node net server; onWritable signals the connection", async () => {
    const port = await serve((socket) => socket.pipe(socket));
    const done = deferred<string>();
    let received = "";
    let inCall = false;
    let writableCalls = 0;
    const socket = track(
      new TCP({
        address: "127.0.0.1",
        port,
        onWritable(count) {
          try {
            assert.equal(inCall, false, "callback delivered from inside a method call");
            assert.equal(this, socket);
            if (writableCalls++ === 0) {
              assert.equal(count, 8192);
              assert.equal(this.remoteAddress, "127.0.0.1");
              assert.equal(this.remotePort, port);
              inCall = true;
              const left = this.write(bytes("hello, "));
              assert.equal(left, 8192 - 7);
              assert.equal(this.write(bytes("world")), 8192 - 12);
              inCall = false;
            }
          } catch (error) {
            done.reject(error);
          }
        },
        onReadable(count) {
          try {
            assert.equal(inCall, false);
            const buffer = this.read();
            assert.ok(buffer instanceof ArrayBuffer);
            assert.equal(buffer.byteLength, count);
            received += text(buffer);
            assert.equal(this.read(), undefined, "nothing left to read");
            if (received === "hello, world") done.resolve(received);
          } catch (error) {
            done.reject(error);
          }
        },
        onError() {
          done.reject(new Error("unexpected onError"));
        },
      }),
    );
    inCall = true; // the constructor must not call back synchronously
    await Promise.resolve();
    inCall = false;
    assert.equal(await within(5000, done.promise, "echo"), "hello, world");
    assert.ok(writableCalls >= 1);
  });

  it("read() hands over every unread byte in an ArrayBuffer of their length, the caller's own, whether they came in one piece or several", async () => {
    const port = await serve((peer) => {
      peer.write("one");
      setTimeout(() => peer.write("two"), 50);
      setTimeout(() => peer.write("three"), 100);
    });
    const reads: ArrayBuffer[] = [];
    const done = deferred();
    track(
      new TCP({
        address: "127.0.0.1",
        port,
        onReadable(count) {
          if (count === 3) return; // "one" is left unread until "two" has come too
          const buffer = this.read()!;
          assert.equal(buffer.byteLength, count);
          reads.push(buffer);
          if (reads.length === 2) done.resolve();
        },
      }),
    );
    await within(5000, done.promise, "both reads");
    assert.deepEqual(reads.map(text), ["onetwo", "three"]);
    new Uint8Array(reads[0]!).fill(0);
    assert.equal(text(reads[1]!), "three", "each read's buffer is its own");
  });

  it("read(count) and read(buffer) take exact amounts; invalid sizes throw", async () => {
    const port = await serve((socket) => socket.end("0123456789"));
    const done = deferred();
    track(
      new TCP({
        address: "127.0.0.1",
        port,
        onReadable(count) {
          if (count < 10) return; // wait for all ten bytes
          try {
            assert.throws(() => this.read(11), /^Error: invalid/);
            assert.throws(() => this.read(0), /^Error: invalid/);
            assert.equal(text(this.read(3)!), "012");
            const into = new Uint8Array(4);
            assert.equal(this.read(into), 4);
            assert.equal(Buffer.from(into).toString(), "3456");
            this.format = "number";
            assert.equal(this.read(), "7".charCodeAt(0));
            this.format = "buffer";
            assert.equal(text(this.read()!), "89");
            assert.equal(this.read(), undefined);
            assert.throws(() => (this.format = "string" as "buffer"), RangeError);
            done.resolve();
          } catch (error) {
            done.reject(error);
          }
        },
      }),
    );
    await within(5000, done.promise, "reads");
  });

  it("write() accepts the whole buffer or throws 'would block'; the result is the space left", async () => {
    const port = await serve(() => {});
    const done = deferred();
    track(
      new TCP({
        address: "127.0.0.1",
        port,
        sendBufferSize: 1000,
        onWritable(count) {
          try {
            assert.equal(count, 1000);
            assert.throws(() => this.write(new Uint8Array(1001)), /^Error: would block/);
            assert.equal(this.write(new Uint8Array(600)), 400);
            assert.throws(() => this.write(new ArrayBuffer(401)), /^Error: would block/);
            assert.equal(this.write(new DataView(new ArrayBuffer(400))), 0);
            done.resolve();
          } catch (error) {
            done.reject(error);
          }
          this.close();
        },
      }),
    );
    await within(5000, done.promise, "write");
  });

  it("back-pressure: stalls with 'would block' while the peer does not read, onWritable resumes after it reads", async function () {
    this.timeout(20000);
    const peer = deferred<net.Socket>();
    const port = await serve((socket) => {
      socket.pause();
      peer.resolve(socket);
    });
    const chunk = 1000;
    let sent = 0;
    let wouldBlock = 0;
    let stalled = deferred();
    let resumed = deferred();
    let stallTimer: NodeJS.Timeout | undefined;
    let phase: "fill" | "drain" = "fill";
    const pattern = (offset: number, length: number) => Uint8Array.from({ length }, (_, i) => (offset + i) % 251);
    const socket = track(
      new TCP({
        address: "127.0.0.1",
        port,
        onWritable(count) {
          if (phase === "drain") {
            resumed.resolve();
            return;
          }
          assert.ok(count <= 8192);
          for (;;) {
            try {
              this.write(pattern(sent, chunk));
              sent += chunk;
            } catch (error) {
              assert.match(String(error), /^Error: would block/);
              wouldBlock++;
              break;
            }
          }
          clearTimeout(stallTimer);
          stallTimer = setTimeout(() => stalled.resolve(), 300);
        },
        onError() {
          stalled.reject(new Error("unexpected onError"));
        },
      }),
    );
    cleanup.push(() => clearTimeout(stallTimer));
    await within(15000, stalled.promise, "filling the send path");
    assert.ok(wouldBlock > 0, "write never reported would block");
    assert.ok(sent > 8192, `only ${sent} bytes accepted`);
    assert.throws(() => socket.write(new Uint8Array(chunk)), /^Error: would block/);
    phase = "drain";

    // The peer starts reading: the send buffer drains and onWritable fires again.
    const socketAtPeer = await peer.promise;
    const received: Buffer[] = [];
    let total = 0;
    const all = deferred();
    socketAtPeer.on("data", (data: Buffer) => {
      received.push(data);
      total += data.length;
      if (total === sent) all.resolve();
    });
    socketAtPeer.resume();
    await within(10000, resumed.promise, "onWritable after the peer read");
    await within(10000, all.promise, "all bytes at the peer");
    assert.deepEqual(new Uint8Array(Buffer.concat(received)), pattern(0, sent));
  });

  it("onError fires on the peer's clean close, only after buffered data is read", async () => {
    const port = await serve((socket) => socket.end("bye"));
    const readable = deferred<number>();
    const errored = deferred();
    let errors = 0;
    const socket = track(
      new TCP({
        address: "127.0.0.1",
        port,
        onReadable(count) {
          readable.resolve(count);
        },
        onError() {
          errors++;
          errored.resolve();
        },
      }),
    );
    assert.equal(await within(5000, readable.promise, "onReadable"), 3);
    await delay(100);
    assert.equal(errors, 0, "onError before the data was read");
    assert.equal(text(socket.read()!), "bye");
    await within(5000, errored.promise, "onError");
    await delay(20);
    assert.equal(errors, 1);
    assert.throws(() => socket.write(bytes("x")), /^Error: not ready/);
  });

  it("reports a refused connection through onError; write before connecting throws 'not ready'", async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const errored = deferred();
    let writable = false;
    const socket = track(
      new TCP({
        address: "127.0.0.1",
        port,
        onWritable() {
          writable = true;
        },
        onError() {
          errored.resolve();
        },
      }),
    );
    assert.throws(() => socket.write(bytes("early")), /^Error: not ready/);
    await within(5000, errored.promise, "onError for refused connection");
    assert.equal(writable, false);
  });

  it("close() stops callbacks; later use throws; closing with unread data resets the peer", async () => {
    const peerError = deferred<string>();
    const port = await serve((socket) => {
      socket.write("unread");
      socket.on("error", (error: NodeJS.ErrnoException) => peerError.resolve(error.code ?? ""));
    });
    const readable = deferred();
    let callbacks = 0;
    const socket = new TCP({
      address: "127.0.0.1",
      port,
      onReadable() {
        callbacks++;
        readable.resolve();
      },
      onError() {
        callbacks++;
      },
    });
    await within(5000, readable.promise, "onReadable");
    socket.close();
    socket.close(); // no-op
    assert.throws(() => socket.read(), SyntaxError);
    assert.throws(() => socket.write(bytes("x")), SyntaxError);
    assert.equal(await within(5000, peerError.promise, "RST at the peer"), "ECONNRESET");
    await delay(50);
    assert.equal(callbacks, 1);
  });

  it("close() with every byte read ends with a clean FIN: the peer sees end, then close without error", async () => {
    const outcome = deferred<string>();
    const port = await serve((socket) => {
      socket.write("hello");
      endOrError(socket, outcome);
    });
    const read = deferred<string>();
    const socket = new TCP({
      address: "127.0.0.1",
      port,
      onReadable() {
        read.resolve(text(this.read()!));
      },
    });
    assert.equal(await within(5000, read.promise, "the peer's bytes"), "hello");
    socket.close();
    assert.equal(await within(5000, outcome.promise, "FIN at the peer"), "end");
  });

  it("close() with unread input resets the peer at once, even with a write queued just before (lwIP tcp_close)", async () => {
    const outcome = deferred<string>();
    const port = await serve((socket) => {
      socket.write("unread input");
      endOrError(socket, outcome);
    });
    const readable = deferred();
    const socket = new TCP({
      address: "127.0.0.1",
      port,
      onReadable() {
        readable.resolve();
      },
    });
    await within(5000, readable.promise, "input arrived");
    // Queued just before the close: the reset goes out anyway, and may destroy it.
    socket.write(bytes("reply"));
    socket.close();
    assert.equal(await within(5000, outcome.promise, "the peer's outcome"), "ECONNRESET", "a reset, never a clean end");
  });

  it("after an orderly close(), data the peer sends is answered with a reset", async () => {
    const outcome = deferred<string>();
    // Half-open allowed: the peer stays open after our FIN and keeps sending, a bounded number of times.
    const port = await serve((peer) => {
      peer.on("error", (error: NodeJS.ErrnoException) => outcome.resolve(error.code ?? "error"));
      peer.on("close", () => outcome.resolve("closed without error"));
      peer.on("end", () => {
        let writes = 0;
        const timer = setInterval(() => {
          if (++writes > 50 || peer.destroyed) return clearInterval(timer);
          peer.write("late data after your FIN");
        }, 10);
        cleanup.push(() => clearInterval(timer));
      });
    }, { allowHalfOpen: true });
    const socket = await connectedTcp(port);
    socket.close();
    const result = await within(5000, outcome.promise, "the peer's outcome");
    assert.ok(result === "ECONNRESET" || result === "EPIPE", `peer saw ${result}`);
  });

  it("data that arrives while an orderly close() still flushes its output resets the connection: the rest of the output is destroyed and the peer's next write fails", async () => {
    const SIZE = 4 * 1024 * 1024;
    const peerSocket = deferred<net.Socket>();
    const port = await serve((peer) => {
      peer.pause(); // reads nothing yet, so the output (and the FIN behind it) cannot drain
      peerSocket.resolve(peer);
    }, { allowHalfOpen: true });
    const socket = await connectedTcp(port, { sendBufferSize: SIZE });
    const peer = await within(5000, peerSocket.promise, "accepted");
    socket.write(new Uint8Array(SIZE));
    socket.close(); // nothing unread: an orderly close, its FIN queued behind 4 MiB
    await new Promise<void>((resolve) => peer.write("late", () => resolve()));
    await delay(100); // let "late" reach the closed socket
    let received = 0;
    const outcome = deferred<string>();
    peer.on("data", (chunk: Buffer) => (received += chunk.length));
    endOrError(peer, outcome);
    peer.resume();
    // Linux hands the peer what it had already queued, then EOF (SOCK_DONE is checked before the error); the reset shows in what is missing and on the next write.
    const result = await within(10_000, outcome.promise, "the peer's outcome");
    assert.ok(result === "end" || result === "ECONNRESET", `peer saw ${result}`);
    assert.ok(received < SIZE, `output in flight was destroyed by the reset (received ${received} of ${SIZE} bytes)`);
    const writeError = deferred<string>();
    peer.on("error", (error: NodeJS.ErrnoException) => writeError.resolve(error.code ?? "error"));
    if (!peer.destroyed) peer.write("after the reset");
    else writeError.resolve(result);
    const code = await within(5000, writeError.promise, "the peer's write fails");
    assert.ok(code === "ECONNRESET" || code === "EPIPE", `peer's write: ${code}`);
  });

  it("validates options as the device does", () => {
    assert.throws(() => new TCP({ address: "example.com", port: 80 }), /^Error: invalid address/);
    assert.throws(() => new TCP({ address: "127.0.0.1", port: 70000 }), RangeError);
    assert.throws(() => new TCP({ address: "127.0.0.1" } as never), /^Error: invalid/);
    assert.throws(() => new TCP({ address: "127.0.0.1", port: 1, format: "uint8" as "buffer" }), RangeError);
    assert.throws(() => new TCP({ address: "127.0.0.1", port: 1, onReadable: 5 as never }), /^Error: not a function/);
  });
});

describe("host simulator: embedded:io/socket/listener", function () {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const step of cleanup.splice(0).reverse()) {
      try {
        step();
      } catch {
        // already closed
      }
    }
  });

  it("accepts a connection; TCP `from` takes it over, including data sent before", async () => {
    const accepted = deferred<TCP>();
    const listener = new Listener({
      port: 0,
      onReadable(count) {
        try {
          assert.equal(this, listener);
          assert.equal(count, 1);
          const pending = this.read()!;
          assert.ok(pending instanceof TCP);
          assert.equal(this.read(), undefined);
          const socket = new TCP({
            from: pending,
            onReadable() {
              const data = this.read()!;
              this.write(bytes(`echo:${text(data)}`));
            },
          });
          cleanup.push(() => socket.close());
          assert.throws(() => pending.read(), SyntaxError, "`from` closes the original instance");
          accepted.resolve(socket);
        } catch (error) {
          accepted.reject(error);
        }
      },
    });
    cleanup.push(() => listener.close());
    assert.ok(listener.port > 0);
    assert.equal(listener.format, "socket/tcp");

    const client = net.connect(listener.port, "127.0.0.1");
    cleanup.push(() => client.destroy());
    const echoed = deferred<string>();
    let reply = "";
    client.on("data", (data: Buffer) => {
      reply += data.toString();
      if (reply === "echo:ping") echoed.resolve(reply);
    });
    client.on("error", (error) => echoed.reject(error));
    client.write("ping");

    const socket = await within(5000, accepted.promise, "accept");
    assert.equal(await within(5000, echoed.promise, "echo"), "echo:ping");
    assert.equal(socket.remoteAddress, "127.0.0.1");
    assert.equal(socket.remotePort, client.localPort);
  });

  it("counts pending connections; close() drops them and invalidates the listener", async () => {
    const twoPending = deferred<number>();
    const listener = new Listener({
      onReadable(count) {
        if (count === 2) twoPending.resolve(count);
      },
    });
    cleanup.push(() => listener.close());
    const clients = [net.connect(listener.port, "127.0.0.1"), net.connect(listener.port, "127.0.0.1")];
    const closed = clients.map((client) => new Promise<void>((resolve) => client.on("close", () => resolve())));
    for (const client of clients) {
      client.on("error", () => {});
      cleanup.push(() => client.destroy());
    }
    await within(5000, twoPending.promise, "two pending connections");
    listener.close();
    listener.close(); // no-op
    assert.throws(() => listener.port, SyntaxError);
    assert.throws(() => listener.read(), SyntaxError);
    await within(5000, Promise.all(closed), "pending connections dropped");
  });

  it("throws 'socket bind' for a port in use", async () => {
    const first = new Listener({ port: 0 });
    cleanup.push(() => first.close());
    assert.throws(() => new Listener({ port: first.port }), /^Error: socket bind/);
  });
});
