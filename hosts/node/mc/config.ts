/**
 * `mc/config` on the host simulator: the device gets its manifest's
 * `config` section here; on Node there is no manifest, so it is empty and
 * the app keeps its own defaults (and its command line).
 */
const config: Readonly<Record<string, unknown>> = Object.freeze({});
export default config;
