/**
 * Data and control frames through a pair of connections (RFC 6455 §5.4–§5.7):
 * message sizes at every length form, both directions; fragmented messages in
 * and out and the usage errors of mixing types; pings inside fragmented
 * messages, automatic pongs, and the usage errors of pings and pongs.
 */
import type { Connection } from "../../modules/websocket/core/connection";
import { encodeUtf8 } from "../../modules/websocket/core/utf8";
import { bytesEqual, check, equal, hex, throwsCode, toHex, type VectorCase } from "./harness";
import { Xorshift32 } from "./support/deterministic-random";
import { ascii, asciiText, concat, decodeFrames, encodeFrame, OP, pattern, sameBytes, utf8Text, type WireFrame } from "./support/frames";
import { feed, openPair, take, takeFrames, type Pair } from "./support/pipe";

/** The length form a payload of `length` bytes must use (§5.2: the minimal one). */
function formFor(length: number): 7 | 16 | 64 {
  return length < 126 ? 7 : length < 0x10000 ? 16 : 64;
}

/** Checks the single frame `bytes` holds, as `sender` must have written it. */
function checkSingleFrame(bytes: Uint8Array, sender: Connection, opcode: number, payload: Uint8Array, what: string): void {
  const frames = decodeFrames(bytes);
  equal(frames.length, 1, `${what}: frames`);
  const frame = frames[0]!;
  equal(frame.fin, true, `${what}: FIN`);
  equal(frame.rsv, 0, `${what}: RSV`);
  equal(frame.opcode, opcode, `${what}: opcode`);
  equal(frame.masked, sender.role === "client", `${what}: masked`);
  equal(frame.form, formFor(payload.length), `${what}: length form`);
  const headerLength = { 7: 2, 16: 4, 64: 10 }[frame.form] + (frame.masked ? 4 : 0);
  equal(bytes.length, headerLength + payload.length, `${what}: frame size`);
  check(sameBytes(frame.payload, payload), `${what}: payload`);
}

function sizeCase(size: number): VectorCase {
  return {
    name: `messages: text and binary of ${size} bytes, client → server and server → client`,
    run() {
      const rng = new Xorshift32(size + 1);
      const pair = openPair();
      // Mostly 3-byte characters: multi-byte text at every length form (and a short string, quick to encode on XS).
      const { text, bytes: textBytes } = utf8Text(size, size);
      const data = pattern(size, 5);
      const directions: Array<[Connection, Connection, Pair["c"]]> = [
        [pair.client, pair.server, pair.s],
        [pair.server, pair.client, pair.c],
      ];
      for (const [from, to, received] of directions) {
        const what = `${from.role} → ${to.role}`;
        from.sendText(text);
        const textFrame = take(from);
        checkSingleFrame(textFrame, from, OP.text, textBytes, `${what} text`);
        from.sendBinary(data);
        const binaryFrame = take(from);
        checkSingleFrame(binaryFrame, from, OP.binary, data, `${what} binary`);
        equal(from.bufferedAmount, 0, `${what}: bufferedAmount after taking everything`);
        // One chunk, then random pieces: both must deliver the same messages.
        to.receive(concat(textFrame, binaryFrame));
        feed(to, concat(textFrame, binaryFrame), 7000, rng);
        equal(received.log.join(" "), `text:${text.length} binary:${size} text:${text.length} binary:${size}`, `${what}: events`);
        for (let i = 0; i < 2; i++) {
          check(received.texts[i] === text, `${what}: text ${i}`);
          check(sameBytes(received.binaries[i]!, data), `${what}: binary ${i} (a kept view must stay intact)`);
        }
      }
      equal(pair.c.errors.length + pair.s.errors.length, 0, "no errors");
    },
  };
}

