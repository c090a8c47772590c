/**
 * Bytes a WebSocket client sends, for the XS bench entries (which play the
 * peer by hand, so that no client object of ours sits on the measured heap).
 */

/** A frame as a client sends it (FIN, masked with a fixed key: the bench measures memory). */
export function clientFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = new Uint8Array(header + 4 + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) frame[1] = 0x80 | length;
  else if (length < 65536) {
    frame[1] = 0x80 | 126;
    frame[2] = length >>> 8;
    frame[3] = length & 0xff;
  } else {
    frame[1] = 0x80 | 127;
    frame[6] = (length >>> 24) & 0xff;
    frame[7] = (length >>> 16) & 0xff;
    frame[8] = (length >>> 8) & 0xff;
    frame[9] = length & 0xff;
  }
  const key = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);
  frame.set(key, header);
  for (let i = 0; i < length; i++) frame[header + 4 + i] = payload[i]! ^ key[i & 3]!;
  return frame;
}

/** An opening handshake request (RFC 6455 §4.1) for `path`, as ASCII bytes. */
export function upgradeRequest(path: string): Uint8Array {
  const head =
    `GET ${path} HTTP/1.1\r\nHost: device.local\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  const bytes = new Uint8Array(head.length);
  for (let i = 0; i < head.length; i++) bytes[i] = head.charCodeAt(i);
  return bytes;
}

/** A close frame with status 1000 (RFC 6455 §5.5.1), masked. */
export function clientCloseFrame(): Uint8Array {
  return clientFrame(0x8, Uint8Array.of(0x03, 0xe8));
}
