/**
 * Keepalive through the connection: a ping after `pingInterval` of receive
 * silence, postponed by any byte received, failed after `pingTimeout`
 * without an answer (WS_ERR_PING_TIMEOUT, no close frame), the round-trip
 * time from ping to pong, and the deadlines `nextDeadline` reports.
 */
import { ProtocolError } from "../../modules/websocket/core/errors";
import { bytesEqual, check, equal, hex, type VectorCase } from "./harness";
import { ascii, concat, encodeFrame, OP } from "./support/frames";
import { defaultRequest, expectFailure, openPair, pipe, settle, take, takeFrames } from "./support/pipe";

const KEY = hex("01020304");

export const connectionKeepaliveCases: VectorCase[] = [
  {
    name: "idle timeout: after idleTimeout of receive silence the connection closes with 1001 \"idle\"; anything received postpones it",
    run() {
      const pair = openPair({ server: { idleTimeout: 1000 } });
      equal(pair.server.nextDeadline(), 1000, "the idle deadline");
      pair.clock.t = 600;
      pair.server.receive(encodeFrame({ opcode: OP.text, payload: ascii("hi"), key: KEY }));
      equal(pair.server.nextDeadline(), 1600, "postponed by a message");
      pair.server.handleTimeout(1599);
      equal(pair.server.peekOutput(), undefined, "nothing before the deadline");
      pair.clock.t = 1600;
      pair.server.handleTimeout();
      const frames = takeFrames(pair.server);
      equal(frames.length, 1, "one frame");
      equal(frames[0]!.opcode, OP.close, "a close frame");
      bytesEqual(frames[0]!.payload, concat(hex("03e9"), ascii("idle")), "1001, \"idle\"");
      equal(pair.server.state, 2, "CLOSING: a clean closing handshake follows");
      equal(pair.s.errors.length, 0, "not a failure");
    },
  },
  {
    name: "keepalive: no ping before pingInterval of silence, a ping at it, the round-trip time from ping to pong",
    run() {
      const pair = openPair({ server: { pingInterval: 1000, pingTimeout: 500 } });
      equal(pair.server.nextDeadline(), 1000, "first deadline: pingInterval after the start");
      equal(pair.client.nextDeadline(), Number.POSITIVE_INFINITY, "no keepalive by default");
      check(Number.isNaN(pair.server.roundTripTime), "no round-trip time before a ping");
      pair.clock.t = 999;
      pair.server.handleTimeout();
      equal(pair.server.peekOutput(), undefined, "no ping before pingInterval");
      pair.clock.t = 1000;
      pair.server.handleTimeout();
      bytesEqual(take(pair.server), hex("8900"), "an empty ping at pingInterval");
      equal(pair.server.nextDeadline(), 1500, "then the ping timeout deadline");
      pair.server.handleTimeout(1200);
      equal(pair.server.peekOutput(), undefined, "one ping at a time");
      pair.client.receive(hex("8900"));
      pair.clock.t = 1234;
      pipe(pair.client, pair.server);
      equal(pair.s.log.join(" "), "pong:0", "the pong arrived");
      equal(pair.server.roundTripTime, 234, "round-trip time");
      equal(pair.server.nextDeadline(), 2234, "next ping pingInterval after the pong");
      pair.clock.t = 2234;
      pair.server.handleTimeout();
      equal(takeFrames(pair.server)[0]?.opcode, OP.ping, "second ping");
      pair.clock.t = 2244;
      pair.server.receive(encodeFrame({ opcode: OP.pong, key: KEY }));
      equal(pair.server.roundTripTime, 10, "round-trip time of the second ping");
      equal(pair.s.errors.length, 0, "no errors");
    },
  },
  {
    name: "keepalive: any received byte postpones the ping and cancels the ping timeout",
    run() {
      const pair = openPair({ server: { pingInterval: 1000, pingTimeout: 500 } });
      const frame = encodeFrame({ opcode: OP.text, payload: ascii("hi"), key: KEY });
      pair.clock.t = 600;
      pair.server.receive(frame.slice(0, 1)); // one byte of a header
      equal(pair.server.nextDeadline(), 1600, "postponed by one byte");
      pair.server.handleTimeout(1000);
      equal(pair.server.peekOutput(), undefined, "no ping at the old deadline");
      pair.clock.t = 1500;
      pair.server.receive(frame.slice(1));
      equal(pair.server.nextDeadline(), 2500, "postponed by the rest");
      pair.clock.t = 2500;
      pair.server.handleTimeout();
      equal(takeFrames(pair.server).length, 1, "ping");
      equal(pair.server.nextDeadline(), 3000, "timeout deadline");
      pair.clock.t = 2800;
      pair.server.receive(encodeFrame({ opcode: OP.binary, payload: hex("00"), key: KEY })); // not a pong, but proof of life
      equal(pair.server.nextDeadline(), 3800, "the timeout is off; next ping after the interval");
      pair.server.handleTimeout(3000);
      equal(pair.s.errors.length, 0, "no timeout");
      check(Number.isNaN(pair.server.roundTripTime), "no round-trip time without a pong");
      equal(pair.s.log.join(" "), "text:2 binary:1", "events");
    },
  },
  {
    name: "keepalive: ping timeout fails with WS_ERR_PING_TIMEOUT and sends no close frame",
    run() {
      const pair = openPair({ client: { pingInterval: 200, pingTimeout: 50 } });
      pair.clock.t = 200;
      pair.client.handleTimeout();
      const ping = takeFrames(pair.client);
      check(ping.length === 1 && ping[0]!.opcode === OP.ping && ping[0]!.masked, "a masked ping");
      pair.client.handleTimeout(249);
      equal(pair.c.errors.length, 0, "not before pingTimeout");
      pair.clock.t = 250;
      pair.client.handleTimeout();
      check(pair.c.errors[0] instanceof ProtocolError, "a ProtocolError");
      expectFailure(pair.client, pair.c, "WS_ERR_PING_TIMEOUT", undefined);
      equal(pair.client.nextDeadline(), Number.POSITIVE_INFINITY, "no deadline left");
      pair.client.transportClosed();
      equal(JSON.stringify(pair.c.closed), JSON.stringify([{ code: 1006, reason: "", wasClean: false }]), "closed");
    },
  },
  {
    name: "keepalive: pingTimeout 0 waits for the pong forever, one ping only",
    run() {
      const pair = openPair({ server: { pingInterval: 100 } });
      pair.server.handleTimeout(100);
      equal(take(pair.server).length, 2, "a ping");
      equal(pair.server.nextDeadline(), Number.POSITIVE_INFINITY, "no timeout deadline");
      pair.server.handleTimeout(1e9);
      equal(pair.server.peekOutput(), undefined, "no second ping without news from the peer");
      equal(pair.s.errors.length, 0, "no failure");
    },
  },
  {
    name: "keepalive: starts when the handshake completes; not while CONNECTING or CLOSING",
    run() {
      const pair = openPair({ client: { open: false, pingInterval: 300, openTimeout: 10_000 }, server: { open: false, pingInterval: 300, closeTimeout: 900 } });
      equal(pair.client.nextDeadline(), 10_000, "only the open timeout while connecting");
      equal(pair.server.nextDeadline(), Number.POSITIVE_INFINITY, "nothing for a server without an open timeout");
      pair.client.handleTimeout(5000);
      equal(pair.client.peekOutput(), undefined, "no ping while connecting");
      pair.clock.t = 50;
      pair.client.startHandshake(defaultRequest);
      settle(pair.client, pair.server);
      equal(pair.client.nextDeadline(), 350, "client: pingInterval after open");
      equal(pair.server.nextDeadline(), 350, "server: pingInterval after open");
      pair.server.close(1000);
      take(pair.server);
      equal(pair.server.nextDeadline(), 950, "closing: only the close timeout");
      pair.server.handleTimeout(350);
      equal(pair.server.peekOutput(), undefined, "no ping while closing");
      equal(pair.s.closeTransportRequests, 0, "not yet");
      pair.server.handleTimeout(950);
      equal(pair.s.closeTransportRequests, 1, "close timeout");
    },
  },
];
