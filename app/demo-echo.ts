/**
 * The demo's `/echo` behaviour, shared by `main.ts` and the tests that stand
 * in for it: every message goes back unchanged, text as text and binary as
 * binary.
 *
 * An echo that cannot be queued is never dropped in silence: the connection
 * is closed with 1009 when the message alone is larger than the send queue
 * (it can never be echoed) or 1013 (Try Again Later) when the queue is full
 * of earlier echoes or the device's memory budget cannot hold the echo, and
 * the refusal is logged.
 */
import { CloseCode } from "../modules/websocket/core/close-code";
import { ReadyState, type ServerConnection } from "../modules/websocket/server/server";

/** Makes `conn` echo every message it receives. */
export function echoMessages(conn: ServerConnection): void {
  // Shared functions called with `this` = conn (the emitter does): no closure per connection.
  conn.on("message", echoMessage);
  conn.on("error", ignoreError);
}

function echoMessage(this: ServerConnection, data: string | Uint8Array): void {
  try {
    this.send(data);
  } catch (error) {
    // Not open any more: the message arrived as the connection began to close; its close event tells how it ended.
    if (this.readyState !== ReadyState.OPEN) return;
    const overBudget = (error as { code?: string }).code === "WS_ERR_BUDGET_EXCEEDED";
    const alone = !overBudget && this.bufferedAmount === 0;
    const code = alone ? CloseCode.MessageTooBig : CloseCode.TryAgainLater;
    log(`echo refused (${error instanceof Error ? error.message : String(error)}): closing with ${code}`);
    this.close(code, overBudget ? "device memory busy" : alone ? "echo larger than the send queue" : "send queue full");
  }
}

function ignoreError(): void {
  // The close event that follows says how it ended.
}

interface LogGlobals {
  trace?: (text: string) => void;
  console?: { error(...args: unknown[]): void };
}

function log(text: string): void {
  const g = globalThis as LogGlobals;
  if (g.console !== undefined) g.console.error(text);
  else g.trace?.(text + "\n");
}
