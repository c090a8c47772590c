/**
 * Stand-in for the SDK's `mc/config` in the XS bench bundles: no manifest
 * `config`, so the library keeps its defaults (no memory budget limit, as on
 * Node: the benches measure the library's own heap, not the budget's refusals).
 */
const config: Readonly<Record<string, unknown>> = Object.freeze({});
export default config;
