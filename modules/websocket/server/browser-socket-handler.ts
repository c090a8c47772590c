/**
 * Typing aids for BrowserSocket handlers. The BrowserSocket gives every
 * handler `send` and `close` before `onopen`; these types say so, so
 * application code compiles under `strict`:
 *
 * - an object literal returned by an arrow factory is typed by
 *   {@link HandlerObject}: its methods' parameters and `this.send` /
 *   `this.close` need no annotations;
 * - a class extends {@link BrowserSocketHandler}, which declares `send` and
 *   `close` (TypeScript does not infer a class method's parameters from its
 *   base class, so annotate them with {@link BrowserMessageEvent} and
 *   {@link BrowserCloseEvent}).
 */
import type { ConnectionHandler, Handshake } from "./browser-socket";

/** The argument of `onmessage`: text as a string, binary as a Uint8Array. */
export interface BrowserMessageEvent {
  data: string | Uint8Array;
}

/** The argument of `onclose`. */
export interface BrowserCloseEvent {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** What the BrowserSocket adds to every handler before `onopen`. */
export interface HandlerConnection {
  /** Sends a text (string) or binary (Uint8Array) message. */
  send(data: string | Uint8Array): void;
  /** Starts the closing handshake (default 1000). */
  close(code?: number, reason?: string): void;
}

/** A handler once the BrowserSocket has given it `send` and `close`. */
export type ConnectedHandler = ConnectionHandler & HandlerConnection;

/** A handler written as an object literal: `this` in its methods is a {@link ConnectedHandler}. */
export type HandlerObject = ConnectionHandler & ThisType<ConnectedHandler>;

/**
 * A base class for handler classes: `this.send` and `this.close` are typed.
 * It holds nothing (the BrowserSocket sets both on each instance).
 *
 * ```ts
 * class Chat extends BrowserSocketHandler {
 *   onmessage(event: BrowserMessageEvent) { this.send(event.data); }
 * }
 * new BrowserSocket(Chat, { port: 8080, resourcePrefix: "/chat/" });
 * ```
 */
export class BrowserSocketHandler implements ConnectionHandler {
  declare send: (data: string | Uint8Array) => void;
  declare close: (code?: number, reason?: string) => void;

  /** `request` is the opening handshake request; the base class does not keep it. */
  constructor(request: Handshake) {
    void request;
  }
}
