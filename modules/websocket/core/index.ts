/// <reference path="../../../hosts/moddable/types/sdk.d.ts" preserve="true" />
/**
 * The protocol core, `xs-websocket/core` on Node and on the device: pure,
 * I/O-free RFC 6455 (the sans-I/O {@link Connection}, the frame codec, the
 * opening handshake, and the errors with their stable codes). Hosts inject
 * the clock, the random source and SHA-1, and move the bytes. Durations in
 * the core's options are milliseconds of the injected clock.
 */
export * from "./opcode";
export * from "./close-code";
export * from "./errors";
export * from "./handshake-error";
export * from "./mask";
export * from "./utf8";
export * from "./base64";
export * from "./limits";
export * from "./frame-parser";
export * from "./frame-serializer";
export * from "./close-payload";
export * from "./http-head";
export * from "./handshake";
export * from "./message-assembler";
export * from "./memory-budget";
export * from "./frame-writer";
export * from "./connection";
