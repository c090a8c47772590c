/**
 * The connection's two receive paths (see `Connection.receive`): the fast
 * one takes final frames that lie whole in a chunk, the general one (parser
 * and assembler) everything else, from the first frame the fast path
 * leaves. These vectors cross between them inside one chunk and across
 * chunks, and check what the fast path shares with the general one: the
 * memory budget, the limits, §5.5.1, and invalid UTF-8.
 */
import { MemoryBudget } from "../../modules/websocket/core/memory-budget";
import { equal, hex, type VectorCase } from "./harness";
import { ascii, concat, encodeFrame, OP, pattern, type FrameSpec } from "./support/frames";
import { expectFailure, openPair, takeFrames } from "./support/pipe";

const KEY = hex("5a3c9e17");

/** A frame as a client sends it to a server: masked. */
function toServer(spec: FrameSpec): Uint8Array {
  return encodeFrame({ ...spec, key: KEY });
}

export const connectionPathCases: VectorCase[] = [
  {
    name: "receive paths: whole frames, a frame split across chunks, a fragmented message with a ping inside, then whole frames again, in order",
    run() {
      const pair = openPair();
      const split = toServer({ opcode: OP.binary, payload: pattern(300) });
      const stream = concat(
        toServer({ opcode: OP.text, payload: ascii("one") }),
        split.subarray(0, 100),
      );
      pair.server.receive(stream.slice());
      equal(pair.s.log.join(" "), "text:3", "the whole frame before the split one");
      pair.server.receive(concat(split.subarray(100), toServer({ opcode: OP.text, payload: ascii("two") }), toServer({ opcode: OP.text, payload: ascii("th"), fin: false })));
      pair.server.receive(concat(toServer({ opcode: OP.ping, payload: ascii("p") }), toServer({ opcode: OP.cont, payload: ascii("ree") }), toServer({ opcode: OP.binary, payload: pattern(2) })));
      pair.server.receive(toServer({ opcode: OP.text, payload: ascii("four") }));
      equal(pair.s.log.join(" "), "text:3 binary:300 text:3 ping:1 text:5 binary:2 text:4", "events");
      equal(pair.s.texts.join(","), "one,two,three,four", "texts");
      equal(takeFrames(pair.server).map((f) => f.opcode).join(","), String(OP.pong), "the ping answered");
    },
  },
  {
    name: "receive paths: with a memory budget, a whole message the budget cannot hold fails with WS_ERR_BUDGET_EXCEEDED (1013) after the ones before it, and every reservation is released",
    run() {
      const budget = new MemoryBudget(1000);
      const pair = openPair({ server: { budget } });
      // A text holds its bytes and its string: 2 × 400 fits in 1000; a binary holds its bytes: 900 fits.
      pair.server.receive(concat(toServer({ opcode: OP.text, payload: ascii("a".repeat(400)) }), toServer({ opcode: OP.binary, payload: pattern(900) })));
      equal(pair.s.log.join(" "), "text:400 binary:900", "both delivered");
      equal(budget.used, 0, "released once their handlers returned");
      pair.server.receive(concat(toServer({ opcode: OP.binary, payload: pattern(10) }), toServer({ opcode: OP.text, payload: ascii("b".repeat(600)) })));
      equal(budget.used, 0, "nothing held after the refusal");
      expectFailure(pair.server, pair.s, "WS_ERR_BUDGET_EXCEEDED", 1013);
      equal(pair.s.log.slice(2, 3).join(" "), "binary:10", "the message before the refused one was delivered");
    },
  },
  {
    name: "receive paths: a whole frame over maxMessageSize, or over maxFrameSize, fails with 1009; one of exactly the limit is delivered",
    run() {
      for (const limits of [{ maxMessageSize: 100, maxFrameSize: 200 }, { maxMessageSize: 200, maxFrameSize: 100 }]) {
        const pair = openPair({ limits });
        pair.server.receive(concat(toServer({ opcode: OP.binary, payload: pattern(100) }), toServer({ opcode: OP.binary, payload: pattern(101) })));
        equal(pair.s.log[0], "binary:100", "the limit is inclusive");
        expectFailure(pair.server, pair.s, limits.maxMessageSize === 100 ? "WS_ERR_MESSAGE_TOO_BIG" : "WS_ERR_FRAME_TOO_BIG", 1009);
      }
    },
  },
  {
    name: "receive paths: invalid UTF-8 in a whole text frame fails with WS_ERR_INVALID_UTF8 (1007); a message ending inside a sequence too",
    run() {
      for (const bytes of ["41 ff 41", "41 e2 82", "ed a0 80", "c0 80"]) {
        const pair = openPair();
        pair.server.receive(concat(toServer({ opcode: OP.text, payload: ascii("ok") }), toServer({ opcode: OP.text, payload: hex(bytes) }), toServer({ opcode: OP.text, payload: ascii("after") })));
        equal(pair.s.texts.join(","), "ok", `${bytes}: only the message before`);
        expectFailure(pair.server, pair.s, "WS_ERR_INVALID_UTF8", 1007);
      }
    },
  },
  {
    name: "receive paths: nothing after a close frame in the same chunk (§5.5.1), at a client that waits for the server to close",
    run() {
      const pair = openPair();
      pair.client.receive(concat(encodeFrame({ opcode: OP.text, payload: ascii("before") }), encodeFrame({ opcode: OP.close, payload: hex("03e8") }), encodeFrame({ opcode: OP.text, payload: ascii("after") })));
      pair.client.receive(encodeFrame({ opcode: OP.text, payload: ascii("later") }));
      equal(pair.c.log.join(" "), "text:6 closeFrame:1000", "events");
    },
  },
  {
    name: "receive paths: a handler that throws — the error reaches the host, and nothing more is read (no frame of the chunk's rest misread), on either path",
    run() {
      for (const split of [false, true]) {
        const pair = openPair();
        const fault = new Error("handler fault");
        pair.s.onText = (text: string): void => {
          pair.s.log.push(`text:${text.length}`);
          if (text === "boom") throw fault;
        };
        const bytes = concat(toServer({ opcode: OP.text, payload: ascii("ok") }), toServer({ opcode: OP.text, payload: ascii("boom") }), toServer({ opcode: OP.text, payload: ascii("after") }));
        let thrown: unknown;
        try {
          if (split) {
            pair.server.receive(bytes.slice(0, 3)); // the general path from the first frame
            pair.server.receive(bytes.slice(3));
          } else {
            pair.server.receive(bytes.slice());
          }
        } catch (error) {
          thrown = error;
        }
        equal(thrown, fault, `split ${split}: the handler's error`);
        pair.server.receive(toServer({ opcode: OP.text, payload: ascii("later") }));
        equal(pair.s.log.join(" "), "text:2 text:4", `split ${split}: nothing after the throw`);
      }
    },
  },
];
