/**
 * The Moddable SDK module specifiers that the host simulator provides, and
 * the file (relative to this folder, as compiled) that implements each.
 * `modules/` imports these specifiers exactly as it does on the device.
 * Declarations: hosts/moddable/types/.
 */
export const sdkModules: Readonly<Record<string, string>> = {
  "embedded:io/socket/tcp": "./io/socket/tcp.js",
  "embedded:io/socket/listener": "./io/socket/listener.js",
  "embedded:io/socket/tcp/tls": "./io/socket/tls.js",
  "embedded:network/dns/resolver/udp": "./network/dns/resolver/udp.js",
  "timer": "./base/timer.js",
  "rng": "./crypt/rng.js",
  "crypt": "./crypt/crypt.js",
  "mc/config": "./mc/config.js",
};
