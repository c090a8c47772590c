/**
 * Child-process plumbing shared by the peer helpers: every process started
 * here runs in its own process group, is bounded in time, and is killed (with
 * its whole group) when stopped, when its deadline passes, or when the test
 * process exits.
 */
import { spawn, type ChildProcess } from "node:child_process";

/** A child process started by {@link startProcess}. */
export interface PeerProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout so far. */
  stdout(): string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal name, or spawn error) once the process has ended. */
  readonly exited: Promise<number | string>;
  /**
   * Resolves with the first match of `pattern` in everything the process
   * wrote to `stream`. Rejects after `timeoutMs`, or if the process ends
   * first, with `what` and the process's output in the message.
   */
  waitFor(stream: "stdout" | "stderr", pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray>;
  /** SIGTERM to the process group, SIGKILL after `graceMs` (default 2 s); resolves once it has ended. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

/**
 * Starts `command` in its own process group with piped stdio. The group is
 * SIGKILLed after `lifetimeMs` (default 120 s) if nothing stopped it before,
 * and when the Node process exits.
 */
export function startProcess(
  command: string,
  args: readonly string[],
  options: { lifetimeMs?: number; env?: NodeJS.ProcessEnv } = {},
): PeerProcess {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => live.forEach((c) => killGroup(c, "SIGKILL")));
  }
  const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], detached: true, env: options.env ?? process.env });
  live.add(child);
  const text = { stdout: "", stderr: "" };
  let ended: number | string | undefined;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  child.stdout!.setEncoding("utf8").on("data", (s: string) => ((text.stdout += s), notify()));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => ((text.stderr += s), notify()));
  child.stdin!.on("error", () => {}); // EPIPE when the child exits first
  const exited = new Promise<number | string>((resolve) => {
    const end = (status: number | string) => {
      if (ended !== undefined) return;
      ended = status;
      live.delete(child);
      clearTimeout(deadline);
      resolve(status);
      notify();
    };
    child.on("error", (e) => ((text.stderr += `\n[spawn error] ${e.message}`), end(`spawn error: ${e.message}`)));
    // "close" waits for stdio to drain, so output is complete when `exited` resolves.
    child.on("close", (code, signal) => end(code ?? signal ?? "unknown"));
  });
  const deadline = setTimeout(() => killGroup(child, "SIGKILL"), options.lifetimeMs ?? 120_000);
  deadline.unref();
  const report = () => `--- stdout ---\n${text.stdout}\n--- stderr ---\n${text.stderr}`;

  return {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    exited,
    waitFor(stream, pattern, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text[stream].match(pattern);
          if (match) finish(null, match);
          else if (ended !== undefined) finish(new Error(`${what}: the process ended (${ended}) before ${pattern} appeared\n${report()}`));
        };
        const finish = (error: Error | null, match?: RegExpMatchArray) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve(match!);
        };
        const timer = setTimeout(() => finish(new Error(`${what}: ${pattern} did not appear within ${timeoutMs} ms\n${report()}`)), timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async stop(graceMs = 2_000) {
      if (ended === undefined) {
        killGroup(child, "SIGTERM");
        const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
      killGroup(child, "SIGKILL"); // leftovers of the group, e.g. browser helper processes
    },
  };
}
