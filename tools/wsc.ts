/**
 * wsc — a command-line WebSocket client over the library's WebSocketChannel,
 * run on Node through the host simulator:
 *
 *   npm run --silent wsc -- [options] URL
 *
 * Each stdin line is sent as a text message (`--binary`: as a binary one);
 * at stdin's end the channel closes with 1000 and waits for the closing
 * handshake. Each received text message goes to stdout with a newline, a
 * binary one as `[binary N bytes] HEX`. On stderr: `open URI PROTOCOL` when
 * open, `closed CODE REASON` when it ends after opening, `failed: MESSAGE`
 * when it could not open. Exit status 0 only after a clean close with 1000
 * or 1005.
 */
import { getServers } from "node:dns";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { WebSocketChannel, type ChannelOptions, type ChannelStatus } from "../modules/websocket/client/channel";

const USAGE = `usage: wsc [options] URL
  --protocol NAME          offer a subprotocol (repeatable)
  --origin URL             send an Origin header
  --header 'Name: value'   add a request header (repeatable)
  --ping-interval SECONDS  keepalive ping after this much silence (0: off)
  --ping-timeout SECONDS   fail when a ping is not answered in time (0: wait forever)
  --max-redirects N        redirects followed at most (default 10)
  --open-timeout SECONDS   limit on opening (default 30)
  --ca FILE                trust this PEM CA certificate (wss:)
  --insecure               accept any certificate (wss:)
  --binary                 send each line as a binary message`;

/** Most bytes queued before reading stdin waits for the socket. */
const HIGH_WATER = 1024 * 1024;

class UsageFailure extends Error {}

interface Arguments {
  url: string;
  protocols: string[];
  origin: string;
  headers: Array<[string, string]>;
  pingInterval: number;
  pingTimeout: number;
  binary: boolean;
  options: ChannelOptions;
}

function parseArguments(argv: readonly string[]): Arguments {
  const parsed: Arguments = { url: "", protocols: [], origin: "", headers: [], pingInterval: 0, pingTimeout: 0, binary: false, options: {} };
  const seconds = (name: string, text: string | undefined): number => {
    const value = Number(text);
    if (text === undefined || text.trim() === "" || !Number.isFinite(value) || value < 0) throw new UsageFailure(`${name} needs a number of seconds ≥ 0`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new UsageFailure(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case "--protocol": parsed.protocols.push(value()); break;
      case "--origin": parsed.origin = value(); break;
      case "--header": {
        const header = value();
        const colon = header.indexOf(":");
        if (colon <= 0) throw new UsageFailure(`--header needs 'Name: value', got ${JSON.stringify(header)}`);
        parsed.headers.push([header.slice(0, colon).trim(), header.slice(colon + 1).trim()]);
        break;
      }
      case "--ping-interval": parsed.pingInterval = seconds(arg, value()); break;
      case "--ping-timeout": parsed.pingTimeout = seconds(arg, value()); break;
      case "--max-redirects": {
        const n = Number(value());
        if (!Number.isSafeInteger(n) || n < 0) throw new UsageFailure("--max-redirects needs an integer ≥ 0");
        parsed.options.maxRedirects = n;
        break;
      }
      case "--open-timeout": parsed.options.openTimeout = seconds(arg, value()); break;
      case "--ca": parsed.options.ca = pemToDer(readFileSync(value(), "utf8")); break;
      case "--insecure": parsed.options.insecure = true; break;
      case "--binary": parsed.binary = true; break;
      case "-h":
      case "--help": throw new UsageFailure(USAGE);
      default:
        if (arg.startsWith("-")) throw new UsageFailure(`unknown option ${arg}\n${USAGE}`);
        if (parsed.url !== "") throw new UsageFailure(`one URL only\n${USAGE}`);
        parsed.url = arg;
    }
  }
  if (parsed.url === "") throw new UsageFailure(USAGE);
  return parsed;
}

/** The first certificate of a PEM file, as DER. */
function pemToDer(pem: string): Uint8Array {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (match === null) throw new UsageFailure("--ca: no PEM certificate in the file");
  return new Uint8Array(Buffer.from(match[1]!.replace(/\s+/g, ""), "base64"));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

function exit(code: number): void {
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

function main(): void {
  let args: Arguments;
  try {
    args = parseArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`failed: ${(error as Error).message}\n`);
    exit(2);
    return;
  }
  // Host names: the simulator's resolver queries these servers (it does not use the UDP class).
  const servers = getServers().filter((server) => /^\d+\.\d+\.\d+\.\d+(:\d+)?$/.test(server));
  WebSocketChannel.dns = { servers: servers.length > 0 ? servers : ["8.8.8.8"], socket: { io: class Placeholder {} } };

  const channel = new WebSocketChannel({
    ...args.options,
    limits: { maxMessageSize: 16 * 1024 * 1024, maxFrameSize: 16 * 1024 * 1024, maxQueuedBytes: 4 * HIGH_WATER },
  });
  const headers = args.headers;
  try {
    channel.protocol = args.protocols.join(",");
    channel.pingInterval = args.pingInterval;
    channel.pingTimeout = args.pingTimeout;
    if (headers.length > 0) channel.notificationCallbacks = { headers: () => headers };
  } catch (error) {
    process.stderr.write(`failed: ${(error as Error).message}\n`);
    exit(2);
    return;
  }

  const pending: string[] = [];
  let opened = false;
  let inputEnded = false;
  let closing = false;
  const input = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });

  const drain = (): void => {
    if (!opened || closing) return;
    while (pending.length > 0 && channel.bufferedAmount < HIGH_WATER) {
      if (!channel.isOpen) {
        pending.length = 0;
        return;
      }
      const line = pending.shift()!;
      if (args.binary) channel.sendBinaryMsg(new Uint8Array(Buffer.from(line, "utf8")));
      else channel.sendMsg(line);
    }
    if (pending.length > HIGH_WATER / 64) input.pause();
    else input.resume();
    if (pending.length === 0 && inputEnded) {
      closing = true;
      channel.close(1000);
    }
  };

  input.on("line", (line) => {
    pending.push(line);
    drain();
  });
  input.on("close", () => {
    inputEnded = true;
    drain();
  });

  try {
    channel.asyncOpen(args.url, args.origin, {
      onStart() {
        opened = true;
        process.stderr.write(`open ${channel.URI} ${channel.protocol}\n`);
        drain();
      },
      onMessageAvailable(_context, message) {
        process.stdout.write(message + "\n");
      },
      onBinaryMessageAvailable(_context, message) {
        process.stdout.write(`[binary ${message.length} bytes] ${hex(message)}\n`);
      },
      onAcknowledge() {
        drain();
      },
      onStop(_context, status: ChannelStatus) {
        input.close();
        if (opened) {
          const code = status.ok ? status.closeCode : 1006;
          const reason = status.ok ? status.reason : `${status.code}: ${status.message}`;
          process.stderr.write(`closed ${code} ${reason}\n`);
        } else {
          process.stderr.write(`failed: ${status.message} (${status.code})\n`);
        }
        exit(status.ok && (status.closeCode === 1000 || status.closeCode === 1005) ? 0 : 1);
      },
    });
  } catch (error) {
    process.stderr.write(`failed: ${(error as Error).message}\n`);
    exit(2);
  }
}

main();
