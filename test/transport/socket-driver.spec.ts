/**
 * The socket driver as the host of the pull model: what it writes after
 * each call into the core, how it lingers before closing a socket whose
 * peer still has an answer to read, and how a socket that throws fails the
 * connection (WS_ERR_TRANSPORT, close code 1006), on a virtual clock.
 */
import assert from "node:assert/strict";
import type { CloseResult, ConnectionEvents } from "../../modules/websocket/core/connection";
import type { ProtocolError } from "../../modules/websocket/core/errors";
import type { HandshakeError } from "../../modules/websocket/core/handshake-error";
import { MemoryBudget } from "../../modules/websocket/core/memory-budget";
import { DeadlineScheduler } from "../../modules/websocket/transport/deadline-scheduler";
import { LINGER_QUIET, SocketDriver, type ByteSocket } from "../../modules/websocket/transport/socket-driver";
import { encodeFrame, OP, closeCodeOfFrame, decodeFrames } from "../vectors/support/frames";
import { FakeTimer, VirtualClock } from "../keepalive/support/virtual-clock";

const KEY = Uint8Array.of(1, 2, 3, 4);

/** A socket the test feeds and reads back; `throwOn` makes `read` or `write` throw. */
class ScriptedSocket implements ByteSocket {
  readonly incoming: Uint8Array[] = [];
  readonly written: Uint8Array[] = [];
  /** Reads made after `close` (a reset would follow unread input). */
  unreadAtClose = 0;
  closed = false;
  throwOn: "read" | "write" | undefined;
  /** What `write` answers as the room left (lwIP's send buffer), 1 MiB unless set. */
  room: number | undefined;

  read(): ArrayBuffer | undefined {
    if (this.throwOn === "read") throw new Error("TLSError: certificate: auth err");
    const next = this.incoming.shift();
    return next === undefined ? undefined : (next.slice().buffer as ArrayBuffer);
  }

  write(data: Uint8Array): number {
    if (this.throwOn === "write") throw new Error("write failed");
    this.written.push(data.slice());
    return this.room ?? 1 << 20;
  }

  close(): void {
    this.unreadAtClose = this.incoming.length;
    this.closed = true;
  }

  /** Every frame written so far. */
  frames() {
    const all = new Uint8Array(this.written.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.written) {
      all.set(c, at);
      at += c.length;
    }
    return decodeFrames(all);
  }
}

class Events implements ConnectionEvents {
  readonly errors: Array<ProtocolError | HandshakeError> = [];
  readonly closed: CloseResult[] = [];
  readonly log: string[] = [];
  onText(text: string): void {
    this.log.push(`text:${text}`);
  }
  onError(error: ProtocolError | HandshakeError): void {
    this.errors.push(error);
    this.log.push(`error:${error.code}`);
  }
  onClosed(result: CloseResult): void {
    this.closed.push(result);
    this.log.push(`closed:${result.code}`);
  }
}

function setup(options: { maxMessageSize?: number; pingInterval?: number; pingTimeout?: number; budget?: MemoryBudget } = {}) {
  const clock = new VirtualClock();
  const scheduler = new DeadlineScheduler({ timer: new FakeTimer(clock), now: clock.now });
  const socket = new ScriptedSocket();
  const events = new Events();
  const driver = new SocketDriver({
    role: "server",
    open: true,
    now: clock.now,
    scheduler,
    events,
    limits: options.maxMessageSize === undefined ? undefined : { maxMessageSize: options.maxMessageSize },
    pingInterval: options.pingInterval,
    pingTimeout: options.pingTimeout,
    budget: options.budget,
  });
  driver.attach(socket, true);
  driver.socketWritable(1 << 20);
  const arrive = (bytes: Uint8Array): void => {
    socket.incoming.push(bytes);
    driver.socketReadable(bytes.length);
  };
  return { clock, scheduler, socket, events, driver, arrive };
}

