/**
 * Host simulator for `embedded:io/socket/tcp/tls`: the ECMA-419 TLS client
 * socket as the Moddable SDK builds it on ESP32 (examples/io/tcp/tlssocket
 * over modules/crypt/ssl/session_419.js), implemented with node:tls and the
 * same TLS 1.2 parameters. See hosts/moddable/types/tls.d.ts.
 */
import tls from "node:tls";
import { X509Certificate } from "node:crypto";
import {
  Channel, ERROR, READABLE, WRITABLE, bytesOf, getCallback, parseIPv4, validatePort, type SimulatedSocketOptions,
} from "./channel";

type Format = "buffer" | "number";

/** The `secure` dictionary (device names; see tls.d.ts). */
export interface SecureOptions {
  serverName?: string;
  certificate?: ArrayBuffer | ArrayBufferView;
  verify?: boolean;
  applicationLayerProtocolNegotiation?: string | ArrayBuffer | (string | ArrayBuffer)[];
}

/** Callbacks, called as methods of this record (not of the socket), as on the device. */
interface Callbacks {
  onReadable?: ((count: number) => void) | null | undefined;
  onWritable?: ((count: number) => void) | null | undefined;
  onError?: (() => void) | null | undefined;
}

/** Constructor options accepted by the simulator (see tls.d.ts). */
export interface TLSSocketOptions extends SimulatedSocketOptions, Callbacks {
  address?: string;
  port?: number;
  host?: string;
  nodelay?: boolean;
  secure?: SecureOptions;
  TCP?: { io: unknown };
}

/** After a completed handshake: what was negotiated (simulator only). */
export interface TLSInfo {
  protocol: string;
  cipher: string;
  peerSubject: string;
  peerCertificate: ArrayBuffer;
  alpnProtocol: string | undefined;
}

/** Cipher suites of modules/crypt/ssl/ssl_ciphersuites.js, in its order. */
const DEVICE_CIPHERS = [
  "AES128-SHA", "AES256-SHA", "AES128-SHA256", "AES256-SHA256",
  "DHE-RSA-AES128-SHA256", "DHE-RSA-AES256-SHA256", "DHE-RSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256",
].join(":");
const MAX_FRAGMENT = 16384;
const TLS_OVERHEAD = 96; // the device's estimate subtracted before onWritable
const WRITE_MARGIN = 32; // the device's margin subtracted from write()'s result

/** ECMA-419 TLS client socket (Moddable ESP32 semantics). */
export default class TLSSocket {
  #channel: Channel | undefined;
  #callbacks: Callbacks;
  #format: Format = "buffer";
  #announced = false;
  #more: Uint8Array[] | undefined;
  #info: TLSInfo | undefined;

  constructor(options: TLSSocketOptions) {
    const o = Object(options) as TLSSocketOptions;
    this.#callbacks = {
      onReadable: getCallback(o, "onReadable"),
      onWritable: getCallback(o, "onWritable"),
      onError: getCallback(o, "onError"),
    };
    if (typeof o.TCP?.io !== "function") throw new TypeError("options.TCP.io: a TCP socket class is required");
    const secure: SecureOptions = { ...o.secure };
    const serverName = "serverName" in secure ? secure.serverName : o.host;
    const verify = secure.verify ?? true;
    const address = parseIPv4(String(o.address));
    if (address === undefined) throw new Error("invalid address");
    const port = validatePort(o.port);

