/**
 * wsc's terminal side: input lines (with the optional slash commands) and
 * output. On a terminal, lines sent are shown after a "> " prompt or marker
 * and lines received after "< "; through pipes, stdout carries the messages
 * exactly as received, one per line, and stderr the status lines.
 */
import { clearLine, createInterface, cursorTo, type Interface } from "node:readline";

/** A slash command typed on the input, or a mistake in one. */
export type SlashCommand = { command: "ping" } | { command: "close"; code: number; reason: string } | { error: string };

/**
 * The command on `line`, or undefined when it is a message: "/ping",
 * "/close [CODE [REASON]]"; "//text" is the message "/text".
 */
export function parseSlash(line: string): SlashCommand | string {
  if (!line.startsWith("/")) return line;
  if (line.startsWith("//")) return line.slice(1);
  const [name, ...rest] = line.slice(1).split(" ");
  if (name === "ping" && rest.join("").trim() === "") return { command: "ping" };
  if (name === "close") {
    const code = rest[0] === undefined || rest[0] === "" ? 1000 : /^\d+$/.test(rest[0]) ? Number(rest[0]) : NaN;
    if (Number.isNaN(code)) return { error: `/close needs a numeric code, got ${JSON.stringify(rest[0])}` };
    return { command: "close", code, reason: rest.slice(1).join(" ") };
  }
  return { error: `unknown command /${name} (commands: /ping, /close [CODE [REASON]]; //text sends /text)` };
}

/** What wsc reads and writes. */
export class Terminal {
  /** stdout is a terminal: mark lines "> " (sent) and "< " (received). */
  readonly markers = process.stdout.isTTY === true;
  /** stdin is a terminal: a readline prompt shows what is typed. */
  readonly interactive = process.stdin.isTTY === true;
  readonly #input: Interface;
  readonly #prompting: boolean;

  constructor(onLine: (line: string) => void, onEnd: () => void) {
    this.#prompting = this.markers && this.interactive;
    this.#input = createInterface({
      input: process.stdin,
      output: this.#prompting ? process.stdout : undefined,
      terminal: this.#prompting,
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    if (this.#prompting) this.#input.setPrompt("> ");
    this.#input.on("line", (line) => {
      onLine(line);
      if (this.#prompting) this.#input.prompt();
    });
    this.#input.on("close", onEnd);
    // SIGINT on a terminal goes to readline: pass it on as the process's own.
    this.#input.on("SIGINT", () => process.emit("SIGINT"));
  }

  /** Shows the prompt (once the connection is open). */
  ready(): void {
    if (this.#prompting) this.#input.prompt();
  }

  /** A message received. */
  received(text: string): void {
    this.#write(process.stdout, this.markers ? `< ${text}\n` : `${text}\n`);
  }

  /** A message sent: marked on a terminal unless the prompt already shows it. */
  sent(text: string): void {
    if (this.markers && !this.#prompting) this.#write(process.stdout, `> ${text}\n`);
  }

  /** A status line (stderr). */
  status(text: string): void {
    this.#write(process.stderr, `${text}\n`);
  }

  pause(): void {
    this.#input.pause();
  }

  resume(): void {
    this.#input.resume();
  }

  /** Stops reading input. */
  close(): void {
    this.#input.close();
  }

  #write(stream: NodeJS.WriteStream, text: string): void {
    if (!this.#prompting) {
      stream.write(text);
      return;
    }
    // Above the prompt and whatever is being typed, which readline shows again.
    clearLine(process.stdout, 0);
    cursorTo(process.stdout, 0);
    stream.write(text);
    this.#input.prompt(true);
  }
}

/** Exits once stdout and stderr have been flushed. */
export function exit(code: number): void {
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

/** Bytes as lower-case hex. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** How a received message is printed. */
export function formatMessage(data: string | Uint8Array): string {
  return typeof data === "string" ? data : `[binary ${data.length} bytes] ${hex(data)}`;
}
