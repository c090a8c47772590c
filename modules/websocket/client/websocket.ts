/**
 * A W3C-style `WebSocket` (WHATWG WebSockets Standard) over a
 * {@link WebSocketChannel}, for applications written against the browser API:
 * `onopen`, `onmessage({data})`, `onerror`, `onclose({code, reason,
 * wasClean})`, `readyState`, `bufferedAmount`, `binaryType` ("arraybuffer"
 * only: there is no Blob on the device), `send`, `close`, `protocol`, `url`.
 * Handlers are properties (no EventTarget on the device).
 *
 * No copies of its own, either way, so a message costs the device its size
 * once, not three times:
 * - `send` hands the application's bytes to the channel as a view. They are
 *   read when they go out on the socket, so, unlike in a browser, the
 *   application must not change a buffer it has sent until `bufferedAmount`
 *   has dropped by its size (or it copies first). Small messages are framed
 *   at once, so this matters only for large ones.
 * - A binary message is delivered as the ArrayBuffer the connection
 *   assembled it in, whenever that buffer holds the message alone (a message
 *   that spanned chunks, or was joined from fragments). A message that
 *   arrived inside a larger chunk, beside its header and perhaps other
 *   frames, is copied once, since an ArrayBuffer cannot start at an offset
 *   and the event must not expose the bytes around the message.
 */
import { ChannelError, WebSocketChannel, type ChannelOptions, type ChannelStatus } from "./channel";

/** The event given to `onmessage`. */
export interface MessageEvent {
  type: "message";
  /** A string, or an ArrayBuffer of its own for a binary message. */
  data: string | ArrayBuffer;
}

/** The event given to `onclose`. */
export interface CloseEvent {
  type: "close";
  code: number;
  reason: string;
  wasClean: boolean;
  /** The channel's status (NS_OK or the cause), an extension. */
  status: ChannelStatus;
}

/** The event given to `onerror`. */
export interface ErrorEvent {
  type: "error";
  /** What went wrong, an extension. */
  message: string;
  status: ChannelStatus;
}

/** See the module comment. Extra device options go in the third argument. */
export class WebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  onopen: ((event: { type: "open" }) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;

  readonly url: string;
  readonly #channel: WebSocketChannel;
  #readyState = 0;
  #binaryType: "arraybuffer" = "arraybuffer";

  /** Throws a SyntaxError-like error (code NS_ERROR_MALFORMED_URI / NS_ERROR_ILLEGAL_VALUE) for a bad URL or protocol list. */
  constructor(url: string, protocols: string | readonly string[] = [], options: ChannelOptions & { origin?: string } = {}) {
    const channel = new WebSocketChannel(options);
    channel.protocol = typeof protocols === "string" ? protocols : protocols.join(",");
    this.#channel = channel;
    channel.asyncOpen(url, options.origin ?? "", {
      onStart: () => {
        this.#readyState = WebSocket.OPEN;
        this.onopen?.({ type: "open" });
      },
      onMessageAvailable: (_context, data) => {
        if (this.#readyState === WebSocket.OPEN) this.onmessage?.({ type: "message", data });
      },
      onBinaryMessageAvailable: (_context, bytes) => {
        if (this.#readyState !== WebSocket.OPEN) return;
        this.onmessage?.({ type: "message", data: arrayBufferOf(bytes) });
      },
      onServerClose: () => {
        if (this.#readyState === WebSocket.OPEN) this.#readyState = WebSocket.CLOSING;
      },
      onStop: (_context, status) => {
        this.#readyState = WebSocket.CLOSED;
        const failed = !status.ok && status.code !== "NS_ERROR_ABORT";
        if (failed) this.onerror?.({ type: "error", message: status.message, status });
        this.onclose?.({ type: "close", code: status.ok ? status.closeCode : failed ? 1006 : status.closeCode, reason: status.reason, wasClean: status.wasClean, status });
      },
    });
    this.url = channel.originalURI;
  }

  /** CONNECTING, OPEN, CLOSING or CLOSED. */
  get readyState(): number {
    return this.#readyState;
  }

  /** Bytes queued and not yet handed to the socket. */
  get bufferedAmount(): number {
    return this.#channel.bufferedAmount;
  }

  /** The selected subprotocol once open, "" before and for none. */
  get protocol(): string {
    return this.#readyState === WebSocket.CONNECTING ? "" : this.#channel.protocol;
  }

  get extensions(): string {
    return this.#channel.extensions;
  }

  /** Only "arraybuffer" (the default) is supported; other values are ignored. */
  get binaryType(): "arraybuffer" {
    return this.#binaryType;
  }

  set binaryType(value: string) {
    if (value === "arraybuffer") this.#binaryType = value;
  }

  /** The URL after redirects (an extension). */
  get redirectedURL(): string {
    return this.#channel.URI;
  }

  /** Sends a text or binary message (binary bytes are not copied: see the module comment). Throws InvalidStateError (code NS_ERROR_NOT_CONNECTED) while connecting; ignored once closing. */
  send(data: string | ArrayBuffer | ArrayBufferView): void {
    if (this.#readyState === WebSocket.CONNECTING) throw new ChannelError("NS_ERROR_NOT_CONNECTED", "InvalidStateError: still connecting");
    if (this.#readyState !== WebSocket.OPEN || !this.#channel.isOpen) return;
    if (typeof data === "string") this.#channel.sendMsg(data);
    else this.#channel.sendBinaryMsg(bytesOf(data));
  }

  /** Starts the closing handshake (code 1000 or 3000–4999 per the W3C rules; the core checks the rest). */
  close(code?: number, reason = ""): void {
    if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
      throw new ChannelError("NS_ERROR_ILLEGAL_VALUE", `InvalidAccessError: close code ${code} (use 1000 or 3000–4999)`);
    }
    if (this.#readyState === WebSocket.CLOSING || this.#readyState === WebSocket.CLOSED) return;
    this.#channel.close(code, reason);
    this.#readyState = WebSocket.CLOSING;
  }
}

/**
 * @internal The ArrayBuffer a `message` event carries: the view's own buffer
 * when the view spans all of it, else a copy of the view's bytes.
 */
export function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  const buffer = bytes.buffer as ArrayBuffer;
  return bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength ? buffer : (bytes.slice().buffer as ArrayBuffer);
}

/** @internal The bytes of what `send` was given, as a view: never a copy. */
export function bytesOf(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
}
