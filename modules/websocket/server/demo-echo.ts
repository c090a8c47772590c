/**
 * The demo's `/echo` behaviour, shared by `main.ts` and the tests that stand
 * in for it: every message goes back unchanged, text as text and binary as
 * binary.
 */
import type { ServerConnection } from "./server";

/** Makes `conn` echo every message it receives. */
export function echoMessages(conn: ServerConnection): void {
  conn.on("message", (data: string | Uint8Array) => {
    try {
      conn.send(data);
    } catch {
      // Closing, or the send queue is full: the echo is dropped, the connection goes on.
    }
  });
  conn.on("error", () => {}); // the close event that follows says how it ended
}
