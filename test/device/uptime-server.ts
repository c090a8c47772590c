/**
 * Child process of `uptime.spec.ts`: the demo's /echo endpoint (the same
 * Server options and handler as main.ts) on the host simulator, in a process
 * of its own started with `--expose-gc`, so its heap is the server's alone.
 *
 * Protocol, one JSON line each way: it prints `{"port":…}` once listening;
 * for each line `measure` on stdin it collects garbage and prints the
 * server's tracked state and heap; `quit` closes the server and exits.
 */
import { createInterface } from "node:readline";
import { Server } from "../../modules/websocket/server/server";
import { sharedScheduler } from "../../modules/websocket/transport/platform";
import { echoMessages } from "../../app/demo-echo";

const gc = (globalThis as { gc?: () => void }).gc;

const echo = new Server({ port: 0, host: "127.0.0.1", path: "/echo" });
echo.on("connection", echoMessages); // as main.ts does
echo.once("listening", () => process.stdout.write(JSON.stringify({ port: echo.port }) + "\n"));
echo.on("error", (error: unknown) => {
  process.stderr.write(`cannot listen: ${String(error)}\n`);
  process.exit(1);
});

function measure(): unknown {
  for (let i = 0; i < 4; i++) gc?.();
  const resources: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) resources[name] = (resources[name] ?? 0) + 1;
  return {
    gc: gc !== undefined,
    clients: echo.clients.size,
    schedulerArmed: sharedScheduler().armed,
    resources,
    heapUsed: process.memoryUsage().heapUsed,
    arrayBuffers: process.memoryUsage().arrayBuffers,
  };
}

createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "measure") {
    // After the event loop has run what is due (sockets closing, timers firing).
    setTimeout(() => process.stdout.write(JSON.stringify(measure()) + "\n"), 50);
  } else if (line === "quit") {
    echo.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  }
});
