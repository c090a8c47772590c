/**
 * The BrowserSocket API: `new BrowserSocket(factory,
 * {port, resourcePrefix})` receives every WebSocket connection whose
 * resource starts with `resourcePrefix` on `port` (shared with other
 * endpoints through {@link HttpListener}).
 *
 * For each connection the factory is called with the request as a
 * {@link Handshake} and returns a {@link ConnectionHandler}. Its optional
 * `handshakeResponseLoop(response)` sees the 101 response the server means
 * to send and returns it (possibly changed: headers added, a
 * `Sec-WebSocket-Protocol` chosen from the offer, or another status line,
 * which then goes out as a plain HTTP answer), or `null` to cancel (403).
 * Before `onopen` the handler gets `send(data)` and `close(code?, reason?)`.
 * Its `onmessage({data})` gets text as a string and binary as a Uint8Array;
 * `onerror(error)`; `onclose({code, reason, wasClean})`.
 */
import { CloseCode } from "../core/close-code";
import { ConnectionState, type CloseResult, type ConnectionEvents } from "../core/connection";
import type { ProtocolError } from "../core/errors";
import { HandshakeError } from "../core/handshake-error";
import type { UpgradeRequest } from "../core/handshake";
import type { HttpHead } from "../core/http-head";
import { resolveLimits, type Limits } from "../core/limits";
import Timer from "timer";
import type { HandlerObject } from "./browser-socket-handler";
import { reportUnhandled } from "./emitter";
import { HttpListener, type Endpoint } from "./http-listener";
import { DEFAULT_BACKLOG } from "./server";
import type { SocketDriver } from "../transport/socket-driver";

/** An HTTP-like head: request or response. */
export interface Handshake {
  firstLine: string;
  /** Field names as received (responses: as the server writes them). */
  headers: Record<string, string>;
  /** Bytes of the body (always empty for a handshake). */
  body: number[];
}

/** What the application's factory returns for each connection. */
export interface ConnectionHandler {
  handshakeResponseLoop?(interceptedResponse: Handshake): Handshake | null;
  onopen?: (() => void) | null;
  onmessage?: ((event: { data: string | Uint8Array }) => void) | null;
  onerror?: ((error: Error) => void) | null;
  onclose?: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null;
  /** Provided by the BrowserSocket. */
  send?(data: string | Uint8Array): void;
  /** Provided by the BrowserSocket. */
  close?(code?: number, reason?: string): void;
}

/** Makes a handler for one incoming connection. */
/**
 * Makes the handler of one connection. The BrowserSocket API calls `ConnectionHandler` a
 * constructor: a class or a plain `function` is called with `new`; an arrow
 * function (no `prototype`) is called as a factory.
 */
export type ConnectionHandlerFactory =
  | ((handshakeRequest: Handshake) => HandlerObject)
  | (new (handshakeRequest: Handshake) => ConnectionHandler);

/** Options of a {@link BrowserSocket}. */
export interface BrowserSocketOptions {
  /** Default 80; 0 for an ephemeral port. */
  port?: number;
  /** Starts and ends with "/" (default "/"). */
  resourcePrefix?: string;
  /** The most connections at once; more get 503 (default 6, {@link DEFAULT_BACKLOG}). */
  backlog?: number;
  /** Largest message in bytes (1009 past it). */
  maxPayload?: number;
  /** Seconds a client has to complete the opening handshake (default 5; fractions allowed). */
  handshakeTimeout?: number;
}

const STANDARD = ["upgrade", "connection", "sec-websocket-accept", "sec-websocket-protocol"];

/** See the module comment. */
export class BrowserSocket implements Endpoint {
  readonly resourcePrefix: string;
  /** Called with an Error when listening fails. */
  onerror: ((error: unknown) => void) | null = null;
  readonly prefix: string;
  readonly #factory: ConnectionHandlerFactory;
  readonly #options: BrowserSocketOptions;
  readonly #limits: Readonly<Limits>;
  readonly #connections = new Set<SocketDriver>();
  #http: HttpListener | undefined;
  #stopped = false;

  constructor(connectionHandlerFactory: ConnectionHandlerFactory, options: BrowserSocketOptions = {}) {
    const prefix = options.resourcePrefix ?? "/";
    if (!prefix.startsWith("/") || !prefix.endsWith("/")) throw new RangeError(`resourcePrefix must start and end with "/": ${JSON.stringify(prefix)}`);
    this.resourcePrefix = this.prefix = prefix;
    this.#factory = connectionHandlerFactory;
    this.#options = options;
    this.#limits = resolveLimits(options.maxPayload === undefined ? {} : { maxMessageSize: options.maxPayload });
    try {
      this.#http = HttpListener.acquire(options.port ?? 80, { handshakeTimeout: (options.handshakeTimeout ?? 5) * 1000 });
      this.#http.addEndpoint(this);
    } catch (error) {
      Timer.set(() => (this.onerror ? this.onerror(error) : reportUnhandled(error)));
    }
  }

