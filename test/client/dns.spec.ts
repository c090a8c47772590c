/**
 * Host names go through the SDK's DNS resolver (`embedded:network/dns/resolver/udp`,
 * simulated with node:dns): here against a tiny loopback DNS server.
 */
import assert from "node:assert/strict";
import dgram from "node:dgram";
import type { AddressInfo } from "node:net";
import { startWsEchoServer } from "../peers/index";
import { cleanupRegistry, Session } from "./support";

/** A UDP DNS server answering A queries for `names` with 127.0.0.1, NXDOMAIN otherwise. */
async function startDns(names: readonly string[]): Promise<{ server: string; queries: string[]; close(): Promise<void> }> {
  const socket = dgram.createSocket("udp4");
  const queries: string[] = [];
  socket.on("message", (query, peer) => {
    let offset = 12;
    const labels: string[] = [];
    while (query[offset]! > 0) {
      labels.push(query.subarray(offset + 1, offset + 1 + query[offset]!).toString("latin1"));
      offset += query[offset]! + 1;
    }
    const questionEnd = offset + 5;
    const name = labels.join(".").toLowerCase();
    queries.push(name);
    const known = names.includes(name) && query.readUInt16BE(offset + 1) === 1;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0);
    header.writeUInt16BE(known ? 0x8180 : 0x8183, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(known ? 1 : 0, 6);
    const answer = known ? Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]) : Buffer.alloc(0);
    socket.send(Buffer.concat([header, query.subarray(12, questionEnd), answer]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const port = (socket.address() as AddressInfo).port;
  return { server: `127.0.0.1:${port}`, queries, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

/** The simulator's resolver does not use the UDP class; the device needs `{io: UDP}` from embedded:io/socket/udp. */
const udp = { io: class Placeholder {} };

describe("channel DNS resolution", function () {
  const later = cleanupRegistry();

  it("resolves a host name with the SDK resolver, keeping the name in the URI", async () => {
    const dns = later(await startDns(["echo.test"]));
    const echo = later(await startWsEchoServer());
    const url = `ws://echo.test:${echo.port}/named`;
    const session = later(new Session(url, { dns: { servers: [dns.server], socket: udp } }));
    await session.opened();
    assert.equal(session.channel.URI, url);
    session.channel.sendMsg("resolved");
    assert.equal(await session.message(), "resolved");
    await session.end();
    assert.deepEqual(dns.queries, ["echo.test"]);
    const [log] = await echo.waitForClosed();
    assert.ok(log!.headers.some(([name, value]) => name.toLowerCase() === "host" && value === `echo.test:${echo.port}`));
  });

  it("reports NS_ERROR_UNKNOWN_HOST for a name that does not resolve", async () => {
    const dns = later(await startDns([]));
    const status = await later(new Session("ws://missing.test/", { dns: { servers: [dns.server], socket: udp } })).stopped();
    assert.equal(status.code, "NS_ERROR_UNKNOWN_HOST");
    assert.match(status.message, /missing\.test/);
  });

  it("aborts while resolving", async () => {
    const dns = later(await startDns(["slow.test"]));
    const session = later(new Session("ws://slow.test/", { dns: { servers: [dns.server], socket: udp } }));
    await new Promise((resolve) => setTimeout(resolve, 0)); // the start has run: the lookup is under way
    session.channel.close();
    const status = await session.stopped();
    assert.equal(status.code, "NS_ERROR_ABORT");
    assert.deepEqual(session.events.map((e) => e.kind), ["stop"]);
  });
});
