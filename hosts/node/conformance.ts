/**
 * Compile-time check that each simulator module is assignable to its
 * declaration in hosts/moddable/types (what modules/ is type-checked
 * against). Type-only: emits nothing that runs.
 */
type Conforms<Simulator extends Declared, Declared> = [Simulator, Declared];

export type Checks = [
  Conforms<typeof import("./io/socket/tcp").default, typeof import("embedded:io/socket/tcp").default>,
  Conforms<typeof import("./io/socket/listener").default, typeof import("embedded:io/socket/listener").default>,
  Conforms<typeof import("./io/socket/tls").default, typeof import("embedded:io/socket/tcp/tls").default>,
  Conforms<typeof import("./network/dns/resolver/udp").default, typeof import("embedded:network/dns/resolver/udp").default>,
  Conforms<typeof import("./crypt/rng").default, typeof import("rng").default>,
  Conforms<typeof import("./crypt/crypt").Digest, typeof import("crypt").Digest>,
];
