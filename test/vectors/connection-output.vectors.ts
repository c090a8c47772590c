/**
 * What a connection writes and how it hands messages on: a client's masking
 * keys, taken from the random source (§5.3); large frames, queued unmasked and
 * masked piece by piece (frame-writer.ts), read back in pieces of any size;
 * the send queue limit; streaming delivery (`onChunk`).
 */
import { firstByte, serializeFrame } from "../../modules/websocket/core/frame-serializer";
import { MemoryBudget } from "../../modules/websocket/core/memory-budget";
import { bytesEqual, check, equal, hex, throwsCode, toHex, type VectorCase } from "./harness";
import { Xorshift32 } from "./support/deterministic-random";
import { ascii, asciiText, concat, decodeFrames, encodeFrame, OP, pattern, sameBytes } from "./support/frames";
import { feed, openPair, take, takeFrames, type Chunk } from "./support/pipe";

const SEED = 0xc0ffee;

/** The i-th masking key a client with a deterministic random source of `seed` must use. */
function keysOf(seed: number, count: number): Uint8Array[] {
  const stream = new Xorshift32(seed);
  const keys: Uint8Array[] = [];
  for (let i = 0; i < count; i++) keys.push(stream.bytes(4));
  return keys;
}

function chunkText(chunks: Chunk[]): string {
  return chunks.map((c) => c.data as string).join("");
}

function chunkBytes(chunks: Chunk[]): Uint8Array {
  return concat(...chunks.map((c) => c.data as Uint8Array));
}

function onlyLastIsLast(chunks: Chunk[], what: string): void {
  check(chunks.length > 0, `${what}: no chunks`);
  chunks.forEach((c, i) => equal(c.last, i === chunks.length - 1, `${what}: last flag of chunk ${i}`));
}

