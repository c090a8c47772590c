/**
 * Regression vectors for defects found in the core while writing the
 * connection vectors. (The third defect, a quadratic pure UTF-8 encoder on
 * XS, is a matter of speed: the codec benchmark covers it, not a test.)
 */
import { Connection } from "../../modules/websocket/core/connection";
import { check, equal, hex, type VectorCase } from "./harness";
import { ascii, encodeFrame, OP, pattern } from "./support/frames";
import { openPair, Recorder, take } from "./support/pipe";
import { sha1 } from "./support/sha1";

export const connectionRegressionCases: VectorCase[] = [
  {
    name: "regression: a server refusal reports onError before the host, pulling after the call, closes the transport",
    run() {
      const host = new Recorder();
      const server = new Connection({ role: "server", events: host, sha1 });
      server.receive(ascii("POST /chat HTTP/1.1\r\nHost: h\r\n\r\n"));
      check(server.transportCloseRequested, "the transport close is requested");
      const written = take(server);
      server.transportClosed();
      check(/^HTTP\/1\.1 405 /.test(String.fromCharCode(...written.subarray(0, 13))), "the 405 was written");
      equal(host.closed.length, 1, "onClosed");
      equal(host.errors.length, 1, `onError calls (log: ${host.log.join(" ")})`);
      equal(server.failure?.code, "WS_ERR_BAD_METHOD", "connection.failure");
    },
  },
  {
    name: "regression: automatic pongs respect maxQueuedBytes (a peer that pings and never reads cannot grow the send queue without bound)",
    run() {
      const pair = openPair({ limits: { maxQueuedBytes: 1000 } });
      const ping = encodeFrame({ opcode: OP.ping, payload: pattern(125), key: hex("01020304") });
      for (let i = 0; i < 100; i++) pair.server.receive(ping.slice()); // the host cannot write: the peer does not read
      equal(pair.s.pings.length, 100, "pings delivered");
      check(pair.server.bufferedAmount <= 1000, `bufferedAmount ${pair.server.bufferedAmount} is over maxQueuedBytes 1000`);
    },
  },
];
