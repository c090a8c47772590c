/**
 * The protocol core: pure, I/O-free RFC 6455. Hosts inject the clock, the
 * random source and SHA-1, and move the bytes.
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
export * from "./outbound-queue";
export * from "./connection";