export const connectionOutputCases: VectorCase[] = [
  {
    name: "masking: every client frame is masked with the next key of the random source (a pool of 16 keys, refilled as it runs out)",
    run() {
      const pair = openPair({ seed: SEED });
      const keys = keysOf(SEED, 72);
      const sent: Array<[number, Uint8Array]> = [];
      for (let i = 0; i < 70; i++) {
        const payload = pattern(i % 9, i);
        const kind = i % 4;
        if (kind === 0) pair.client.sendBinary(payload);
        else if (kind === 1) pair.client.sendText(asciiText(i % 9, i));
        else if (kind === 2) pair.client.ping(payload);
        else pair.client.pong(payload);
        sent.push([[OP.binary, OP.text, OP.ping, OP.pong][kind]!, kind === 1 ? ascii(asciiText(i % 9, i)) : payload]);
      }
      pair.server.ping("auto");
      pair.client.receive(take(pair.server)); // the automatic pong takes key 70
      sent.push([OP.pong, ascii("auto")]);
      pair.client.close(1000, "bye"); // and the close frame key 71
      sent.push([OP.close, hex("03e8 627965")]);
      const bytes = take(pair.client);
      const frames = decodeFrames(bytes);
      equal(frames.length, 72, "frames");
      frames.forEach((frame, i) => {
        check(frame.masked, `frame ${i} masked`);
        equal(toHex(frame.key!), toHex(keys[i]!), `key of frame ${i}`);
        equal(frame.opcode, sent[i]![0], `opcode of frame ${i}`);
        check(sameBytes(frame.payload, sent[i]![1]), `payload of frame ${i}`);
      });
      // The exact bytes, from the independent encoder.
      bytesEqual(bytes, concat(...sent.map(([opcode, payload], i) => encodeFrame({ opcode, payload, key: keys[i]! }))), "client bytes");
      equal(pair.random.calls.join(","), "64,64,64,64,64", "random source calls: five pool fills for 72 keys");
      pair.server.receive(bytes);
      equal(pair.s.errors.length, 0, "the server reads them all");
      equal(pair.s.closeFrames[0]?.reason, "bye", "close reason");
    },
  },
  {
    name: "masking: large frames (over 1024 bytes, masked lazily) are byte-identical to whole-frame serialization, read in pieces of any size",
    run() {
      const pair = openPair({ seed: SEED, limits: { maxMessageSize: 100_000 } });
      const keys = keysOf(SEED, 16);
      const payloads = [1025, 1026, 4096, 4097, 5003, 70_000].map((n) => pattern(n, n));
      const copies = payloads.map((p) => p.slice());
      const text = asciiText(3001);
      const expected: Uint8Array[] = [];
      let k = 0;
      for (const payload of payloads) {
        pair.client.sendBinary(payload);
        const whole = serializeFrame(firstByte(true, OP.binary), payload, keys[k]!); // the small-frame path of the core
        bytesEqual(whole, encodeFrame({ opcode: OP.binary, payload, key: keys[k]! }), `serializeFrame of ${payload.length} bytes`);
        expected.push(encodeFrame({ opcode: OP.binary, payload, key: keys[k++]! }));
        pair.client.ping(pattern(3)); // small frames in between take their keys in order
        expected.push(encodeFrame({ opcode: OP.ping, payload: pattern(3), key: keys[k++]! }));
      }
      pair.client.sendText(text, false);
      expected.push(encodeFrame({ opcode: OP.text, payload: ascii(text), key: keys[k++]!, fin: false }));
      pair.client.sendText(text);
      expected.push(encodeFrame({ opcode: OP.cont, payload: ascii(text), key: keys[k++]! }));
      const all = concat(...expected);
      equal(pair.client.bufferedAmount, all.length, "bufferedAmount");
      const rng = new Xorshift32(77);
      const sizes = [1, 2, 3, 5, 64, 1000, 4095, 4096, 4097, 10_000, 1 << 20];
      const read: Uint8Array[] = [];
      let total = 0;
      for (let guard = 0; guard < 100_000; guard++) {
        const max = sizes[rng.int(0, sizes.length - 1)]!;
        const piece = pair.client.peekOutput(max);
        if (piece === undefined) break;
        check(piece.length >= 1 && piece.length <= max, `piece of ${piece.length} for max ${max}`);
        check(sameBytes(pair.client.peekOutput(max)!, piece), "peeking again without consuming gives the same bytes");
        read.push(piece.slice());
        pair.client.consumeOutput(piece.length);
        total += piece.length;
        equal(pair.client.bufferedAmount, all.length - total, "bufferedAmount while reading");
      }
      bytesEqual(concat(...read), all, "bytes read in random pieces");
      payloads.forEach((p, i) => check(sameBytes(p, copies[i]!), `payload ${i} left unmasked in the caller's array`));
      for (const piece of read) pair.server.receive(piece);
      equal(pair.s.log.join(" "), "binary:1025 ping:3 binary:1026 ping:3 binary:4096 ping:3 binary:4097 ping:3 binary:5003 ping:3 binary:70000 ping:3 text:6002", "server events");
      pair.s.binaries.forEach((b, i) => check(sameBytes(b, copies[i]!), `message ${i}`));
      equal(pair.s.texts[0], text + text, "text");
    },
  },
  {
    name: "output: a server's large frames are unmasked and identical to whole-frame serialization",
    run() {
      const pair = openPair();
      const payload = pattern(5000);
      pair.server.sendBinary(payload);
      pair.server.sendText("s");
      const bytes = concat(take(pair.server, 333));
      bytesEqual(bytes, concat(encodeFrame({ opcode: OP.binary, payload }), encodeFrame({ opcode: OP.text, payload: ascii("s") })), "bytes");
      equal(pair.s.outputs, 2, "onOutput once per send");
    },
  },
  {
    name: "send queue: a send past maxQueuedBytes is refused with WS_ERR_SEND_QUEUE_FULL and leaves the queue unchanged",
    run() {
      const pair = openPair({ limits: { maxQueuedBytes: 100 } });
      pair.server.sendBinary(pattern(98)); // 2 + 98: exactly the limit
      equal(pair.server.bufferedAmount, 100, "bufferedAmount at the limit");
      throwsCode(() => pair.server.sendText("x"), "WS_ERR_SEND_QUEUE_FULL");
      throwsCode(() => pair.server.sendBinary(new Uint8Array(0)), "WS_ERR_SEND_QUEUE_FULL");
      throwsCode(() => pair.server.sendText("y", false), "WS_ERR_SEND_QUEUE_FULL");
      equal(pair.server.bufferedAmount, 100, "bufferedAmount unchanged");
      equal(pair.s.outputs, 1, "no onOutput for refused sends");
      pair.server.consumeOutput(50);
      equal(pair.server.bufferedAmount, 50, "bufferedAmount after a partial write");
      pair.server.sendBinary(pattern(48)); // 50 + 2 + 48
      throwsCode(() => pair.server.sendText(""), "WS_ERR_SEND_QUEUE_FULL");
      const rest = take(pair.server);
      bytesEqual(rest, concat(encodeFrame({ opcode: OP.binary, payload: pattern(98) }).subarray(50), encodeFrame({ opcode: OP.binary, payload: pattern(48) })), "queue content");
      // The refused fin=false send did not start a fragmented text message.
      pair.server.sendBinary(hex("01"));
      equal(takeFrames(pair.server).map((f) => `${f.opcode}${f.fin ? "F" : ""}`).join(), "2F", "a whole binary message");
      // A client counts its 6-byte header; a large (lazily masked) frame counts too.
      pair.client.sendBinary(pattern(94));
      throwsCode(() => pair.client.sendBinary(new Uint8Array(0)), "WS_ERR_SEND_QUEUE_FULL");
      take(pair.client);
      const big = openPair({ limits: { maxQueuedBytes: 2000 } });
      big.client.sendBinary(pattern(1500));
      throwsCode(() => big.client.sendBinary(pattern(1200)), "WS_ERR_SEND_QUEUE_FULL");
      equal(big.client.bufferedAmount, 1508, "large frame counted with its header");
      // Closing is never refused for a full queue.
      big.client.close(1000);
      equal(big.client.state, 2, "CLOSING");
    },
  },
  {
    name: "send queue: a small text is framed at once when its largest UTF-8 size fits; when only its real size fits, the exact check decides, queue limit and budget alike",
    run() {
      // 40 ASCII characters: 42 bytes framed, at most 2 + 120 before they are encoded.
      const text = "a".repeat(40);
      const pair = openPair({ limits: { maxQueuedBytes: 50 } });
      pair.server.sendText(text);
      equal(pair.server.bufferedAmount, 42, "queued though its largest size passes the limit");
      throwsCode(() => pair.server.sendText("é".repeat(4)), "WS_ERR_SEND_QUEUE_FULL"); // 42 + 2 + 8
      equal(takeFrames(pair.server).map((f) => f.payload.length).join(), "40", "one frame of 40 bytes");
      const roomy = new MemoryBudget(200);
      const client = openPair({ client: { budget: roomy } }).client;
      client.sendText(text); // 6 + 120 is reserved first, and all but the frame's 46 given back
      equal(roomy.used, 46, "the frame's exact size reserved while it waits");
      const budget = new MemoryBudget(46 + 46);
      const limited = openPair({ client: { budget } });
      limited.client.sendText(text); // 6 + 120 is over the budget: the exact 46 is reserved
      equal(budget.used, 46, "the exact size, when the largest does not fit");
      limited.client.sendText("é".repeat(20)); // 6 + 60 is over the 46 left; the exact 6 + 40 fits
      equal(budget.used, 92, "the second frame's exact size");
      throwsCode(() => limited.client.sendText("b"), "WS_ERR_BUDGET_EXCEEDED");
      equal(takeFrames(limited.client).map((f) => f.payload.length).join(), "40,40", "both frames whole");
      equal(budget.used, 0, "released once written");
    },
  },
  {
    name: "send queue: a larger text under a budget is reserved at its largest before it is encoded, then at its exact size while it waits; a refused one gives back all it reserved",
    run() {
      const budget = new MemoryBudget(1000);
      const pair = openPair({ limits: { maxQueuedBytes: 300 }, server: { budget } });
      pair.server.sendText("é".repeat(50)); // 50 units: at most 4 + 150 reserved first; 2 + 100 once encoded
      equal(budget.used, 102, "the exact frame while it waits");
      throwsCode(() => pair.server.sendText("a".repeat(200)), "WS_ERR_SEND_QUEUE_FULL"); // 102 + 4 + 200 > 300
      equal(budget.used, 102, "a text the queue cannot hold gives back its reservation");
      pair.server.sendBinary(pattern(10), false);
      throwsCode(() => pair.server.sendText("b".repeat(60)), "WS_ERR_INVALID_STATE"); // a binary message is in progress
      equal(budget.used, 114, "a text refused mid-message gives back its reservation");
      pair.server.sendBinary(pattern(10));
      equal(takeFrames(pair.server).map((f) => `${f.opcode}:${f.payload.length}`).join(), "1:100,2:10,0:10", "the frames queued");
      equal(budget.used, 0, "released once written");
      const tight = new MemoryBudget(200);
      const near = openPair({ server: { budget: tight } });
      near.server.sendText("c".repeat(100)); // 4 + 300 is over the budget: the exact 2 + 100 is counted and reserved
      equal(tight.used, 102, "the exact size, when the largest does not fit");
      throwsCode(() => near.server.sendText("d".repeat(100)), "WS_ERR_BUDGET_EXCEEDED");
      equal(tight.used, 102, "a refusal reserves nothing");
    },
  },
  {
    name: "streaming: binary pieces as they arrive, last on the final piece only",
    run() {
      const pair = openPair({ streaming: true });
      const parts = [pattern(100, 1), pattern(50, 2), pattern(30, 3)];
      pair.client.sendBinary(parts[0]!, false);
      pair.client.sendBinary(parts[1]!, false);
      pair.client.sendBinary(parts[2]!);
      const bytes = take(pair.client);
      pair.server.receive(bytes.slice());
      equal(pair.s.log.join(" "), "chunk:binary:100 chunk:binary:50 chunk:binary:30:last", "one chunk per frame when frames arrive whole");
      check(sameBytes(chunkBytes(pair.s.chunks), concat(...parts)), "bytes");
      pair.s.chunks.length = 0;
      feed(pair.server, bytes, 1);
      equal(pair.s.chunks.length, 180, "one chunk per byte when bytes arrive one at a time");
      onlyLastIsLast(pair.s.chunks, "byte-wise");
      check(pair.s.chunks.every((c) => c.binary), "binary flag");
      check(sameBytes(chunkBytes(pair.s.chunks), concat(...parts)), "byte-wise bytes (unmasked)");
      equal(pair.s.binaries.length + pair.s.texts.length, 0, "no whole-message events in streaming mode");
    },
  },
  {
    name: "streaming: text pieces decode code points split across pieces and frames; last on the final piece only",
    run() {
      const pair = openPair({ streaming: true });
      const text = "héllo wörld €𝄞 end";
      pair.server.sendText("héllo wö", false);
      pair.server.sendText("rld €𝄞 end");
      const bytes = take(pair.server);
      for (const piece of [1, 2, 3, 5, bytes.length]) {
        pair.c.chunks.length = 0;
        feed(pair.client, bytes, piece);
        equal(chunkText(pair.c.chunks), text, `text in pieces of ${piece}`);
        onlyLastIsLast(pair.c.chunks, `pieces of ${piece}`);
        check(pair.c.chunks.every((c) => !c.binary && typeof c.data === "string"), "text chunks");
      }
      equal(pair.c.errors.length, 0, "no errors");
    },
  },
  {
    name: "streaming: empty final frames and empty messages still end with last",
    run() {
      const pair = openPair({ streaming: true });
      pair.client.receive(
        concat(
          encodeFrame({ opcode: OP.text, payload: ascii("abc"), fin: false }),
          encodeFrame({ opcode: OP.cont, fin: false }),
          encodeFrame({ opcode: OP.cont }),
          encodeFrame({ opcode: OP.binary, payload: hex("0102"), fin: false }),
          encodeFrame({ opcode: OP.cont }),
          encodeFrame({ opcode: OP.text }),
          encodeFrame({ opcode: OP.binary }),
          encodeFrame({ opcode: OP.text, fin: false }),
          encodeFrame({ opcode: OP.ping, payload: ascii("p") }),
          encodeFrame({ opcode: OP.cont, payload: ascii("z") }),
        ),
      );
      equal(
        pair.c.log.join(" "),
        "chunk:text:3 chunk:text:0:last chunk:binary:2 chunk:binary:0:last chunk:text:0:last chunk:binary:0:last ping:1 chunk:text:1:last",
        "chunks",
      );
      const kinds = pair.c.chunks.map((c) => `${typeof c.data === "string" ? "s" : "u8"}/${c.binary ? "b" : "t"}`).join(" ");
      equal(kinds, "s/t s/t u8/b u8/b s/t u8/b s/t", "data types and binary flags");
    },
  },
];
