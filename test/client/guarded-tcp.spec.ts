/**
 * The TCP class a TLS socket runs over guards the TLS socket's own
 * handlers: what they throw (the SDK's TLS socket throws a certificate
 * error out of its TCP callback) fails the connection instead of escaping
 * into the runtime.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { guardedTcp } from "../../modules/websocket/client/dial";
import type { SocketCallbacks } from "../../modules/websocket/transport/socket-driver";
import { listenOnLoopback } from "../peers/types";

describe("client: the guarded TCP under a TLS socket", () => {
  it("a throw from a handler of the socket's user reaches socketFailed, not the runtime", async () => {
    const server = net.createServer((socket) => {
      socket.on("error", () => {}); // the client closes with "hello" unread: a reset, as lwIP does
      socket.end("hello");
    });
    const port = await listenOnLoopback(server);
    const failures: unknown[] = [];
    const callbacks: SocketCallbacks = {
      socketReadable: () => {},
      socketWritable: () => {},
      socketError: () => {},
      socketFailed: (error) => failures.push(error),
    };
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => void uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const GuardedTCP = guardedTcp(callbacks);
      const socket = new GuardedTCP({
        address: "127.0.0.1",
        port,
        // What the SDK's TLS socket does with a certificate it cannot verify: throw from inside its TCP callback.
        onReadable() {
          throw new Error("TLSError: certificate: auth err");
        },
      });
      for (let i = 0; i < 100 && failures.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      socket.close();
    } finally {
      process.off("uncaughtException", onUncaught);
      server.close();
    }
    assert.equal(failures.length >= 1, true, "socketFailed was called");
    assert.match(String((failures[0] as Error).message), /certificate: auth err/);
    assert.deepEqual(uncaught, []);
  });
});
