/**
 * The closing handshake (RFC 6455 §5.5.1, §7): initiated by either side,
 * who closes the transport (the server, §7.1.1) and when a client gives up
 * waiting; close codes and reasons on send and on receive; the end of the
 * connection (`transportClosed`, `onClosed` exactly once, 1006).
 */
import { ProtocolError } from "../../modules/websocket/core/errors";
import { encodeUtf8 } from "../../modules/websocket/core/utf8";
import { bytesEqual, check, equal, hex, throwsCode, type VectorCase } from "./harness";
import { ascii, closeCodeOfFrame, closePayload, concat, encodeFrame, OP } from "./support/frames";
import { expectFailure, openPair, pipe, take, takeFrames } from "./support/pipe";

const KEY = hex("a1b2c3d4");

function result(code: number, reason: string, wasClean: boolean): string {
  return JSON.stringify({ code, reason, wasClean });
}

function closedAs(closed: unknown[], expected: string, what: string): void {
  equal(closed.length, 1, `${what}: onClosed calls`);
  equal(JSON.stringify(closed[0]), expected, `${what}: close result`);
}

export const connectionCloseCases: VectorCase[] = [
  {
    name: "close: client initiates; codes and reasons delivered; the server closes the transport first; both clean",
    run() {
      const pair = openPair();
      pair.clock.t = 1000;
      pair.client.close(1000, "bye ü");
      equal(pair.client.state, 2, "client CLOSING");
      equal(pair.client.nextDeadline(), 6000, "client close deadline (default closeTimeout 5000)");
      const frames = takeFrames(pair.client);
      equal(frames.length, 1, "one frame");
      check(frames[0]!.opcode === OP.close && frames[0]!.masked, "a masked close frame");
      bytesEqual(frames[0]!.payload, concat(hex("03e8"), encodeUtf8("bye ü")), "close payload");
      pair.server.receive(encodeFrame({ opcode: OP.close, payload: frames[0]!.payload, key: KEY }));
      equal(pair.s.log.join(" "), "closeFrame:1000 closeTransport", "server events");
      equal(pair.s.closeFrames[0]!.reason, "bye ü", "reason delivered");
      equal(pair.server.state, 2, "server CLOSING");
      const echo = take(pair.server);
      bytesEqual(echo, hex("88 02 03e8"), "server echoes the code, without the reason");
      pair.clock.t = 1100;
      pair.client.receive(echo);
      equal(pair.c.log.join(" "), "closeFrame:1000", "client events: no transport close of its own");
      equal(pair.client.peekOutput(), undefined, "the client answers nothing");
      equal(pair.client.nextDeadline(), 6100, "client waits closeTimeout for the server to close");
      pair.server.transportClosed();
      pair.client.transportClosed();
      closedAs(pair.s.closed, result(1000, "bye ü", true), "server");
      closedAs(pair.c.closed, result(1000, "", true), "client");
      equal(pair.client.state, 3, "client CLOSED");
      equal(pair.server.state, 3, "server CLOSED");
      equal(pair.client.nextDeadline(), Number.POSITIVE_INFINITY, "no deadline once closed");
    },
  },
  {
    name: "close: server initiates; the client echoes, waits, and closes the transport after closeTimeout on its clock",
    run() {
      const pair = openPair({ client: { closeTimeout: 2000 }, server: { closeTimeout: 700 } });
      pair.clock.t = 100;
      pair.server.close(1001, "going away");
      equal(pair.server.nextDeadline(), 800, "server close deadline");
      const frame = take(pair.server);
      bytesEqual(frame, concat(hex("88 0c 03e9"), ascii("going away")), "server close bytes");
      pair.clock.t = 150;
      pair.client.receive(frame);
      equal(pair.c.log.join(" "), "closeFrame:1001", "client events");
      const echo = takeFrames(pair.client);
      equal(echo.length, 1, "one echo");
      check(echo[0]!.masked && echo[0]!.opcode === OP.close, "masked close");
      equal(closeCodeOfFrame(echo[0]!), 1001, "echoed code");
      equal(echo[0]!.payload.length, 2, "no reason in the echo");
      equal(pair.client.nextDeadline(), 2150, "client deadline");
      pair.server.receive(encodeFrame({ opcode: OP.close, payload: echo[0]!.payload, key: echo[0]!.key }));
      equal(pair.s.log.join(" "), "closeFrame:1001 closeTransport", "server closes the transport on the echo");
      equal(pair.server.nextDeadline(), Number.POSITIVE_INFINITY, "server deadline cleared");
      // The server's transport close never reaches the client: it gives up on its own clock.
      pair.client.handleTimeout(2149);
      equal(pair.c.closeTransportRequests, 0, "not before closeTimeout");
      pair.clock.t = 2150;
      pair.client.handleTimeout();
      equal(pair.c.closeTransportRequests, 1, "at closeTimeout");
      pair.client.handleTimeout(9999);
      equal(pair.c.closeTransportRequests, 1, "asked once");
      pair.client.transportClosed();
      closedAs(pair.c.closed, result(1001, "going away", true), "client");
    },
  },
  {
    name: "close: a close that gets no answer ends after closeTimeout, not clean, with 1006",
    run() {
      const pair = openPair({ server: { closeTimeout: 300 } });
      pair.server.close(1000);
      take(pair.server);
      pair.server.handleTimeout(299);
      equal(pair.s.closeTransportRequests, 0, "not yet");
      pair.server.handleTimeout(300);
      equal(pair.s.closeTransportRequests, 1, "transport close requested");
      pair.server.transportClosed();
      closedAs(pair.s.closed, result(1006, "", false), "server");
    },
  },
  {
    name: "close: without a status code: sent empty, reported as 1005, echoed as an empty close",
    run() {
      const pair = openPair();
      pair.client.close();
      const frames = takeFrames(pair.client);
      equal(frames[0]!.payload.length, 0, "empty close payload");
      check(frames[0]!.masked, "masked");
      pair.server.receive(encodeFrame({ opcode: OP.close, key: KEY }));
      equal(pair.s.log.join(" "), "closeFrame:1005 closeTransport", "server events");
      const echo = take(pair.server);
      bytesEqual(echo, hex("8800"), "empty echo");
      pair.client.receive(echo);
      equal(pair.c.log.join(" "), "closeFrame:1005", "client events");
      pair.server.transportClosed();
      pair.client.transportClosed();
      closedAs(pair.s.closed, result(1005, "", true), "server");
      closedAs(pair.c.closed, result(1005, "", true), "client");
    },
  },
  {
    name: "close: every code valid on the wire is accepted and echoed (1000–1003, 1007–1014, 3000–4999)",
    run() {
      for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]) {
        const pair = openPair();
        pair.client.receive(encodeFrame({ opcode: OP.close, payload: closePayload(code, ascii("r")) }));
        equal(pair.c.log.join(" "), `closeFrame:${code}`, `events for ${code}`);
        equal(pair.c.closeFrames[0]!.reason, "r", `reason for ${code}`);
        const echo = takeFrames(pair.client);
        equal(closeCodeOfFrame(echo[0]!), code, `echo of ${code}`);
        pair.client.close(1000); // already closing: nothing more is sent
        equal(pair.client.peekOutput(), undefined, `close() while closing sends nothing (${code})`);
      }
    },
  },
  {
    name: "close: invalid codes and reasons are refused on send with a UsageError; the connection stays open",
    run() {
      const pair = openPair();
      for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535, 1000.5, -1]) {
        throwsCode(() => pair.client.close(code), "WS_ERR_INVALID_CLOSE_CODE");
      }
      throwsCode(() => pair.client.close(undefined, "why"), "WS_ERR_REASON_WITHOUT_CODE");
      throwsCode(() => pair.client.close(1000, "x".repeat(124)), "WS_ERR_CLOSE_REASON_TOO_LONG");
      throwsCode(() => pair.client.close(1000, "é".repeat(62)), "WS_ERR_CLOSE_REASON_TOO_LONG"); // 124 bytes
      equal(pair.client.state, 1, "still OPEN");
      equal(pair.client.bufferedAmount, 0, "nothing queued");
      pair.client.sendText("still open");
      take(pair.client);
      pair.client.close(4999, "é".repeat(61) + "x"); // 123 bytes of reason
      const frame = takeFrames(pair.client)[0]!;
      equal(frame.payload.length, 125, "a 125-byte close payload");
      equal(closeCodeOfFrame(frame), 4999, "code");
    },
  },
  {
    name: "close: invalid close payloads received fail the connection (1-byte → 1002, bad code → 1002, bad reason → 1007)",
    run() {
      const bad: Array<[Uint8Array, string, number]> = [
        [hex("03"), "WS_ERR_INVALID_CLOSE_PAYLOAD", 1002],
        ...[0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535].map((code): [Uint8Array, string, number] => [closePayload(code), "WS_ERR_INVALID_CLOSE_CODE", 1002]),
        [closePayload(1000, hex("ff")), "WS_ERR_INVALID_CLOSE_REASON", 1007],
        [closePayload(1000, hex("6f6be282")), "WS_ERR_INVALID_CLOSE_REASON", 1007], // truncated sequence
        [closePayload(1000, hex("c0af")), "WS_ERR_INVALID_CLOSE_REASON", 1007], // overlong
        [closePayload(1000, hex("eda080")), "WS_ERR_INVALID_CLOSE_REASON", 1007], // surrogate
      ];
      for (const [payload, code, closeCode] of bad) {
        for (const role of ["client", "server"] as const) {
          const pair = openPair();
          const conn = role === "client" ? pair.client : pair.server;
          const rec = role === "client" ? pair.c : pair.s;
          conn.receive(encodeFrame({ opcode: OP.close, payload, key: role === "server" ? KEY : null }));
          equal(rec.closeFrames.length, 0, `${role}: no close frame delivered`);
          expectFailure(conn, rec, code, closeCode);
          conn.transportClosed();
          closedAs(rec.closed, result(1006, "", false), `${role} ${code}`);
        }
      }
    },
  },
  {
    name: "close: bytes after the close frame are ignored, in the same chunk or later",
    run() {
      const pair = openPair();
      pair.server.receive(
        concat(
          encodeFrame({ opcode: OP.close, payload: closePayload(1000), key: KEY }),
          encodeFrame({ opcode: OP.text, payload: ascii("late"), key: KEY }),
          encodeFrame({ opcode: OP.ping, key: KEY }),
          hex("ff ff ff"),
        ),
      );
      equal(pair.s.log.join(" "), "closeFrame:1000 closeTransport", "server events");
      bytesEqual(take(pair.server), hex("8802 03e8"), "only the echo");
      pair.client.receive(encodeFrame({ opcode: OP.close, payload: closePayload(1000) }));
      take(pair.client);
      pair.client.receive(encodeFrame({ opcode: OP.text, payload: ascii("late") }));
      pair.client.receive(hex("ff ff"));
      equal(pair.c.log.join(" "), "closeFrame:1000", "client events");
      equal(pair.client.peekOutput(), undefined, "nothing written");
    },
  },
  {
    name: "close: after sending close, messages still arrive until the peer's close frame; pings are not answered",
    run() {
      const pair = openPair();
      pair.server.close(1000);
      pair.client.sendText("in flight");
      pair.client.ping("p");
      pipe(pair.client, pair.server);
      equal(pair.s.log.join(" "), "text:9 ping:1", "server events");
      pipe(pair.server, pair.client);
      equal(takeFrames(pair.server).length, 0, "no pong from a closing server");
      pipe(pair.client, pair.server);
      equal(pair.s.log.join(" "), "text:9 ping:1 closeFrame:1000 closeTransport", "then the echo");
    },
  },
  {
    name: "close: close() before the handshake ends the connection without a frame",
    run() {
      const pair = openPair({ client: { open: false }, server: { open: false } });
      pair.client.startHandshake({ host: "h", port: 80, secure: false, resource: "/" });
      take(pair.client);
      pair.client.close(1000, "never mind");
      equal(pair.c.log.join(" "), "closeTransport", "client events");
      equal(pair.client.peekOutput(), undefined, "no close frame before open");
      pair.client.transportClosed();
      closedAs(pair.c.closed, result(1006, "", false), "client");
      pair.server.close();
      equal(pair.s.log.join(" "), "closeTransport", "server events");
    },
  },
  {
    name: "transportClosed without a close handshake: 1006, not clean; onClosed exactly once; CLOSED is final",
    run() {
      const pair = openPair({ client: { pingInterval: 10 } });
      pair.client.sendText("queued");
      pair.client.transportClosed();
      pair.client.transportClosed();
      closedAs(pair.c.closed, result(1006, "", false), "client");
      equal(pair.client.state, 3, "CLOSED");
      equal(pair.client.bufferedAmount, 0, "the queue is dropped");
      equal(pair.client.peekOutput(), undefined, "nothing to write");
      pair.client.receive(encodeFrame({ opcode: OP.text, payload: ascii("x") }));
      pair.client.handleTimeout(1_000_000);
      pair.client.close(1000);
      equal(pair.client.nextDeadline(), Number.POSITIVE_INFINITY, "no deadline");
      equal(pair.c.log.join(" "), "closed:1006:unclean", "nothing after onClosed");
      // After a close sent but never answered, and after a failure.
      pair.server.close(1000);
      pair.server.transportClosed();
      closedAs(pair.s.closed, result(1006, "", false), "server after an unanswered close");
      const failed = openPair();
      failed.server.receive(hex("8100")); // unmasked at a server
      failed.server.transportClosed();
      failed.server.transportClosed();
      closedAs(failed.s.closed, result(1006, "", false), "after a failure");
      // Both close frames exchanged, but the host failed the connection before the transport closed: not clean.
      const late = openPair();
      late.client.receive(encodeFrame({ opcode: OP.close, payload: closePayload(1000) }));
      late.client.fail(new ProtocolError("WS_ERR_PING_TIMEOUT"));
      equal(late.c.log.join(" "), "closeFrame:1000 error:WS_ERR_PING_TIMEOUT closeTransport", "events");
      late.client.transportClosed();
      closedAs(late.c.closed, result(1000, "", false), "failed after the close handshake");
    },
  },
];
