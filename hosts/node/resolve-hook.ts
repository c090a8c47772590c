/**
 * Node module-resolution hook for the host simulator.
 *
 * - SDK specifiers (`embedded:io/socket/tcp`, `timer`, …) resolve to the
 *   simulator's implementation of that module.
 * - Extensionless relative specifiers (`./frame-parser`), the form the
 *   Moddable toolchain expects, resolve to the compiled `.js` file.
 */
import { sdkModules } from "./sdk-modules.js";

type Resolved = { url: string; format?: string; shortCircuit?: boolean };
type NextResolve = (specifier: string, context: unknown) => Promise<Resolved>;

const here = import.meta.url;

export async function resolve(specifier: string, context: { parentURL?: string }, next: NextResolve): Promise<Resolved> {
  const mapped = sdkModules[specifier];
  if (mapped !== undefined) {
    return { url: new URL(mapped, here).href, format: "module", shortCircuit: true };
  }
  const relative = specifier.startsWith("./") || specifier.startsWith("../");
  const parent = context.parentURL;
  if (relative && parent !== undefined && parent.startsWith("file:") && !/\.[cm]?js$|\.json$/.test(specifier)) {
    return next(specifier + ".js", context);
  }
  return next(specifier, context);
}
