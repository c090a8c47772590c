/**
 * One connection's opening handshake (RFC 6455 §4), while the connection is
 * CONNECTING: it reads the peer's HTTP head, keeps the client's request and
 * the server's upgrade request, applies §4's rules to the head that arrives,
 * builds the bytes to answer with, and holds whatever input follows the head
 * until the connection opens. It has no state and reports no events: the
 * connection (connection.ts) queues the bytes, changes state and calls its
 * handler.
 *
 * Device heap: a connection made open has none, and a connection drops its
 * own when it opens, and with it the head reader and a server's request
 * (its whole head: a browser's is about 1 KB). What outlives the handshake
 * (the subprotocol, the extensions) the connection keeps.
 */
import { HandshakeError } from "./handshake-error";
import { buildAcceptResponse, buildClientRequest, createClientKey, parseUpgradeRequest, validateServerResponse } from "./handshake";
import type { AcceptOptions, ClientHandshakeResult, ClientRequestOptions, RandomSource, Sha1, UpgradeRequest } from "./handshake";
import { HttpHeadReader, serializeHead, type HttpHead, type HttpHeadLimits } from "./http-head";
import { concatBytes } from "./bytes";

/** See the module comment. */
export class OpeningHandshake {
  readonly #sha1: Sha1 | undefined;
  /** Reads the peer's head; dropped once the head is whole. */
  #reader: HttpHeadReader | undefined;
  /** Client: the request sent, once {@link request} has made it. */
  #request: ClientRequestOptions | undefined;
  /** Server: the request, once it has arrived and proved a valid upgrade request. */
  #upgrade: UpgradeRequest | undefined;
  /** The bytes after the head: the rest of its last chunk, and what a server receives before it answers. */
  #input: Uint8Array | undefined;

  /** `sha1` is the host's, needed for the `Sec-WebSocket-Accept` key (§4.1, §4.2.2). */
  constructor(limits: HttpHeadLimits, sha1: Sha1 | undefined) {
    this.#sha1 = sha1;
    this.#reader = new HttpHeadReader(limits);
  }

  /** Client: whether the request has been made. */
  get requested(): boolean {
    return this.#request !== undefined;
  }

  /** Whether the peer's head has arrived whole (a server's request may still await its answer). */
  get headRead(): boolean {
    return this.#reader === undefined;
  }

  /** Server: the valid upgrade request, once it has arrived. */
  get upgrade(): UpgradeRequest | undefined {
    return this.#upgrade;
  }

  /** The input that followed the head, to be received once the connection is open. */
  get input(): Uint8Array | undefined {
    return this.#input;
  }

  /** Client: makes the opening handshake request (§4.1) with a fresh key from `random`; returns its bytes. */
  request(options: Omit<ClientRequestOptions, "key">, random: RandomSource): Uint8Array {
    this.#request = { ...options, key: createClientKey(random) };
    return serializeHead(buildClientRequest(this.#request));
  }

  /**
   * Takes bytes from the transport: returns the peer's head once it is
   * whole, `undefined` before, and keeps what follows it (see {@link input}).
   * Throws a {@link HandshakeError} when the head breaks HTTP's rules or the
   * head limits.
   */
  read(chunk: Uint8Array): HttpHead | undefined {
    const reader = this.#reader;
    if (reader === undefined) {
      // A server that has read the request but not answered it yet: keep the bytes for after accept().
      this.#input = this.#input === undefined ? chunk : concatBytes([this.#input, chunk]);
      return undefined;
    }
    const result = reader.push(chunk);
    if (result === undefined) return undefined;
    this.#reader = undefined;
    if (result.rest.length > 0) this.#input = result.rest;
    return result.head;
  }

  /**
   * Client: checks the server's response to the request (§4.1): what it
   * settled, or why it fails the connection (a redirect among them:
   * `WS_ERR_REDIRECT`, with its status and location).
   */
  checkResponse(head: HttpHead): ClientHandshakeResult | HandshakeError {
    if (this.#request === undefined) return new HandshakeError("WS_ERR_MALFORMED_HTTP", "a response arrived before the request was sent");
    try {
      return validateServerResponse(head, this.#request, this.sha1Required());
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error;
      return error;
    }
  }

  /**
   * Server: checks the client's request (§4.2.1): the valid upgrade request
   * (kept, see {@link upgrade}), or why it is not one.
   */
  checkRequest(head: HttpHead): UpgradeRequest | HandshakeError {
    try {
      return (this.#upgrade = parseUpgradeRequest(head));
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error;
      return error;
    }
  }

  /**
   * Server: the bytes of the 101 response (§4.2.2) to the valid upgrade
   * request. Throws a `UsageError` for a subprotocol the client did not offer.
   */
  acceptResponse(options: AcceptOptions): Uint8Array {
    return serializeHead(buildAcceptResponse(this.#upgrade!, options, this.sha1Required())); // the connection checks there is one
  }

  private sha1Required(): Sha1 {
    if (this.#sha1 === undefined) throw new TypeError("the opening handshake needs a SHA-1 function from the host");
    return this.#sha1;
  }
}
