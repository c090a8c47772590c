/**
 * `rng` — the random source of the Moddable SDK's crypt modules
 * (modules/crypt/etc/rng.js + rng.c; in modules/crypt/tls_common.json, so
 * present with TLS; otherwise map "rng": "$(MODULES)/crypt/etc/rng").
 * On ESP32 it is an RC4 keystream seeded with 16 bytes of the hardware RNG
 * (`esp_random`). The host simulator uses node:crypto's CSPRNG.
 */
declare module "rng" {
  interface RandomSource {
    /** A new ArrayBuffer of `count` random bytes. */
    get(count: number): ArrayBuffer;
    /** Re-seed (device). Ignored by the simulator. */
    init(seed?: ArrayBuffer): void;
  }
  const RNG: Readonly<RandomSource>;
  export default RNG;
}
