/**
 * Host simulator for `embedded:network/dns/resolver/udp`: the ECMA-419 DNS
 * resolver as the Moddable SDK provides it (examples/io/udp/dns/dns.js),
 * implemented with node:dns, IPv4 (A record) results only.
 * See hosts/moddable/types/dns-resolver-udp.d.ts.
 */
import dns from "node:dns";

type Resolved = (this: Resolver, host: string, address: string) => void;
type Failed = (this: Resolver, host: string) => void;

/** Constructor options (see dns-resolver-udp.d.ts). */
export interface ResolverOptions {
  servers: readonly string[];
  socket: { io: unknown };
}

/** One `resolve()` request. */
export interface ResolveOptions {
  host: string;
  onResolved?: Resolved;
  onError?: Failed;
}

/** ECMA-419 DNS resolver (device semantics). */
export default class Resolver {
  #servers: string[] | undefined;
  #socket: unknown;
  #resolver: dns.Resolver | undefined;

  constructor(options: ResolverOptions) {
    this.#servers = options.servers.slice();
    this.#socket = options.socket;
  }

  /**
   * Start resolving `host`; exactly one of `onResolved(host, address)` or
   * `onError(host)` is called later, with `this` = the resolver. Throws if
   * `host` is empty, neither callback is given, or the resolver is closed.
   */
  resolve(options: ResolveOptions): void {
    let { host } = options;
    const { onResolved, onError } = options;
    if (!host || (!onResolved && !onError) || !this.#socket || this.#servers === undefined) throw new Error();
    host = String(host);
    if (host === "localhost") host = "127.0.0.1";
    const parts = host.split(".");
    const isAddress = parts.length === 4 && parts.every((part) => parseInt(part) === Number(part));

    const done = (address: string | undefined): void => {
      if (this.#servers === undefined) return; // closed: the device drops pending requests
      if (address !== undefined) onResolved?.call(this, host, address);
      else onError?.call(this, host);
    };
    if (isAddress) {
      setTimeout(done, 0, host);
    } else if (host.endsWith(".local")) {
      dns.lookup(host, { family: 4 }, (error, address) => done(error ? undefined : address));
    } else {
      const resolver = this.#getResolver();
      if (resolver === undefined) setTimeout(done, 0, undefined);
      else resolver.resolve4(host, (error, addresses) => done(error ? undefined : addresses[0]));
    }
  }

  /** Stop: pending requests complete with no callback. */
  close(): void {
    this.#resolver?.cancel();
    this.#servers = this.#resolver = this.#socket = undefined;
  }

  #getResolver(): dns.Resolver | undefined {
    if (this.#resolver === undefined && this.#servers?.length) {
      const resolver = new dns.Resolver({ timeout: 1000, tries: 5 });
      try {
        resolver.setServers(this.#servers);
      } catch {
        return undefined;
      }
      this.#resolver = resolver;
    }
    return this.#resolver;
  }
}
