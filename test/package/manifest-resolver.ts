/**
 * A check of a Moddable app's manifest as mcconfig and XS would see it,
 * without the SDK: the `include`d manifests (local ones; `$(MODDABLE)` ones
 * are the SDK's), the `modules` mapping (specifier → file, `*` wildcards over
 * the directory's .ts/.js files), and `preload`. Every local module's
 * run-time imports (type-only ones are erased) must resolve to a mapped
 * specifier or to a known SDK module: XS resolves a relative import against
 * the importing module's SPECIFIER, not its file path. A preloaded module
 * must not reach `hosts/moddable/install` or an `xs-websocket/*` entry (they
 * call native constructors, which cannot run while the linker preloads), and
 * the app's own modules import nothing from hosts/ or the source tree.
 *
 * Manifest semantics: documentation/tools/manifest.md of the Moddable SDK.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { posix, dirname, join, resolve } from "node:path";

/** SDK modules the library and the examples import (provided by the SDK's own manifests). */
const SDK_MODULES = new Set([
  "timer", "rng", "crypt", "logical", "text/decoder", "text/encoder", "mc/config", "wifi", "net", "Resource",
  "embedded:io/socket/tcp", "embedded:io/socket/listener", "embedded:io/socket/tcp/tls", "embedded:network/dns/resolver/udp",
]);

interface Manifest {
  include?: string | string[];
  modules?: Record<string, string | string[]>;
  preload?: string | string[];
}

/** specifier → absolute file path without extension (local modules only). */
type ModuleMap = Map<string, string>;

function list<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function sourceOf(base: string): string | undefined {
  for (const ext of [".ts", ".js"]) if (existsSync(base + ext)) return base + ext;
  return undefined;
}

function collect(manifestPath: string, modules: ModuleMap, preload: string[], external: Set<string>, problems: string[], seen: Set<string>, own?: Set<string>): void {
  const path = resolve(manifestPath);
  if (seen.has(path)) return;
  seen.add(path);
  if (!existsSync(path)) {
    problems.push(`manifest not found: ${manifestPath}`);
    return;
  }
  const manifest = JSON.parse(readFileSync(path, "utf8")) as Manifest;
  const here = dirname(path);
  for (const include of list(manifest.include)) {
    if (include.startsWith("$(")) continue; // the SDK's
    collect(resolve(here, include), modules, preload, external, problems, seen);
  }
  for (const [specifier, targets] of Object.entries(manifest.modules ?? {})) {
    for (const target of list(targets)) {
      if (target.startsWith("$(") || existsSync(resolve(here, target) + ".d.ts")) {
        // the SDK's module, or a declaration (types only: the SDK provides the module)
        if (specifier !== "*") external.add(specifier);
        continue;
      }
      const file = resolve(here, target);
      if (target.endsWith("/*") || specifier === "*") {
        const dir = target.endsWith("/*") ? file.slice(0, -2) : dirname(file);
        const names = target.endsWith("/*")
          ? readdirSync(dir).filter((n) => /\.(ts|js)$/.test(n) && !n.endsWith(".d.ts")).map((n) => n.replace(/\.(ts|js)$/, ""))
          : [posix.basename(target)];
        for (const name of names) {
          const key = specifier === "*" ? name : specifier.slice(0, -1) + name;
          if (!modules.has(key)) modules.set(key, join(dir, name));
          own?.add(key);
        }
      } else if (!modules.has(specifier)) {
        modules.set(specifier, file);
        own?.add(specifier);
      }
    }
  }
  preload.push(...list(manifest.preload));
}

/** The run-time imports of a module's source (type-only imports and re-exports are erased). */
export function runtimeImports(source: string): string[] {
  const found: string[] = [];
  const statement = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm;
  for (let m = statement.exec(source); m !== null; m = statement.exec(source)) if (m[1] === undefined) found.push(m[2]!);
  return found;
}

function resolveSpecifier(importer: string, specifier: string): string | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return specifier;
  const joined = posix.normalize(posix.join(posix.dirname(importer), specifier));
  return joined.startsWith("../") ? undefined : joined;
}

/**
 * Problems found in the app whose manifest is `manifestPath` (empty when all
 * resolves). With `publicImportsOnly`, the modules the app's own manifest
 * maps may import the library only by its public specifiers.
 */
export function checkManifestImports(manifestPath: string, publicImportsOnly = true): string[] {
  const modules: ModuleMap = new Map();
  const preload: string[] = [];
  const external = new Set<string>();
  const problems: string[] = [];
  const own = new Set<string>();
  collect(manifestPath, modules, preload, external, problems, new Set(), own);
  const imports = new Map<string, string[]>();
  for (const [specifier, base] of modules) {
    const file = sourceOf(base);
    if (file === undefined) {
      problems.push(`${specifier}: no .ts/.js at ${base}`);
      continue;
    }
    const resolved: string[] = [];
    for (const imported of runtimeImports(readFileSync(file, "utf8"))) {
      const target = resolveSpecifier(specifier, imported);
      if (target === undefined) problems.push(`${specifier}: "${imported}" climbs above the specifier root`);
      else if (!modules.has(target) && !external.has(target) && !SDK_MODULES.has(target)) problems.push(`${specifier}: "${imported}" resolves to "${target}", which no manifest maps`);
      else resolved.push(target);
    }
    imports.set(specifier, resolved);
  }
  for (const specifier of publicImportsOnly ? own : []) {
    for (const imported of imports.get(specifier) ?? []) {
      if (imported.startsWith("hosts/") || imported.startsWith("modules/websocket/")) problems.push(`app module ${specifier} imports ${imported}: an app imports only xs-websocket/*`);
    }
  }
  for (const start of preload) {
    if (!modules.has(start) && !external.has(start)) {
      problems.push(`preload "${start}" is not mapped`);
      continue;
    }
    const stack = [start];
    const visited = new Set<string>();
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (visited.has(next)) continue;
      visited.add(next);
      if (next === "hosts/moddable/install" || next.startsWith("xs-websocket/")) problems.push(`preload "${start}" reaches ${next}, which must run after preloading`);
      stack.push(...(imports.get(next) ?? []));
    }
  }
  return problems;
}