export const connectionMessageCases: VectorCase[] = [
  ...[0, 125, 126, 65535, 65536].map(sizeCase),
  {
    name: "messages: non-ASCII text is sent as UTF-8 and read back",
    run() {
      const pair = openPair();
      const text = "héllo €𝄞";
      pair.server.sendText(text);
      const frames = takeFrames(pair.server);
      equal(toHex(frames[0]!.payload), "68c3a96c6c6f20e282acf09d849e", "UTF-8 bytes");
      pair.client.receive(encodeFrame({ opcode: OP.text, payload: frames[0]!.payload }));
      equal(pair.c.texts[0], text, "decoded");
    },
  },
  {
    name: "fragments in: text and binary messages are delivered once, after their last fragment",
    run() {
      const pair = openPair();
      const input = [
        encodeFrame({ opcode: OP.text, payload: ascii("Hel"), fin: false }),
        encodeFrame({ opcode: OP.cont, payload: ascii("lo"), fin: false }),
        encodeFrame({ opcode: OP.cont, payload: ascii(", world") }),
        encodeFrame({ opcode: OP.binary, payload: hex("0102"), fin: false }),
        encodeFrame({ opcode: OP.cont, fin: false }),
        encodeFrame({ opcode: OP.cont, payload: hex("03") }),
        encodeFrame({ opcode: OP.text, fin: false }),
        encodeFrame({ opcode: OP.cont }),
      ];
      for (let i = 0; i < input.length; i++) {
        pair.client.receive(input[i]!);
        const expected = i < 2 ? "" : i < 5 ? "text:12" : i < 7 ? "text:12 binary:3" : "text:12 binary:3 text:0";
        equal(pair.c.log.join(" "), expected, `events after frame ${i}`);
      }
      equal(pair.c.texts.join("|"), "Hello, world|", "texts");
      equal(toHex(pair.c.binaries[0]!), "010203", "binary");
    },
  },
  {
    name: "fragments in: masked fragments at a server, code points split across fragment boundaries",
    run() {
      const pair = openPair();
      const bytes = encodeUtf8("a€b𝄞c"); // 61 e282ac 62 f09d849e 63
      const cuts = [0, 2, 3, 7, 8, 11];
      const frames = cuts.map((start, i) =>
        encodeFrame({ opcode: i === 0 ? OP.text : OP.cont, payload: bytes.subarray(start, cuts[i + 1] ?? bytes.length), fin: i === cuts.length - 1, key: hex(`0${i}a1b2c3`) }),
      );
      feed(pair.server, concat(...frames), 1);
      equal(pair.s.log.join(" "), "text:6", "one message");
      equal(pair.s.texts[0], "a€b𝄞c", "text");
    },
  },
  {
    name: "fragments out: fin=false sends a first frame, then continuations; the receiver gets one message",
    run() {
      const pair = openPair();
      pair.client.sendText("Hel", false);
      pair.client.sendText("lo", false);
      pair.client.ping("in between");
      pair.client.sendText("!");
      pair.client.sendBinary(hex("01"), false);
      pair.client.sendBinary(hex("0203"));
      pair.client.sendText("x", false);
      pair.client.sendText("", true);
      const bytes = take(pair.client);
      const frames = decodeFrames(bytes);
      equal(frames.map((f: WireFrame) => `${f.opcode}${f.fin ? "F" : ""}`).join(" "), "1 0 9F 0F 2 0F 1 0F", "opcodes and FIN bits");
      check(frames.every((f) => f.masked), "every client frame masked");
      pair.server.receive(bytes);
      equal(pair.s.log.join(" "), "ping:10 text:6 binary:3 text:1", "server events");
      equal(pair.s.texts.join("|"), "Hello!|x", "texts");
      equal(toHex(pair.s.binaries[0]!), "010203", "binary");
    },
  },
  {
    name: "fragments out: mixing types inside a fragmented message is a UsageError and changes nothing",
    run() {
      const pair = openPair();
      pair.server.sendText("a", false);
      const queued = pair.server.bufferedAmount;
      throwsCode(() => pair.server.sendBinary(hex("00")), "WS_ERR_INVALID_STATE");
      throwsCode(() => pair.server.sendBinary(hex("00"), false), "WS_ERR_INVALID_STATE");
      equal(pair.server.bufferedAmount, queued, "queue unchanged");
      pair.server.sendText("b");
      pair.server.sendBinary(hex("01"), false);
      throwsCode(() => pair.server.sendText("c"), "WS_ERR_INVALID_STATE");
      pair.server.sendBinary(hex("02"));
      pair.server.sendText("after");
      const frames = takeFrames(pair.server);
      equal(frames.map((f) => `${f.opcode}${f.fin ? "F" : ""}`).join(" "), "1 0F 2 0F 1F", "frames");
      pair.client.receive(concat(...frames.map((f) => encodeFrame({ opcode: f.opcode, payload: f.payload, fin: f.fin }))));
      equal(pair.c.log.join(" "), "text:2 binary:2 text:5", "client events");
    },
  },
  {
    name: "control frames inside a fragmented message: delivered at once, pong answered, message intact",
    run() {
      const pair = openPair();
      feed(
        pair.client,
        concat(
          encodeFrame({ opcode: OP.text, payload: ascii("frag"), fin: false }),
          encodeFrame({ opcode: OP.ping, payload: ascii("p1") }),
          encodeFrame({ opcode: OP.cont, payload: ascii("ment"), fin: false }),
          encodeFrame({ opcode: OP.pong, payload: ascii("q") }),
          encodeFrame({ opcode: OP.ping }),
          encodeFrame({ opcode: OP.cont, payload: ascii("ed") }),
        ),
        3,
      );
      equal(pair.c.log.join(" "), "ping:2 pong:1 ping:0 text:10", "events in order");
      equal(pair.c.texts[0], "fragmented", "text");
      const pongs = takeFrames(pair.client);
      equal(pongs.map((f) => `${f.opcode}:${toHex(f.payload)}`).join(" "), "10:7031 10:", "pongs echo the pings' payloads");
    },
  },
  {
    name: "auto-pong: the same payload, exact bytes at a server, masked at a client",
    run() {
      const pair = openPair();
      pair.client.ping("hello");
      const ping = take(pair.client);
      pair.server.receive(ping);
      equal(pair.s.log.join(" "), "ping:5", "server saw the ping");
      const pong = take(pair.server);
      bytesEqual(pong, hex("8a 05 68656c6c6f"), "server pong bytes");
      pair.client.receive(pong);
      equal(pair.c.log.join(" "), "pong:5", "client got the pong");
      const long = pattern(125, 9);
      pair.server.ping(long);
      pair.client.receive(take(pair.server));
      const answer = takeFrames(pair.client);
      equal(answer.length, 1, "one pong");
      equal(answer[0]!.opcode, OP.pong, "opcode");
      check(answer[0]!.masked, "client pong masked");
      check(sameBytes(answer[0]!.payload, long), "125-byte payload echoed");
      check(sameBytes(pair.c.pings[0]!, long), "onPing payload");
      pair.client.pong("unsolicited");
      pair.server.receive(take(pair.client));
      equal(pair.s.log.join(" "), "ping:5 pong:11", "unsolicited pong delivered");
      equal(pair.server.peekOutput(), undefined, "a pong is not answered");
    },
  },
  {
    name: "ping and pong usage errors: over 125 bytes, and outside OPEN",
    run() {
      const pair = openPair();
      for (const send of [(p: Uint8Array | string) => pair.client.ping(p), (p: Uint8Array | string) => pair.client.pong(p)]) {
        throwsCode(() => send(new Uint8Array(126)), "WS_ERR_CONTROL_TOO_LONG");
        throwsCode(() => send("é".repeat(63)), "WS_ERR_CONTROL_TOO_LONG"); // 126 bytes of UTF-8
        equal(pair.client.bufferedAmount, 0, "nothing queued");
        send("é".repeat(62) + "x"); // 125 bytes
        equal(decodeFrames(take(pair.client))[0]!.payload.length, 125, "125 bytes allowed");
      }
      const connecting = openPair({ client: { open: false }, server: { open: false } });
      for (const conn of [connecting.client, connecting.server]) {
        throwsCode(() => conn.ping(), "WS_ERR_INVALID_STATE");
        throwsCode(() => conn.pong(), "WS_ERR_INVALID_STATE");
        throwsCode(() => conn.sendText("x"), "WS_ERR_INVALID_STATE");
        throwsCode(() => conn.sendBinary(hex("00")), "WS_ERR_INVALID_STATE");
      }
      pair.client.close(1000);
      take(pair.client);
      throwsCode(() => pair.client.ping(), "WS_ERR_INVALID_STATE");
      throwsCode(() => pair.client.pong(), "WS_ERR_INVALID_STATE");
      throwsCode(() => pair.client.sendText("x"), "WS_ERR_INVALID_STATE");
      pair.server.transportClosed();
      throwsCode(() => pair.server.ping(), "WS_ERR_INVALID_STATE");
      throwsCode(() => pair.server.sendBinary(hex("00")), "WS_ERR_INVALID_STATE");
      equal(pair.client.bufferedAmount + pair.server.bufferedAmount, 0, "nothing queued by refused sends");
    },
  },
  {
    name: "received bytes are delivered whatever the chunking: one byte at a time, both ways",
    run() {
      const pair = openPair();
      const messages = ["", "a", asciiText(300), "ü".repeat(70)];
      for (const m of messages) pair.client.sendText(m);
      pair.client.sendBinary(pattern(2000));
      for (const m of messages) pair.server.sendText(m);
      pair.server.sendBinary(pattern(2000));
      feed(pair.server, take(pair.client), 1);
      feed(pair.client, take(pair.server), 1);
      for (const r of [pair.s, pair.c]) {
        equal(r.texts.join("|"), messages.join("|"), "texts");
        check(r.binaries.length === 1 && sameBytes(r.binaries[0]!, pattern(2000)), "binary");
        equal(r.errors.length, 0, "no errors");
      }
    },
  },
];