    const ca = [...tls.rootCertificates];
    if (secure.certificate) ca.push(certificatePEM(secure.certificate, verify));
    // allowHalfOpen: honored by tls.connect (passed to the TLSSocket), missing from @types/node.
    const connectOptions: tls.ConnectionOptions & { allowHalfOpen: boolean } = {
      host: address,
      port,
      servername: serverName && parseIPv4(serverName) === undefined ? serverName : undefined,
      ca,
      rejectUnauthorized: verify,
      checkServerIdentity: (_host, cert) => (verify ? checkIdentity(serverName, cert) : undefined),
      minVersion: "TLSv1.2",
      maxVersion: "TLSv1.2",
      ciphers: DEVICE_CIPHERS,
      ecdhCurve: "prime256v1",
      sigalgs: "ECDSA+SHA256:RSA+SHA256",
      ALPNProtocols: alpn(secure.applicationLayerProtocolNegotiation),
      allowHalfOpen: true,
    };
    const socket = tls.connect(connectOptions);
    if ("nodelay" in o) socket.setNoDelay(Boolean(o.nodelay));
    socket.once("secureConnect", () => {
      const raw = socket.getPeerCertificate().raw;
      this.#info = {
        protocol: socket.getProtocol() ?? "",
        cipher: socket.getCipher().name,
        peerSubject: raw ? new X509Certificate(raw).subject.split("\n").join(", ") : "",
        peerCertificate: raw ? Uint8Array.from(raw).buffer : new ArrayBuffer(0),
        alpnProtocol: socket.alpnProtocol || undefined,
      };
    });
    const channel = new Channel(socket, o, "secureConnect");
    channel.owner = (bits) => this.#deliver(channel, bits);
    this.#channel = channel;
  }

  /**
   * Reads from the current TLS record only. No argument: the rest of it.
   * A number: that many bytes (Error("invalid") if more than remain). A view:
   * fills up to its length, returns the count. Undefined when no record is
   * pending. In "number" format: one byte.
   */
  read(): ArrayBuffer | undefined;
  read(count: number): ArrayBuffer | undefined;
  read(buffer: ArrayBufferView): number | undefined;
  read(...args: [] | [count: number] | [buffer: ArrayBufferView]): ArrayBuffer | number | undefined {
    const channel = this.#channel;
    if (channel === undefined || channel.headAvailable === 0) return undefined;
    const available = channel.headAvailable;
    const arg = args[0];
    let into: Uint8Array;
    let result: ArrayBuffer | number;
    if (this.#format === "number") {
      into = new Uint8Array(1);
      result = 0;
    } else if (arg === undefined) {
      into = new Uint8Array(available);
      result = into.buffer as ArrayBuffer;
    } else if (typeof arg === "object") {
      if (!ArrayBuffer.isView(arg)) throw new RangeError("read(buffer) needs a view: the device copies nothing into a bare ArrayBuffer");
      into = new Uint8Array(arg.buffer, arg.byteOffset, Math.min(arg.byteLength, available));
      result = into.byteLength;
    } else {
      if (Number(arg) > available) throw new Error("invalid");
      into = new Uint8Array(Math.max(0, Number(arg) | 0));
      result = into.buffer as ArrayBuffer;
    }
    channel.take(into, into.byteLength, true);
    if (this.#format === "number") result = into[0]!;
    if (into.byteLength === available) {
      // record consumed: announce the next one later, as the device's Timer does
      this.#announced = false;
      if (channel.available) channel.trigger(READABLE);
      else if (channel.error) channel.trigger(ERROR);
    }
    return result;
  }

  /**
   * Encrypts `data` as one TLS record (at most 16384 bytes, else
   * Error("too large")). With `{more: true}` the bytes are only collected, to
   * go out with the next write. Returns the estimated plaintext space left.
   * Errors as TCP write: Error("not ready"), Error("would block").
   */
  write(data: ArrayBuffer | ArrayBufferView, options?: { more?: boolean }): number {
    const channel = this.#channel;
    if (channel === undefined) throw new TypeError("closed");
    const bytes = Uint8Array.prototype.slice.call(bytesOf(data));
    if (options?.more) {
      (this.#more ??= []).push(bytes);
      const buffered = this.#more.reduce((sum, chunk) => sum + chunk.byteLength, 0);
      return Math.max(0, channel.free - buffered - WRITE_MARGIN);
    }
    let record = bytes;
    if (this.#more) {
      record = Buffer.concat([...this.#more, bytes]);
      this.#more = undefined;
    }
    if (record.byteLength > MAX_FRAGMENT) throw new Error("too large");
    if (!channel.connected || this.#info === undefined) throw new Error("not ready");
    if (channel.error || !channel.alive) return NaN;
    const size = recordSize(this.#info.cipher, record.byteLength);
    if (size > channel.free) throw new Error("would block");
    channel.send(record, size);
    return Math.max(0, channel.free - WRITE_MARGIN);
  }

  /** Release the connection; no callback fires afterwards. */
  close(): void {
    const channel = this.#channel;
    this.#channel = undefined;
    channel?.close(false);
  }

  /** "buffer" (default) or "number". */
  get format(): Format {
    return this.#format;
  }

  set format(value: Format) {
    if (value !== "buffer" && value !== "number") throw new RangeError();
    this.#format = value;
  }

  /** Simulator only (undefined on the device): negotiated parameters, once the handshake is complete. */
  get tlsInfo(): TLSInfo | undefined {
    return this.#info;
  }

  #deliver(channel: Channel, bits: number): void {
    const callbacks = this.#callbacks;
    if (bits & ERROR) {
      channel.error = true;
      channel.connected = false;
    }
    if (bits & WRITABLE && !channel.error && channel.connected && channel.free > TLS_OVERHEAD) {
      callbacks.onWritable?.(channel.free - TLS_OVERHEAD);
    }
    if (this.#channel !== channel) return;
    if (bits & READABLE && !this.#announced && channel.headAvailable) {
      this.#announced = true;
      callbacks.onReadable?.(channel.headAvailable);
    }
    if (this.#channel !== channel) return;
    if (channel.error && !channel.available && !channel.errorReported) {
      channel.errorReported = true;
      callbacks.onError?.();
    }
  }
}

/** DER certificate → PEM; the device rejects an expired one when verifying. */
function certificatePEM(der: ArrayBuffer | ArrayBufferView, verify: boolean): string {
  const certificate = new X509Certificate(Buffer.from(bytesOf(der)));
  const now = Date.now();
  if (verify && !(Date.parse(certificate.validFrom) < now && now < Date.parse(certificate.validTo))) {
    throw new Error("date validation failed");
  }
  return certificate.toString();
}

/**
 * The device's host check (ssl_cert.js `verify`): a server name is required
 * and must match a subjectAltName dNSName (one leading "*." wildcard
 * label) or IPv4 iPAddress; the subject CN is never used.
 */
function checkIdentity(serverName: string | undefined, cert: tls.PeerCertificate): Error | undefined {
  if (!serverName) return new Error("tls_server_name required");
  const name = serverName.toLowerCase();
  for (const entry of (cert.subjectaltname ?? "").split(", ")) {
    if (entry.startsWith("DNS:")) {
      const san = entry.slice(4).replace(/^"|"$/g, "").toLowerCase();
      if (san.startsWith("*")) {
        const dot = name.indexOf(".");
        if (san.indexOf("*", 1) < 0 && dot >= 0 && san.slice(1) === name.slice(dot)) return undefined;
      } else if (san === name) return undefined;
    } else if (entry.startsWith("IP Address:") && entry.slice(11) === name) return undefined;
  }
  return new Error(`subjectAltName match failed for ${serverName}`);
}

/** ALPN protocol list in wire format (length-prefixed names), as the device sends it. */
function alpn(value: SecureOptions["applicationLayerProtocolNegotiation"]): Uint8Array | undefined {
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value]).map((item) => {
    const bytes = typeof item === "string" ? Buffer.from(item) : new Uint8Array(item);
    if (bytes.byteLength < 1 || bytes.byteLength > 255) throw new Error("invalid protocol");
    return bytes;
  });
  return Buffer.concat(items.flatMap((bytes) => [Uint8Array.of(bytes.byteLength), bytes]));
}

/** Bytes a TLS 1.2 record of `length` plaintext bytes takes on the wire. */
function recordSize(cipher: string, length: number): number {
  if (cipher.includes("GCM")) return 5 + 8 + length + 16;
  const mac = cipher.endsWith("SHA256") ? 32 : cipher.endsWith("SHA384") ? 48 : 20;
  return 5 + 16 + Math.ceil((length + mac + 1) / 16) * 16;
}