describe("transport: socket driver", () => {
  it("writes what a call queued once the call returns (the pull model)", () => {
    const { driver, socket, arrive, events } = setup();
    driver.sendText("hello");
    assert.equal(driver.bufferedAmount, 0, "written at once");
    assert.equal(socket.frames()[0]!.opcode, OP.text);
    arrive(encodeFrame({ opcode: OP.ping, payload: Uint8Array.of(7), key: KEY }));
    assert.equal(socket.frames()[1]!.opcode, OP.pong, "the automatic pong went out after receive returned");
    assert.deepEqual(events.errors, []);
  });

  it("a small message with nothing queued and room in the socket goes out within its send and holds no budget; else it is queued, reserved, and written in order", () => {
    const budget = new MemoryBudget(1000);
    const { driver, socket } = setup({ budget });
    driver.sendText("one");
    assert.equal(socket.written.length, 1, "written by the send itself");
    assert.equal(budget.used, 0);
    socket.room = 0; // the socket's send buffer is full after this write
    driver.sendBinary(Uint8Array.of(1, 2));
    assert.equal(socket.written.length, 2);
    driver.sendText("three");
    driver.sendBinary(Uint8Array.of(4));
    assert.equal(socket.written.length, 2, "no room: queued");
    assert.equal(driver.bufferedAmount, 7 + 3);
    assert.equal(budget.used, 7 + 3, "what is queued is reserved");
    driver.socketWritable(4); // room for part of the first, and none after it
    assert.equal(socket.written.length, 3);
    socket.room = undefined;
    driver.sendText("five"); // behind what waits
    assert.equal(socket.written.length, 3);
    driver.socketWritable(1 << 20);
    assert.deepEqual(
      socket.frames().map((f) => Array.from(f.payload)),
      [[...Buffer.from("one")], [1, 2], [...Buffer.from("three")], [4], [...Buffer.from("five")]],
    );
    assert.equal(driver.bufferedAmount, 0);
    assert.equal(budget.used, 0);
    const exhausted = new MemoryBudget(0);
    const tight = setup({ budget: exhausted });
    tight.driver.sendText("fits: nothing is held"); // an empty budget refuses only what would be held
    tight.socket.room = 0;
    tight.driver.sendText("x");
    assert.throws(() => tight.driver.sendText("y"), { code: "WS_ERR_BUDGET_EXCEEDED" });
    assert.equal(tight.socket.written.length, 2);
  });

  it("a larger whole message whose frame fits the socket's room goes out within its send, reserved only while it is framed; one that does not fit is queued and written a room at a time", () => {
    const budget = new MemoryBudget(8000);
    const { driver, socket } = setup({ budget });
    const text = "é".repeat(500); // 1,000 bytes of UTF-8: the 16-bit length form
    driver.sendText(text);
    assert.equal(socket.written.length, 1, "written by the send itself");
    assert.equal(socket.written[0]!.length, 4 + 1000);
    assert.equal(driver.bufferedAmount, 0);
    assert.equal(budget.used, 0, "nothing held after the send");
    assert.equal(budget.peak, 4 + 3 * 500, "the text's largest frame was reserved before it was made");
    driver.sendBinary(new Uint8Array(2000).fill(7));
    assert.equal(socket.written.length, 2);
    assert.equal(budget.used, 0);
    socket.room = 1000; // the room the socket has left after each write from now on
    driver.sendBinary(new Uint8Array(600).fill(8)); // 604 bytes: the room was 1 MiB
    assert.deepEqual(socket.written.slice(2).map((c) => c.length), [604], "one write: the whole frame");
    driver.sendBinary(new Uint8Array(1200).fill(9)); // 1,204 bytes do not fit the 1,000 of room
    assert.deepEqual(socket.written.slice(3).map((c) => c.length), [4, 1000, 200], "queued (its header, then a view of its payload), and written a room at a time");
    assert.equal(driver.bufferedAmount, 0);
    assert.deepEqual(
      socket.frames().map((f) => [f.opcode, f.payload.length, f.payload[0]]),
      [[OP.text, 1000, 0xc3], [OP.binary, 2000, 7], [OP.binary, 600, 8], [OP.binary, 1200, 9]],
    );
    assert.equal(new TextDecoder().decode(socket.frames()[0]!.payload), text);
    assert.equal(budget.used, 0);
    const tightBudget = new MemoryBudget(1003);
    const tight = setup({ budget: tightBudget });
    assert.throws(() => tight.driver.sendBinary(new Uint8Array(1000)), { code: "WS_ERR_BUDGET_EXCEEDED" }, "a 1,004-byte frame the budget cannot hold is refused before it is made");
    assert.equal(tight.socket.written.length, 0);
    tight.driver.sendBinary(new Uint8Array(999));
    assert.equal(tight.socket.written.length, 1, "a 1,003-byte frame: written at once");
    assert.equal(tightBudget.used, 0);
  });

  it("a socket whose read throws fails the connection with WS_ERR_TRANSPORT (1006), onError then onClosed, once", () => {
    const { driver, socket, events } = setup();
    socket.throwOn = "read";
    driver.socketReadable(10);
    assert.deepEqual(events.log, ["error:WS_ERR_TRANSPORT", "closed:1006"]);
    assert.equal((events.errors[0] as ProtocolError).closeCode, 1006);
    assert.match(events.errors[0]!.message, /certificate: auth err/);
    assert.equal(socket.closed, true);
    driver.socketReadable(10);
    driver.socketError();
    assert.equal(events.closed.length, 1, "onClosed exactly once");
  });

  it("a socket whose write throws fails the connection with WS_ERR_TRANSPORT, and the send itself returns, holding nothing of the budget", () => {
    for (const send of [
      (driver: SocketDriver) => driver.sendText("x"),
      (driver: SocketDriver) => driver.sendText("é".repeat(500)), // a larger frame, reserved while it is made
      (driver: SocketDriver) => driver.sendBinary(new Uint8Array(2000)),
    ]) {
      const budget = new MemoryBudget(10_000);
      const { driver, socket, events } = setup({ budget });
      socket.throwOn = "write";
      send(driver);
      assert.deepEqual(events.log, ["error:WS_ERR_TRANSPORT", "closed:1006"]);
      assert.equal(driver.state, 3);
      assert.equal(budget.used, 0);
    }
  });

  it("after failing with a close frame it lingers, discarding input, until the input has been quiet; then it closes with nothing unread", () => {
    const { clock, driver, socket, events, arrive } = setup({ maxMessageSize: 100 });
    arrive(encodeFrame({ opcode: OP.binary, payload: new Uint8Array(200), key: KEY }));
    assert.deepEqual(events.errors.map((e) => e.code), ["WS_ERR_FRAME_TOO_BIG"]);
    const closes = socket.frames().filter((f) => f.opcode === OP.close);
    assert.equal(closes.length, 1);
    assert.equal(closeCodeOfFrame(closes[0]!), 1009);
    assert.equal(socket.closed, false, "lingering: not closed while the peer may still be sending");
    // The peer's data in flight keeps arriving; it is read and dropped, and each arrival restarts the quiet period.
    for (let i = 0; i < 5; i++) {
      clock.advance(LINGER_QUIET / 2);
      arrive(encodeFrame({ opcode: OP.text, payload: new Uint8Array(50), key: KEY }));
    }
    assert.equal(socket.closed, false);
    assert.deepEqual(events.log, ["error:WS_ERR_FRAME_TOO_BIG"], "nothing parsed while lingering");
    clock.advance(LINGER_QUIET + 300); // quiet period, plus the scheduler's slack
    assert.equal(socket.closed, true, "closed once the input went quiet");
    assert.equal(socket.unreadAtClose, 0, "nothing unread at close: no reset");
    assert.deepEqual(events.log, ["error:WS_ERR_FRAME_TOO_BIG", "closed:1006"]);
  });

  it("lingering ends at closeTimeout even when the peer never goes quiet", () => {
    const { clock, socket, arrive } = setup({ maxMessageSize: 10 });
    arrive(encodeFrame({ opcode: OP.binary, payload: new Uint8Array(20), key: KEY }));
    for (let t = 0; t < 10_000 && !socket.closed; t += 50) {
      clock.advance(50);
      arrive(encodeFrame({ opcode: OP.text, payload: new Uint8Array(1), key: KEY }));
    }
    assert.equal(socket.closed, true);
    assert.ok(clock.now() >= 5000 && clock.now() <= 5400, `closed at ${clock.now()} ms (closeTimeout 5000)`);
  });

  it("the peer closing ends lingering at once", () => {
    const { driver, socket, events, arrive } = setup({ maxMessageSize: 10 });
    arrive(encodeFrame({ opcode: OP.binary, payload: new Uint8Array(20), key: KEY }));
    assert.equal(socket.closed, false);
    driver.socketError();
    assert.equal(socket.closed, true);
    assert.equal(events.closed.length, 1);
  });

  it("a server closes at once after a completed closing handshake (RFC 6455 §7.1.1), reading what is left first", () => {
    const { driver, socket, events } = setup();
    socket.incoming.push(encodeFrame({ opcode: OP.close, payload: Uint8Array.of(0x03, 0xe8), key: KEY }));
    socket.incoming.push(Uint8Array.of(0x81)); // stray bytes behind the close frame
    driver.socketReadable(1);
    assert.equal(socket.closed, true);
    assert.equal(socket.unreadAtClose, 0);
    assert.deepEqual(events.log, ["closed:1000"]);
  });

  it("a keepalive timeout closes at once: nothing is in flight for the peer to read", () => {
    const { clock, socket, events } = setup({ pingInterval: 1000, pingTimeout: 500 });
    clock.advance(1000 + 500 + 600);
    assert.deepEqual(events.log, ["error:WS_ERR_PING_TIMEOUT", "closed:1006"]);
    assert.equal(socket.closed, true);
  });
});
