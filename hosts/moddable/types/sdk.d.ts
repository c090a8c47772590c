/**
 * Every Moddable SDK module declaration the library's public types refer
 * to, in one file. The package's entry points (`xs-websocket/client`,
 * `/server`, `/core`) reference it, so an application that type-checks
 * against the package finds `timer`, `embedded:io/socket/tcp`, … without
 * the SDK installed. Exactly the declarations
 * hosts/moddable/manifest_typings.json maps, so on the device (where mcconfig
 * maps those same files) nothing is declared twice; text/decoder,
 * text/encoder and mc/config keep the SDK's own typings there.
 */
/// <reference path="./crypt.d.ts" />
/// <reference path="./dns-resolver-udp.d.ts" />
/// <reference path="./listener.d.ts" />
/// <reference path="./logical.d.ts" />
/// <reference path="./rng.d.ts" />
/// <reference path="./tcp.d.ts" />
/// <reference path="./timer.d.ts" />
/// <reference path="./tls.d.ts" />
