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

/** The longest input line kept; the rest of a longer one is dropped, and said so. */
export const MAX_LINE = 64 * 1024 * 1024;

const LF = 10;
const CR = 13;

/**
 * Splits a byte stream into lines at LF, CR or CR LF, as readline does, but
 * holds at most `maxLine` bytes of a line: past that, the line's remaining
 * bytes are dropped up to its end and `onOverlong(bytes)` is called instead
 * of `onLine`.
 */
export class LineSplitter {
  readonly #pieces: Buffer[] = [];
  #held = 0;
  #dropped = 0;
  #afterCR = false;

  constructor(
    private readonly maxLine: number,
    private readonly onLine: (line: string) => void,
    private readonly onOverlong: (bytes: number) => void,
  ) {}

  /** Takes the next chunk of the stream. */
  push(chunk: Buffer): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte !== LF && byte !== CR) continue;
      if (byte === LF && this.#afterCR && i === start && this.#held === 0 && this.#dropped === 0) {
        // The LF of a CR LF whose CR ended the previous line.
        this.#afterCR = false;
        start = i + 1;
        continue;
      }
      this.#take(chunk.subarray(start, i));
      this.#endLine();
      this.#afterCR = byte === CR;
      start = i + 1;
    }
    if (start < chunk.length) {
      this.#afterCR = false;
      this.#take(chunk.subarray(start));
    }
  }

  /** The stream ended: a last line without a line break counts. */
  end(): void {
    if (this.#held > 0 || this.#dropped > 0) this.#endLine();
  }

  #take(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.#dropped > 0 || this.#held + bytes.length > this.maxLine) {
      this.#dropped += bytes.length;
      return;
    }
    this.#pieces.push(bytes);
    this.#held += bytes.length;
  }

  #endLine(): void {
    const dropped = this.#dropped;
    const line = dropped > 0 ? "" : Buffer.concat(this.#pieces, this.#held).toString("utf8");
    const total = this.#held + dropped;
    this.#pieces.length = 0;
    this.#held = 0;
    this.#dropped = 0;
    if (dropped > 0) this.onOverlong(total);
    else this.onLine(line);
  }
}

/** What wsc reads and writes. */
export class Terminal {
  /** stdout is a terminal: mark lines "> " (sent) and "< " (received). */
  readonly markers = process.stdout.isTTY === true;
  /** stdin is a terminal: a readline prompt shows what is typed. */
  readonly interactive = process.stdin.isTTY === true;
  /** Set when both are terminals: readline with a prompt. */
  readonly #input: Interface | undefined;
  readonly #prompting: boolean;
  #closed = false;
  readonly #onEnd: () => void;

  constructor(onLine: (line: string) => void, onEnd: () => void) {
    this.#prompting = this.markers && this.interactive;
    this.#onEnd = onEnd;
    if (this.#prompting) {
      const input = (this.#input = createInterface({ input: process.stdin, output: process.stdout, terminal: true, crlfDelay: Number.POSITIVE_INFINITY }));
      input.setPrompt("> ");
      input.on("line", (line) => {
        onLine(line);
        if (!this.#closed) input.prompt();
      });
      input.on("close", () => this.#ended());
      // SIGINT on a terminal goes to readline: pass it on as the process's own.
      input.on("SIGINT", () => process.emit("SIGINT"));
      return;
    }
    // Pipes and files: bounded lines (readline would hold an endless line whole).
    const splitter = new LineSplitter(MAX_LINE, onLine, (bytes) => this.status(`failed: a line of ${bytes} bytes or more is over wsc's ${MAX_LINE}-byte line limit; not sent`));
    process.stdin.on("data", (chunk: Buffer) => splitter.push(chunk));
    process.stdin.on("end", () => {
      splitter.end();
      this.#ended();
    });
    process.stdin.on("error", () => this.#ended());
  }

  /** Shows the prompt (once the connection is open). */
  ready(): void {
    if (this.#prompting && !this.#closed) this.#input?.prompt();
  }

  /** A message received. */
  received(text: string): void {
    this.#write(process.stdout, this.markers ? `< ${text}\n` : `${text}\n`);
  }

  /** A message sent: marked on a terminal unless it was typed after the prompt, which shows it already. */
  sent(text: string, typed: boolean): void {
    if (this.markers && !(this.#prompting && typed)) this.#write(process.stdout, `> ${text}\n`);
  }

  /** A status line (stderr). */
  status(text: string): void {
    this.#write(process.stderr, `${text}\n`);
  }

  pause(): void {
    if (this.#input !== undefined) this.#input.pause();
    else process.stdin.pause();
  }

  resume(): void {
    if (this.#closed) return;
    if (this.#input !== undefined) this.#input.resume();
    else process.stdin.resume();
  }

  /** Stops reading input. */
  close(): void {
    if (this.#closed) return;
    if (this.#input !== undefined) {
      clearLine(process.stdout, 0);
      cursorTo(process.stdout, 0);
      this.#input.close();
    } else {
      process.stdin.pause();
      process.stdin.removeAllListeners("data");
      this.#ended();
    }
  }

  #ended(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onEnd();
  }

  #write(stream: NodeJS.WriteStream, text: string): void {
    if (!this.#prompting || this.#closed) {
      stream.write(text);
      return;
    }
    // Above the prompt and whatever is being typed, which readline shows again.
    clearLine(process.stdout, 0);
    cursorTo(process.stdout, 0);
    stream.write(text);
    this.#input?.prompt(true);
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
