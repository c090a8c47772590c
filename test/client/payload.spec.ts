/**
 * The caller's bytes are the caller's: a client masks a copy of what it
 * sends, never the payload itself, whatever the payload's class (a plain
 * Uint8Array, or a Node Buffer, whose `slice` shares memory).
 */
import assert from "node:assert/strict";
import { startWsEchoServer } from "../peers/index";
import { cleanupRegistry, pattern, Session } from "./support";

describe("channel payload ownership", function () {
  const later = cleanupRegistry();

  for (const [kind, make] of [
    ["Uint8Array", (n: number) => pattern(n)],
    ["Buffer", (n: number) => Buffer.from(pattern(n))],
  ] as const) {
    it(`leaves a large ${kind} payload unmodified and sends it intact`, async () => {
      const server = later(await startWsEchoServer());
      const session = later(new Session(server.url, { limits: { maxMessageSize: 1 << 20, maxQueuedBytes: 1 << 21 } }));
      await session.opened();
      const payload = make(40_000);
      const original = Uint8Array.from(payload);
      session.channel.sendBinaryMsg(payload);
      assert.deepEqual(Uint8Array.from(payload), original, "unchanged right after the call");
      const echo = await session.message();
      assert.deepEqual(echo, original, "the echo is the payload as given");
      assert.deepEqual(Uint8Array.from(payload), original, "unchanged after it was sent");
    });
  }
});
