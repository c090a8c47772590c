/**
 * Host simulator: `embedded:network/dns/resolver/udp`. No network: a tiny
 * DNS responder on 127.0.0.1 stands in for the configured server.
 */
import assert from "node:assert/strict";
import dgram from "node:dgram";
import Resolver from "embedded:network/dns/resolver/udp";

type Outcome = { resolved: true; host: string; address: string; self: unknown } | { resolved: false; host: string; self: unknown };

const socket = { io: class UDPPlaceholder {} };

function lookup(resolver: Resolver, host: string): Promise<Outcome> {
  return new Promise((resolve) => {
    resolver.resolve({
      host,
      onResolved(name, address) {
        resolve({ resolved: true, host: name, address, self: this });
      },
      onError(name) {
        resolve({ resolved: false, host: name, self: this });
      },
    });
  });
}

/** Answers A queries for `example.test` with 10.1.2.3, NXDOMAIN otherwise. */
async function dnsServer(): Promise<{ address: string; close(): void }> {
  const server = dgram.createSocket("udp4");
  server.on("message", (query, peer) => {
    let offset = 12;
    const labels: string[] = [];
    while (query[offset]) {
      labels.push(query.subarray(offset + 1, offset + 1 + query[offset]!).toString());
      offset += 1 + query[offset]!;
    }
    const question = query.subarray(12, offset + 5);
    const found = labels.join(".").toLowerCase() === "example.test";
    const header = Buffer.from([query[0]!, query[1]!, 0x81, found ? 0x80 : 0x83, 0, 1, 0, found ? 1 : 0, 0, 0, 0, 0]);
    const answer = found ? Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3]) : Buffer.alloc(0);
    server.send(Buffer.concat([header, question, answer]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => server.bind(0, "127.0.0.1", resolve));
  return { address: `127.0.0.1:${server.address().port}`, close: () => server.close() };
}

describe("host simulator: embedded:network/dns/resolver/udp", function () {
  it('resolves "localhost" to 127.0.0.1 without a query (host reported as "127.0.0.1", this = resolver)', async () => {
    const resolver = new Resolver({ servers: [], socket });
    let sync = true;
    const pending = lookup(resolver, "localhost");
    sync = false;
    const outcome = await pending;
    assert.equal(sync, false);
    assert.deepEqual(outcome, { resolved: true, host: "127.0.0.1", address: "127.0.0.1", self: resolver });
    resolver.close();
  });

  it("resolves an IPv4 literal to itself", async () => {
    const resolver = new Resolver({ servers: [], socket });
    const outcome = await lookup(resolver, "192.0.2.7");
    assert.deepEqual(outcome, { resolved: true, host: "192.0.2.7", address: "192.0.2.7", self: resolver });
  });

  it("queries the configured server for A records; a negative answer is onError", async () => {
    const server = await dnsServer();
    try {
      const resolver = new Resolver({ servers: [server.address], socket });
      assert.deepEqual(await lookup(resolver, "example.test"), { resolved: true, host: "example.test", address: "10.1.2.3", self: resolver });
      assert.deepEqual(await lookup(resolver, "missing.test"), { resolved: false, host: "missing.test", self: resolver });
      resolver.close();
    } finally {
      server.close();
    }
  });

  it("refuses bad requests; after close() no callback arrives", async () => {
    const resolver = new Resolver({ servers: ["127.0.0.1"], socket });
    assert.throws(() => resolver.resolve({ host: "" }), Error);
    assert.throws(() => resolver.resolve({ host: "example.test" }), Error);
    let called = false;
    resolver.resolve({ host: "10.0.0.1", onResolved: () => (called = true) });
    resolver.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(called, false);
    assert.throws(() => resolver.resolve({ host: "10.0.0.1", onResolved() {} }), Error);
  });
});
