/**
 * Host simulator: `embedded:io/socket/tcp/tls` against a Node TLS server on
 * 127.0.0.1 whose certificate chain (test CA → leaf for localhost /
 * 127.0.0.1) is generated at test time with the openssl CLI.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import TCP from "embedded:io/socket/tcp";
import TLSSocket, { type Options, type TLSInfo } from "embedded:io/socket/tcp/tls";
import { deferred, delay, within } from "./support";

const text = (buffer: ArrayBuffer) => Buffer.from(buffer).toString();
const bytes = (value: string) => Uint8Array.from(Buffer.from(value));

interface Credentials {
  caDER: ArrayBuffer;
  key: string;
  chain: string;
}

/** A CA and a leaf certificate it signs (P-256, SAN DNS:localhost + IP:127.0.0.1). */
function makeCredentials(): Credentials {
  const dir = mkdtempSync(join(tmpdir(), "sim-tls-"));
  try {
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Simulator Test CA",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    openssl("req", "-new", ...ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost");
    writeFileSync(join(dir, "ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
      + "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "0x5157",
      "-days", "2", "-sha256", "-extfile", "ext.cnf", "-out", "leaf.pem");
    const ca = readFileSync(join(dir, "ca.pem"), "utf8");
    return {
      caDER: Uint8Array.from(new X509Certificate(ca).raw).buffer,
      key: readFileSync(join(dir, "leaf.key"), "utf8"),
      chain: readFileSync(join(dir, "leaf.pem"), "utf8") + ca, // the device needs the issuing CA in the chain
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("host simulator: embedded:io/socket/tcp/tls", function () {
  let credentials: Credentials;
  const cleanup: (() => void)[] = [];

  before(function () {
    try {
      execFileSync("openssl", ["version"], { stdio: "pipe" });
    } catch {
      this.skip(); // no openssl CLI: cannot make a certificate chain offline
    }
    credentials = makeCredentials();
  });

  afterEach(() => {
    for (const step of cleanup.splice(0).reverse()) {
      try {
        step();
      } catch {
        // already closed
      }
    }
  });

  /** A Node TLS server on 127.0.0.1 (closed after the test). */
  async function serve(onConnection: (socket: tls.TLSSocket) => void, options: tls.TlsOptions = {}): Promise<number> {
    const sockets = new Set<tls.TLSSocket>();
    const server = tls.createServer({ key: credentials.key, cert: credentials.chain, ...options }, (socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      onConnection(socket);
    });
    server.on("tlsClientError", () => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => {
      for (const socket of sockets) socket.destroy();
      server.close();
    });
    return (server.address() as { port: number }).port;
  }

  type Events = { writable: Promise<number>; error: Promise<void>; socket: TLSSocket };

  function connect(port: number, options: Partial<Options>): Events {
    const writable = deferred<number>();
    const error = deferred();
    const socket = new TLSSocket({
      address: "127.0.0.1",
      port,
      host: "localhost",
      TCP: { io: TCP },
      onWritable: (count) => writable.resolve(count),
      onError: () => error.resolve(),
      ...options,
    });
    cleanup.push(() => socket.close());
    return { writable: writable.promise, error: error.promise, socket };
  }

  const failed = (events: Events) =>
    Promise.race([events.error.then(() => "onError"), events.writable.then(() => "connected")]);

  it("connects when the CA is trusted through secure.certificate, and round-trips data", async () => {
    const port = await serve((socket) => socket.pipe(socket));
    const echoed = deferred<string>();
    let received = "";
    let self: unknown;
    const events = connect(port, {
      secure: { certificate: credentials.caDER },
      onReadable(count) {
        self = this;
        const data = events.socket.read()!;
        assert.equal(data.byteLength, count);
        received += text(data);
        if (received === "hello over tls") echoed.resolve(received);
      },
    });
    const early = events.socket.tlsInfo;
    assert.equal(early, undefined, "no TLS info before the handshake");
    assert.throws(() => events.socket.write(bytes("early")), /^Error: not ready/);
    const count = await within(5000, events.writable, "handshake");
    assert.equal(count, 8192 - 96, "TCP free space less the device's 96-byte TLS estimate");

    const info: TLSInfo = events.socket.tlsInfo!;
    assert.equal(info.protocol, "TLSv1.2");
    assert.equal(info.cipher, "ECDHE-ECDSA-AES128-GCM-SHA256");
    assert.match(info.peerSubject, /CN=localhost/);
    assert.equal(new X509Certificate(Buffer.from(info.peerCertificate)).subject, "CN=localhost");

    assert.equal(events.socket.write(bytes("hello "), { more: true }), 8192 - 6 - 32, "held bytes and the 32-byte margin");
    const left = events.socket.write(bytes("over tls"));
    assert.equal(left, 8192 - (5 + 8 + 14 + 16) - 32, "one AES-GCM record of 14 bytes is on its way");
    assert.equal(await within(5000, echoed.promise, "echo"), "hello over tls");
    assert.notEqual(self, events.socket, "callbacks are not called on the socket, as on the device");
  });

  it("fails (onError, never onWritable) without the CA", async () => {
    const port = await serve(() => {});
    assert.equal(await within(5000, failed(connect(port, {})), "handshake"), "onError");
  });

  it("fails when the server name does not match the certificate", async () => {
    const port = await serve(() => {});
    const events = connect(port, { host: "example.com", secure: { certificate: credentials.caDER } });
    assert.equal(await within(5000, failed(events), "handshake"), "onError");
  });

  it("accepts 127.0.0.1 as server name through an IP subjectAltName", async () => {
    const port = await serve(() => {});
    const events = connect(port, { host: undefined, secure: { serverName: "127.0.0.1", certificate: credentials.caDER } });
    assert.equal(await within(5000, failed(events), "handshake"), "connected");
  });

  it("secure.verify = false accepts an untrusted certificate (insecure switch)", async () => {
    const port = await serve(() => {});
    const events = connect(port, { secure: { verify: false } });
    assert.equal(await within(5000, failed(events), "handshake"), "connected");
  });

  it("delivers one record at a time, then onError after the peer closes", async () => {
    const port = await serve((socket) => {
      socket.write("first");
      setTimeout(() => socket.end("second"), 50);
    });
    const counts: number[] = [];
    const firstSeen = deferred();
    const secondSeen = deferred();
    let errorAt = -1;
    const events = connect(port, {
      secure: { certificate: credentials.caDER },
      onReadable(count) {
        counts.push(count);
        if (counts.length === 1) firstSeen.resolve();
        else secondSeen.resolve();
      },
      onError: () => (errorAt = counts.length),
    });
    await within(5000, firstSeen.promise, "first record");
    await delay(150); // the second record and the close arrive meanwhile
    assert.deepEqual(counts, [5]);
    assert.equal(errorAt, -1, "onError before the data was read");
    assert.equal(text(events.socket.read()!), "first");
    await within(5000, secondSeen.promise, "second record");
    assert.deepEqual(counts, [5, 6]);
    const view = new Uint8Array(10);
    assert.equal(events.socket.read(view), 6);
    assert.equal(Buffer.from(view.subarray(0, 6)).toString(), "second");
    assert.equal(events.socket.read(), undefined);
    await delay(50);
    assert.equal(errorAt, 2);
  });

  it("requires options.TCP, and ALPN reaches the server", async () => {
    assert.throws(() => new TLSSocket({ address: "127.0.0.1", port: 1 } as Options), TypeError);
    const port = await serve(() => {}, { ALPNProtocols: ["x-sim"] });
    const events = connect(port, { secure: { certificate: credentials.caDER, applicationLayerProtocolNegotiation: "x-sim" } });
    await within(5000, events.writable, "handshake");
    assert.equal(events.socket.tlsInfo?.alpnProtocol, "x-sim");
  });
});
