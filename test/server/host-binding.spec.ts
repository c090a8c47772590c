/**
 * A Server's `host` option reaches the listener: the host simulator binds
 * that address (the ESP32 build binds every interface whatever it is).
 */
import assert from "node:assert/strict";
import { acceptsTcp as accepts } from "../peers/types";
import { Server } from "../../modules/websocket/server/server";

function closed(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(resolve));
}

describe("server: host binding", () => {
  it("host 127.0.0.1: reachable there only, with its port known at once", async () => {
    const server = new Server({ port: 0, host: "127.0.0.1" });
    try {
      assert.ok(server.port > 0);
      assert.deepEqual(server.address(), { port: server.port, address: "127.0.0.1" });
      assert.equal(await accepts("127.0.0.1", server.port), true);
      assert.equal(await accepts("127.0.0.2", server.port), false);
    } finally {
      await closed(server);
    }
  });

  it("host ::1: reachable on IPv6 loopback, not on 127.0.0.1", async () => {
    const server = new Server({ port: 0, address: "::1" });
    try {
      assert.equal(await accepts("::1", server.port), true);
      assert.equal(await accepts("127.0.0.1", server.port), false);
    } finally {
      await closed(server);
    }
  });

  it("no host: every interface, as on the device", async () => {
    const server = new Server({ port: 0 });
    try {
      assert.equal(await accepts("127.0.0.1", server.port), true);
      assert.equal(await accepts("127.0.0.2", server.port), true);
    } finally {
      await closed(server);
    }
  });

  it("a host name, or an address not on this host: not listening (port 0) and an error event", async () => {
    for (const [host, message] of [["localhost", "invalid address"], ["192.0.2.1", "socket bind"]] as const) {
      const server = new Server({ port: 0, host });
      const error = await new Promise<unknown>((resolve) => server.once("error", resolve));
      assert.equal(server.port, 0, host);
      assert.ok(error instanceof Error && error.message === message, `${host}: ${String(error)}`);
      await closed(server);
    }
  });
});
