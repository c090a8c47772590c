/**
 * The W3C `WebSocket` makes no copies of its own: `send` hands the
 * application's bytes on as a view, and a received message is delivered as
 * the ArrayBuffer the connection assembled it in when that buffer holds the
 * message alone. Against a `ws` server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { WebSocket, arrayBufferOf, bytesOf } from "../../modules/websocket/client/websocket";
import { pollUntil } from "../peers/index";
import { cleanupRegistry } from "./support";

/** Counts copies of `min` bytes or more made with `slice` (ArrayBuffer's or a typed array's) while `spying` is set. */
class SliceSpy {
  copies = 0;
  spying = false;
  readonly #min: number;
  readonly #restore: Array<() => void> = [];

  constructor(min: number) {
    this.#min = min;
    for (const proto of [ArrayBuffer.prototype, Uint8Array.prototype] as Array<{ slice(...args: unknown[]): { byteLength: number } }>) {
      const original = proto.slice;
      const spy = this;
      proto.slice = function (this: unknown, ...args: unknown[]) {
        const result = original.apply(this, args);
        if (spy.spying && result.byteLength >= spy.#min) spy.copies++;
        return result;
      };
      this.#restore.push(() => (proto.slice = original));
    }
  }

  restore(): void {
    for (const undo of this.#restore.splice(0)) undo();
  }
}

describe("W3C WebSocket: no copies of its own", function () {
  const later = cleanupRegistry();

  it("arrayBufferOf: a view spanning its buffer gives that buffer; any other view, a copy of exactly its bytes", () => {
    const whole = Uint8Array.of(1, 2, 3, 4);
    assert.equal(arrayBufferOf(whole), whole.buffer);
    const part = whole.subarray(1, 3);
    const copy = arrayBufferOf(part);
    assert.notEqual(copy, whole.buffer);
    assert.deepEqual([...new Uint8Array(copy)], [2, 3]);
    assert.deepEqual([...new Uint8Array(arrayBufferOf(whole.subarray(0, 3)))], [1, 2, 3], "a prefix is copied too: the buffer holds more than the message");
  });

  it("bytesOf: an ArrayBuffer, a Uint8Array, a DataView and a Uint16Array become views over the same bytes", () => {
    const buffer = new ArrayBuffer(16);
    new Uint8Array(buffer).forEach((_, i, a) => (a[i] = i));
    const ofBuffer = bytesOf(buffer);
    assert.equal(ofBuffer.buffer, buffer);
    assert.equal(ofBuffer.byteLength, 16);
    const view = new Uint8Array(buffer, 2, 5);
    assert.equal(bytesOf(view), view);
    const ofDataView = bytesOf(new DataView(buffer, 3, 4));
    assert.deepEqual([ofDataView.buffer === buffer, ofDataView.byteOffset, [...ofDataView]], [true, 3, [3, 4, 5, 6]]);
    const ofWords = bytesOf(new Uint16Array(buffer, 4, 2));
    assert.deepEqual([ofWords.buffer === buffer, ofWords.byteOffset, ofWords.byteLength], [true, 4, 4]);
  });

  it("sends a 20 KB ArrayBuffer, a subarray view and a DataView without copying them, and receives their fragmented echoes as the buffers they were joined in", async () => {
    const SIZE = 20 * 1024;
    const server = createServer();
    const wss = new WebSocketServer({ server });
    wss.on("connection", (socket) => {
      socket.on("error", () => {});
      // Every message comes back in two fragments, so the client joins it into a buffer of its own.
      socket.on("message", (data: Buffer) => {
        const half = data.length >> 1;
        socket.send(data.subarray(0, half), { binary: true, fin: false });
        socket.send(data.subarray(half), { binary: true, fin: true });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    later({
      close: () =>
        new Promise<void>((resolve) => {
          for (const client of wss.clients) client.terminate();
          wss.close();
          server.close(() => resolve());
        }),
    });
    // Copies larger than the simulator's 8 KiB send buffer: the socket's own copy into it is never counted.
    const spy = new SliceSpy(8193);
    try {
      const big = new ArrayBuffer(SIZE);
      new Uint8Array(big).forEach((_, i, a) => (a[i] = (i * 7) & 0xff));
      const backing = new Uint8Array(24_000).map((_, i) => (i * 13) & 0xff);
      const sub = backing.subarray(3, 3 + 10_000);
      const dataView = new DataView(backing.buffer, 11_000, 9_000);
      const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      later({ close: async () => (ws.readyState !== WebSocket.CLOSED ? ws.close() : undefined) });
      const received: ArrayBuffer[] = [];
      let copiesOnSend = -1;
      ws.onopen = () => {
        ws.send(big);
        ws.send(sub);
        ws.send(dataView);
        copiesOnSend = spy.copies;
      };
      ws.onmessage = (event) => void received.push(event.data as ArrayBuffer);
      spy.spying = true;
      await pollUntil(() => (received.length === 3 ? true : undefined), 5000, "three echoes");
      spy.spying = false;
      assert.equal(copiesOnSend, 0, "send copied none of the three");
      assert.equal(spy.copies, 0, "no copy of more than 8 KiB from open to the third echo");
      assert.equal(received[0]!.byteLength, SIZE);
      assert.deepEqual(new Uint8Array(received[0]!), new Uint8Array(big));
      assert.deepEqual(new Uint8Array(received[1]!), sub);
      assert.deepEqual(new Uint8Array(received[2]!), new Uint8Array(backing.buffer, 11_000, 9_000));
    } finally {
      spy.restore();
    }
  });
});
