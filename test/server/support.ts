/**
 * Helpers of the server tests: start servers in-process (through the host
 * simulator), and a raw WebSocket client over node:net that writes exactly
 * the bytes a test wants and parses what comes back.
 */
import net from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { Server, type ServerOptions } from "../../modules/websocket/server/server";
import { echoMessages } from "../../app/demo-echo";

/** Starts a ws-style server on an ephemeral port and waits for `listening`. */
export async function startServer(options: ServerOptions = {}): Promise<Server> {
  const server = new Server({ port: 0, ...options });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  return server;
}

/** An echo server like the demo's `/echo`. */
export async function startEcho(options: ServerOptions = {}): Promise<Server> {
  const server = await startServer(options);
  server.on("connection", echoMessages);
  return server;
}

/** Closes a server and waits for its `close` event (bounded). */
export function closeServer(server: Server, timeoutMs = 8000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server close timed out")), timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A frame as parsed from the server. */
export interface Frame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

/** Builds one client frame, masked unless `mask` is false. */
export function frame(opcode: number, payload: Uint8Array | string = new Uint8Array(0), options: { fin?: boolean; rsv?: number; mask?: boolean } = {}): Buffer {
  const data = typeof payload === "string" ? Buffer.from(payload, "utf8") : Buffer.from(payload);
  const masked = options.mask ?? true;
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode;
  let header: Buffer;
  if (data.length < 126) header = Buffer.from([first, (masked ? 0x80 : 0) | data.length]);
  else if (data.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 126;
    header.writeUInt16BE(data.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(data.length), 2);
  }
  if (!masked) return Buffer.concat([header, data]);
  const key = randomBytes(4);
  const body = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) body[i] = data[i]! ^ key[i & 3]!;
  return Buffer.concat([header, key, body]);
}

/** A close frame payload. */
export function closePayload(code: number, reason: string | Buffer = ""): Buffer {
  const r = typeof reason === "string" ? Buffer.from(reason) : reason;
  const out = Buffer.alloc(2 + r.length);
  out.writeUInt16BE(code, 0);
  r.copy(out, 2);
  return out;
}

/** A raw TCP client. */
export class RawClient {
  readonly socket: net.Socket;
  #buffer = Buffer.alloc(0);
  #ended = false;
  #waiters: (() => void)[] = [];
  headText = "";

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on("data", (data) => {
      this.#buffer = Buffer.concat([this.#buffer, data]);
      this.#wake();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on("error", () => {});
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Connects to 127.0.0.1:port. */
  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: "127.0.0.1", port }, () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  /** Connects and completes an opening handshake on `path`; throws unless 101. */
  static async open(port: number, path = "/"): Promise<RawClient> {
    const client = await RawClient.connect(port);
    const key = randomBytes(16).toString("base64");
    client.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    const head = await client.readHead();
    if (!head.startsWith("HTTP/1.1 101")) throw new Error(`handshake failed: ${head}`);
    const accept = createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
    if (!head.includes(`Sec-WebSocket-Accept: ${accept}`)) throw new Error("bad accept");
    return client;
  }

  write(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  get ended(): boolean {
    return this.#ended;
  }

  async #wait(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (this.#ended) throw new Error(`connection ended while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Reads an HTTP head (up to the empty line). */
  async readHead(timeoutMs = 5000): Promise<string> {
    await this.#wait(() => this.#buffer.indexOf("\r\n\r\n") >= 0, timeoutMs, "an HTTP head");
    const end = this.#buffer.indexOf("\r\n\r\n") + 4;
    const head = this.#buffer.subarray(0, end).toString("latin1");
    this.#buffer = this.#buffer.subarray(end);
    this.headText = head;
    return head;
  }

  /** Everything until the server closes the TCP connection. */
  async readAll(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#ended) {
      if (Date.now() > deadline) throw new Error("timed out waiting for the end");
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.#buffer.toString("latin1");
  }

  #parse(): Frame | undefined {
    const b = this.#buffer;
    if (b.length < 2) return undefined;
    let length = b[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(b.readBigUInt64BE(2));
      offset = 10;
    }
    const masked = (b[1]! & 0x80) !== 0;
    if (masked) offset += 4;
    if (b.length < offset + length) return undefined;
    const f: Frame = { fin: (b[0]! & 0x80) !== 0, rsv: (b[0]! >> 4) & 7, opcode: b[0]! & 0x0f, masked, payload: Buffer.from(b.subarray(offset, offset + length)) };
    this.#buffer = b.subarray(offset + length);
    return f;
  }

  /** The next frame from the server. */
  async readFrame(timeoutMs = 5000): Promise<Frame> {
    let f: Frame | undefined;
    await this.#wait(() => (f = this.#parse()) !== undefined, timeoutMs, "a frame");
    return f!;
  }

  /** Reads frames until a close frame; returns its code (1005 if none) and reason. */
  async readClose(timeoutMs = 5000): Promise<{ code: number; reason: string; before: Frame[] }> {
    const before: Frame[] = [];
    for (;;) {
      const f = await this.readFrame(timeoutMs);
      if (f.opcode === 8) return { code: f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005, reason: f.payload.subarray(2).toString("utf8"), before };
      before.push(f);
    }
  }

  /** Waits until the server has closed the TCP connection. */
  async waitEnd(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#ended) {
      if (Date.now() > deadline) throw new Error("timed out waiting for the TCP close");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Sends a frame, expects the echo. */
export async function roundTrip(client: RawClient, opcode: number, payload: Uint8Array | string): Promise<Frame> {
  client.write(frame(opcode, payload));
  return client.readFrame();
}
