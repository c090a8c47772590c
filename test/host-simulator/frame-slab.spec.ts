/**
 * The Node host's frame allocator (hosts/node/frame-slab.ts), which
 * `register.ts` plugs into the core: disjoint zero-filled views of 8 KiB
 * slabs, never written twice; large frames get arrays of their own.
 */
import assert from "node:assert/strict";
import { frameBytes } from "../../modules/websocket/core/bytes";
import { slabFrameBytes } from "../../hosts/node/frame-slab";

describe("host simulator: frame slab", function () {
  it("hands out disjoint, zero-filled views, 8-byte aligned, and starts a new slab when one is used up", () => {
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) {
      const frame = slabFrameBytes(1 + (i % 130));
      assert.equal(frame.length, 1 + (i % 130));
      assert.ok(frame.every((byte) => byte === 0), "zero-filled");
      assert.equal(frame.byteOffset % 8, 0, "aligned");
      frame.fill(0xa5);
      frames.push(frame);
    }
    for (const [i, frame] of frames.entries()) assert.ok(frame.every((byte) => byte === 0xa5), `frame ${i} not written by another`);
    assert.ok(new Set(frames.map((frame) => frame.buffer)).size > 1, "more than one slab");
    const large = slabFrameBytes(4096);
    assert.equal(large.byteLength, large.buffer.byteLength, "a large frame is an array of its own");
  });

  it("is the core's frame allocator once register.js has run (the tests run under it)", () => {
    const a = frameBytes(10);
    const b = frameBytes(10);
    assert.equal(a.buffer, b.buffer, "two small frames share a slab");
    assert.notEqual(a.byteOffset, b.byteOffset);
  });
});
