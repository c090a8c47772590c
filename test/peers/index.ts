/**
 * Real WebSocket peers for interop tests, all on 127.0.0.1 and bounded in
 * time: Python `websockets` and npm `ws` echo servers and scripted clients,
 * headless Chromium, throwaway TLS certificates, and a scripted raw TCP server.
 * `test/peers.spec.ts` proves they work with each other.
 */
export * from "./types";
export * from "./python";
export * from "./ws-peer";
export * from "./chromium";
export * from "./http-page";
export * from "./tls";
export * from "./raw-tcp";
