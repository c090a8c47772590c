/**
 * `embedded:network/dns/resolver/udp` — the ECMA-419 DNS resolver the
 * Moddable SDK uses with ECMA-419 sockets (examples/io/udp/dns/dns.js, the
 * `dns` entry of host configs such as examples/io/tcp/httpsclient/config.js).
 * The host simulator (hosts/node/network/dns/resolver/udp.ts) uses node:dns.
 *
 * - IPv4 only: A records; `address` is a dotted-quad string.
 * - "localhost" is answered as 127.0.0.1 without a query — and the `host`
 *   passed back to `onResolved` is then "127.0.0.1", not "localhost".
 * - An IPv4 literal resolves to itself without a query.
 * - Names ending in ".local" use mDNS (simulator: the system resolver).
 * - Others query `servers` (UDP port 53), 1 s per try, 5 tries per server;
 *   no answer or a negative answer → `onError(host)`.
 * - Callbacks come later, from the event loop, with `this` = the resolver.
 *
 * The SDK's own typing of the callbacks (returning null, address `any`) is loose.
 */
declare module "embedded:network/dns/resolver/udp" {
  export interface Options {
    /** DNS server IPv4 addresses. Simulator only: "address:port" also accepted; an empty list fails every query. */
    servers: readonly string[];
    /** The UDP socket class, `{io: UDP}` (from "embedded:io/socket/udp"); required. The simulator does not use it. */
    socket: { readonly io: new (options: never) => object };
  }

  export interface ResolveOptions {
    /** Host name (or IPv4 literal). */
    host: string;
    /** Resolved: `address` is the first IPv4 address found. */
    onResolved?: (this: Resolver, host: string, address: string) => void;
    /** Not resolved (no such name, no A record, timeout). */
    onError?: (this: Resolver, host: string) => void;
  }

  /** ECMA-419 DNS resolver. */
  export default class Resolver {
    /** `servers` is required (TypeError without it). */
    constructor(options: Options);
    /** Start a lookup. Throws Error if `host` is empty, no callback is given, or the resolver is closed. */
    resolve(options: ResolveOptions): void;
    /** Stop; lookups in progress complete with no callback. */
    close(): void;
  }
}
