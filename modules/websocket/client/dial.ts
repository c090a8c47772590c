/**
 * Reaching the server of one connection attempt: finding the host's IPv4
 * address (IPv4 literals and "localhost" at once, other names with
 * `embedded:network/dns/resolver/udp`), opening the ECMA-419 socket (TCP for
 * ws:, TLS over TCP for wss:), and describing what a wss: connection
 * negotiated. No Node API is used.
 */
import TCP from "embedded:io/socket/tcp";
import TLSSocket from "embedded:io/socket/tcp/tls";
import Resolver from "embedded:network/dns/resolver/udp";
import { targetCallbacks, type SocketCallbacks } from "../transport/socket-driver";
import { messageOf } from "./attempt-outcome";
import type { ChannelOptions, DnsConfig, SecurityInfo } from "./channel-types";
import { isIPv4, type WsUri } from "./ws-uri";

/** The socket of one connection attempt: TCP for ws:, TLS for wss:. */
export type AttemptSocket = TCP | TLSSocket;

/** The channel options that shape a wss: connection. */
export type TlsOptions = Pick<ChannelOptions, "ca" | "serverName" | "insecure">;

/** Finds the IPv4 address of a host; at most one DNS query in flight, which {@link cancel} stops. */
export class AddressLookup {
  #resolver: Resolver | undefined;

  /** Whether a DNS query is in flight. */
  get pending(): boolean {
    return this.#resolver !== undefined;
  }

  /**
   * Finds the address of `host`, then calls `onAddress` with it or
   * `onUnknown` with a message saying why there is none: at once for an IPv4
   * literal, "localhost", no `dns` or a resolver that cannot start; otherwise
   * when the DNS query ends, unless cancelled first.
   */
  find(host: string, dns: DnsConfig | undefined, onAddress: (address: string) => void, onUnknown: (message: string) => void): void {
    if (isIPv4(host)) return onAddress(host);
    if (host === "localhost") return onAddress("127.0.0.1");
    if (dns === undefined) return onUnknown(`cannot resolve ${host}: no DNS configured (WebSocketChannel.dns or the dns option)`);
    try {
      const resolver = new Resolver({ servers: dns.servers, socket: dns.socket });
      this.#resolver = resolver;
      resolver.resolve({
        host,
        onResolved: (_host, address) => {
          if (this.#resolver !== resolver) return;
          this.#resolver = undefined;
          resolver.close();
          onAddress(address);
        },
        onError: () => {
          if (this.#resolver !== resolver) return;
          this.#resolver = undefined;
          resolver.close();
          onUnknown(`could not resolve ${host}`);
        },
      });
    } catch (error) {
      this.#resolver = undefined;
      onUnknown(`could not resolve ${host}: ${messageOf(error)}`);
    }
  }

  /** Stops the DNS query in flight, if any: neither of its callbacks is called. */
  cancel(): void {
    this.#resolver?.close();
    this.#resolver = undefined;
  }
}

/**
 * Opens the socket of an attempt at `target` to `address` with the driver's
 * `callbacks`: TLS (name, CA and verification from `options`) for wss:, TCP
 * for ws:. Throws what the socket's constructor throws.
 */
export function openSocket(target: WsUri, address: string, options: TlsOptions, callbacks: SocketCallbacks): AttemptSocket {
  if (target.secure) {
    const serverName = serverNameFor(target, options);
    const secure: { serverName: string; verify: boolean; certificate?: ArrayBuffer | ArrayBufferView } = { serverName, verify: options.insecure !== true };
    if (options.ca !== undefined) secure.certificate = options.ca;
    return new TLSSocket({
      address,
      port: target.port,
      host: serverName,
      TCP: { io: guardedTcp(callbacks) },
      secure,
      nodelay: true,
      // The TLS socket does not call its callbacks with itself as `this`: closures.
      onReadable: (count) => callbacks.socketReadable(count),
      onWritable: (count) => callbacks.socketWritable(count),
      onError: () => callbacks.socketError(),
    });
  }
  return new TCP({
    address,
    port: target.port,
    nodelay: true,
    target: callbacks,
    onReadable: targetCallbacks.onReadable,
    onWritable: targetCallbacks.onWritable,
    onError: targetCallbacks.onError,
  });
}

/**
 * The TCP class a TLS socket runs over, with the TLS socket's own handlers
 * guarded. The SDK's TLS socket does its handshake (and reads) inside its
 * TCP socket's callbacks, so a certificate it cannot verify throws
 * (`TLSError: certificate: auth err`) out of a callback of the SDK's, before
 * any of ours runs, and nothing would catch it (on the device, the VM would
 * abort). Here such a throw fails the connection instead
 * (`callbacks.socketFailed`: WS_ERR_TRANSPORT, then `onStop` on a client).
 * One class per TLS connection (it carries the connection to fail): clients
 * are few.
 */
export function guardedTcp(callbacks: SocketCallbacks): typeof TCP {
  const guard = <A extends unknown[]>(handler: ((this: TCP, ...args: A) => void) | null | undefined) =>
    handler == null
      ? handler
      : function (this: TCP, ...args: A): void {
          try {
            handler.apply(this, args);
          } catch (error) {
            callbacks.socketFailed(error);
          }
        };
  return class GuardedTCP extends TCP {
    constructor(options: ConstructorParameters<typeof TCP>[0]) {
      super({ ...options, onReadable: guard(options.onReadable), onWritable: guard(options.onWritable), onError: guard(options.onError) });
    }
  };
}

/** What `securityInfo` holds once a wss: connection to `target` over `socket` (made by {@link openSocket}) has opened. */
export function securityInfoOf(target: WsUri, socket: AttemptSocket | undefined, options: TlsOptions): SecurityInfo {
  const info = (socket as TLSSocket | undefined)?.tlsInfo;
  return {
    serverName: serverNameFor(target, options),
    verified: options.insecure !== true,
    protocol: info?.protocol,
    cipher: info?.cipher,
    peerSubject: info?.peerSubject,
  };
}

/** The name a wss: connection to `target` sends (SNI) and verifies. */
function serverNameFor(target: WsUri, options: TlsOptions): string {
  return options.serverName ?? target.host;
}
