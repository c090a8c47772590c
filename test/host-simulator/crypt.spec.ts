/**
 * Host simulator: the SDK `crypt` Digest and the `rng` random source.
 */
import assert from "node:assert/strict";
import Crypt, { Digest } from "crypt";
import RNG from "rng";

const hex = (buffer: ArrayBuffer) => Buffer.from(buffer).toString("hex");

describe("host simulator: crypt Digest", function () {
  it('SHA1("abc") = a9993e36…', () => {
    const digest = new Digest("SHA1");
    digest.write("abc");
    const result = digest.close();
    assert.ok(result instanceof ArrayBuffer);
    assert.equal(hex(result), "a9993e364706816aba3e25717850c26c9cd0d89d");
  });

  it("accepts strings, ArrayBuffers and views over several writes", () => {
    const digest = new Crypt.Digest("SHA256");
    digest.write("a");
    digest.write(new Uint8Array([0x62]).buffer);
    digest.update(new Uint8Array([0, 0x63, 0]).subarray(1, 2));
    assert.equal(hex(digest.close()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("close(true) keeps the running state; reset() starts over; outputSize/blockSize", () => {
    const digest = new Digest("MD5");
    assert.equal(digest.outputSize, 16);
    assert.equal(digest.blockSize, 64);
    digest.write("ab");
    assert.equal(hex(digest.close(true)), "187ef4436122d1cc2f40dc2b92f0eba0"); // MD5("ab")
    digest.write("c");
    assert.equal(hex(digest.close()), "900150983cd24fb0d6963f7d28e17f72"); // MD5("abc")
    assert.throws(() => digest.write("x"), /^Error: crypt/);
    digest.reset();
    assert.equal(hex(digest.process("a", "bc")), "900150983cd24fb0d6963f7d28e17f72");
    assert.equal(new Digest("SHA512").blockSize, 128);
    assert.equal(new Digest("SHA384").outputSize, 48);
  });

  it("rejects unknown digest names", () => {
    assert.throws(() => new Digest("sha1" as "SHA1"), /^Error: crypt: unsupported digest/);
  });
});

describe("host simulator: rng", function () {
  it("get(n) returns a new ArrayBuffer of n random bytes", () => {
    const a = RNG.get(32);
    const b = RNG.get(32);
    assert.ok(a instanceof ArrayBuffer);
    assert.equal(a.byteLength, 32);
    assert.notEqual(hex(a), hex(b));
    assert.ok(new Uint8Array(a).some((byte) => byte !== 0));
    assert.equal(RNG.get(0).byteLength, 0);
    // 4 KiB of output uses (nearly) every byte value
    assert.ok(new Set(new Uint8Array(RNG.get(4096))).size > 240);
    RNG.init(); // accepted
    assert.ok(Object.isFrozen(RNG));
  });

  it("small requests are served from a pool refilled 8 KiB at a time: no two alike across refills, 4 KiB and up filled directly", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3 * 128; i++) seen.add(hex(RNG.get(64))); // three refills of the pool
    assert.equal(seen.size, 3 * 128, "every 64-byte draw is new");
    const large = new Uint8Array(RNG.get(5000));
    assert.equal(large.length, 5000);
    assert.ok(new Set(large).size > 240);
  });
});
