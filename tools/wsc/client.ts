/**
 * wsc as a client: stdin lines (or `--execute` texts) out, messages in, over
 * the library's WebSocketChannel.
 */
import { getServers } from "node:dns";
import { WebSocketChannel, type ChannelStatus } from "../../modules/websocket/client/channel";
import { networkChanged } from "../../modules/websocket/keepalive/index";
import { sharedScheduler } from "../../modules/websocket/transport/platform";
import type { Arguments } from "./args";
import { exit, formatMessage, parseSlash, Terminal, type SlashCommand } from "./io";

/** Bytes queued before wsc waits for the socket to take them. */
const HIGH_WATER = 1024 * 1024;
/** The largest message wsc receives, and the send queue: a line up to this size goes as one frame. */
export const MAX_MESSAGE = 16 * 1024 * 1024;
/** Room for a frame's header (RFC 6455 §5.2: at most 14 bytes). */
const FRAME_HEADER = 14;
/** Lines read ahead of the socket before reading stdin pauses. */
const MAX_PENDING_LINES = 1024;

type Item = { text: string } | SlashCommand;

/** Connects to `args.url` and runs until the connection ends; exits the process. */
export function runClient(args: Arguments): void {
  // Host names: the simulator's resolver queries these servers (it does not use the UDP class).
  const servers = getServers().filter((server) => /^\d+\.\d+\.\d+\.\d+(:\d+)?$/.test(server));
  WebSocketChannel.dns = { servers: servers.length > 0 ? servers : ["8.8.8.8"], socket: { io: class Placeholder {} } };

  const channel = new WebSocketChannel({
    ...args.options,
    limits: { maxMessageSize: MAX_MESSAGE, maxFrameSize: MAX_MESSAGE, maxQueuedBytes: MAX_MESSAGE + FRAME_HEADER },
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

  const pending: Item[] = [];
  const executing = args.execute.length > 0;
  let opened = false;
  let inputEnded = false;
  let closing = false;
  let stopped = false;
  let signalled = false;
  let waitTimer: NodeJS.Timeout | undefined;

  const close = (code: number, reason: string): void => {
    if (closing || stopped) return;
    closing = true;
    clearTimeout(waitTimer);
    channel.close(code, reason);
  };

  const send = (text: string): void => {
    if (!args.binary) {
      const size = Buffer.byteLength(text, "utf8");
      if (size > MAX_MESSAGE) {
        ui.status(`failed: a line of ${size} bytes is over wsc's ${MAX_MESSAGE}-byte message limit; not sent (--binary streams it in fragments)`);
        return;
      }
      channel.sendMsg(text);
    } else {
      const bytes = new Uint8Array(Buffer.from(text, "utf8"));
      // Larger than the queue: one message in fragments, read as the queue drains.
      if (bytes.length > MAX_MESSAGE) channel.sendBinaryStream([bytes]);
      else channel.sendBinaryMsg(bytes);
    }
    ui.sent(text, !executing);
  };

  const fits = (item: Item): boolean => {
    if (!("text" in item)) return true;
    const size = args.binary ? Buffer.byteLength(item.text, "utf8") : item.text.length * 3; // an upper bound for text, in bytes
    const queued = channel.bufferedAmount;
    return queued === 0 || (queued < HIGH_WATER && queued + size + FRAME_HEADER <= MAX_MESSAGE + FRAME_HEADER);
  };

  const drain = (): void => {
    if (!opened || closing || stopped) return;
    while (pending.length > 0 && !channel.sendingStream && fits(pending[0]!)) {
      if (!channel.isOpen) {
        pending.length = 0;
        return;
      }
      const item = pending.shift()!;
      try {
        if ("text" in item) send(item.text);
        else if ("error" in item) ui.status(`failed: ${item.error}`);
        else if (item.command === "ping") {
          networkChanged(sharedScheduler()); // a ping now; no pong within the ping timeout (10 s if 0) fails the connection
          ui.status("ping sent");
        } else {
          close(item.code, item.reason);
          return;
        }
      } catch (error) {
        // Refused (queue full, a bad close code …): say so on one line and go on with the next line.
        if ("command" in item && item.command === "close") closing = false;
        ui.status(`failed: ${(error as Error).message}`);
      }
    }
    if (pending.length > MAX_PENDING_LINES) ui.pause();
    else if (!inputEnded) ui.resume();
    if (pending.length === 0 && inputEnded && waitTimer === undefined && !channel.sendingStream) {
      const wait = args.wait ?? (executing ? 2 : 0);
      if (wait === 0) close(1000, "");
      else waitTimer = setTimeout(() => close(1000, ""), wait * 1000);
    }
  };

  const slash = args.slash ?? process.stdin.isTTY === true;
  const ui = new Terminal(
    (line) => {
      if (executing) return;
      const item = slash ? parseSlash(line) : line;
      pending.push(typeof item === "string" ? { text: item } : item);
      drain();
    },
    () => {
      if (executing) return;
      inputEnded = true;
      drain();
    },
  );
  if (executing) {
    ui.close();
    for (const text of args.execute) pending.push({ text });
    inputEnded = true;
  }

  const onSignal = (): void => {
    if (signalled || stopped) process.exit(130); // a second Ctrl-C: do not wait for the closing handshake
    signalled = true;
    pending.length = 0;
    if (!opened) channel.close(); // aborts the opening: onStop follows
    else close(1000, ""); // at once, even during --wait; nothing more when a close is under way
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    channel.asyncOpen(args.url, args.origin, {
      onStart() {
        opened = true;
        ui.status(`open ${channel.URI} ${channel.protocol}`);
        ui.ready();
        drain();
      },
      onMessageAvailable(_context, message) {
        ui.received(formatMessage(message));
      },
      onBinaryMessageAvailable(_context, message) {
        ui.received(formatMessage(message));
      },
      onAcknowledge() {
        drain();
      },
      onStop(_context, status: ChannelStatus) {
        stopped = true;
        clearTimeout(waitTimer);
        ui.close();
        if (opened) {
          const code = status.ok ? status.closeCode : 1006;
          const reason = status.ok ? status.reason : `${status.code}: ${status.message}`;
          ui.status(`closed ${code} ${reason}`);
        } else {
          ui.status(`failed: ${status.message} (${status.code})`);
        }
        exit(status.ok && (status.closeCode === 1000 || status.closeCode === 1005) ? 0 : 1);
      },
    });
  } catch (error) {
    process.stderr.write(`failed: ${(error as Error).message}\n`);
    exit(2);
  }
}