  /** The port listened on (0 when listening failed). */
  get port(): number {
    return this.#http?.port ?? 0;
  }

  /** Stops listening and closes every connection with 1001. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#http?.removeEndpoint(this);
    for (const connection of [...this.#connections]) {
      if (connection.state === ConnectionState.Open) connection.close(CloseCode.GoingAway, "stopped");
      else connection.terminate();
    }
  }

  /** @internal */
  admit(): boolean {
    return !this.#stopped && this.#connections.size < (this.#options.backlog ?? DEFAULT_BACKLOG);
  }

  /** @internal {@link Endpoint}: makes the application's handler for the request, lets it shape the response, and answers. */
  adopt(connection: SocketDriver, _request: UpgradeRequest, head: HttpHead): void {
    const events = new BrowserSocketEvents(this, connection);
    connection.configure({ events, limits: this.#limits });
    this.#connections.add(connection);
    try {
      const handler = (events.handler = makeHandler(this.#factory, toHandshake(head)));
      (handler as Attached)[CONNECTION] = connection;
      handler.send = sendThrough;
      handler.close = closeThrough;
      let response: Handshake | null = {
        firstLine: "HTTP/1.1 101 Switching Protocols",
        headers: { Upgrade: "websocket", Connection: "Upgrade" },
        body: [],
      };
      if (typeof handler.handshakeResponseLoop === "function") response = handler.handshakeResponseLoop(response);
      if (response === null || response === undefined) {
        connection.reject(new HandshakeError("WS_ERR_REJECTED", "cancelled by handshakeResponseLoop"));
        return;
      }
      const status = /^HTTP\/1\.\d (\d{3})/.exec(response.firstLine);
      const extra: Array<[string, string]> = [];
      let protocol = "";
      for (const [name, value] of Object.entries(response.headers)) {
        if (name.toLowerCase() === "sec-websocket-protocol") protocol = String(value);
        else if (!STANDARD.includes(name.toLowerCase())) extra.push([name, String(value)]);
      }
      if (status !== null && status[1] !== "101") {
        connection.respond(Number(status[1]), new Uint8Array(response.body ?? []), extra);
        return;
      }
      connection.accept({ protocol, headers: extra });
    } catch (error) {
      if (connection.state === ConnectionState.Connecting) connection.respond(500);
      events.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** @internal {@link BrowserSocketEvents}: whether the socket has been stopped. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** @internal {@link BrowserSocketEvents}: its connection ended. */
  connectionClosed(connection: SocketDriver): void {
    this.#connections.delete(connection);
  }
}

/** Where a handler keeps its connection, for the shared `send` and `close` below. */
const CONNECTION = Symbol("connection");
type Attached = ConnectionHandler & { [CONNECTION]: SocketDriver };

/** A handler's `send`: one function for every handler (no closure per connection). */
function sendThrough(this: ConnectionHandler, data: string | Uint8Array): void {
  const connection = (this as Attached)[CONNECTION];
  if (typeof data === "string") connection.sendText(data);
  else connection.sendBinary(data);
}

/** A handler's `close`. */
function closeThrough(this: ConnectionHandler, code: number = CloseCode.Normal, reason = ""): void {
  (this as Attached)[CONNECTION].close(code, reason);
}

/** The core's events of one BrowserSocket connection, passed on to the application's handler. */
class BrowserSocketEvents implements ConnectionEvents {
  readonly #socket: BrowserSocket;
  readonly #connection: SocketDriver;
  handler: ConnectionHandler | undefined;

  constructor(socket: BrowserSocket, connection: SocketDriver) {
    this.#socket = socket;
    this.#connection = connection;
  }

  onOpen(): void {
    if (this.#socket.stopped) this.#connection.close(CloseCode.GoingAway);
    this.handler?.onopen?.();
  }

  onText(text: string): void {
    this.handler?.onmessage?.({ data: text });
  }

  onBinary(data: Uint8Array): void {
    this.handler?.onmessage?.({ data });
  }

  onError(error: ProtocolError | HandshakeError | Error): void {
    this.handler?.onerror?.(error);
  }

  onClosed(result: CloseResult): void {
    this.#socket.connectionClosed(this.#connection);
    this.handler?.onclose?.({ code: result.code, reason: result.reason, wasClean: result.wasClean });
  }
}

/** A request head as a {@link Handshake}. */
export function toHandshake(head: HttpHead): Handshake {
  const headers: Record<string, string> = {};
  for (const [name, value] of head.headers) headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  return { firstLine: head.firstLine, headers, body: [] };
}

function makeHandler(factory: ConnectionHandlerFactory, request: Handshake): ConnectionHandler {
  if (factory.prototype === undefined) return (factory as (request: Handshake) => ConnectionHandler)(request);
  return new (factory as new (request: Handshake) => ConnectionHandler)(request);
}
