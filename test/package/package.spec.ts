/**
 * The package as a new user gets it: `npm pack` once, `npm install` of the
 * tarball in a new project (a temp dir, offline: the package has no
 * dependencies), then, in that project:
 *
 * - the tarball holds the compiled JavaScript, the .d.ts files, the
 *   TypeScript sources and the manifests a Moddable app includes, and no tests;
 * - every ```ts block of README.md type-checks against the installed package
 *   (strict, Node types), as a doc test;
 * - the device examples type-check with no Node types, as on the device, and
 *   their manifests include the library manifest from node_modules as a user's would;
 * - the Node example compiles and runs on `node --import xs-websocket/register`
 *   (loopback only; it exits by itself);
 * - the `wsc` bin shim starts the CLI.
 *
 * Uses the repository's own TypeScript; the build is the one `npm test` just made.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkManifestImports } from "./manifest-resolver";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const TYPE_ROOTS = join(ROOT, "node_modules", "@types");
const STEP_TIMEOUT_MS = 60_000;

/** Runs a command (bounded in time); returns its result without throwing. */
function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: "utf8", timeout: STEP_TIMEOUT_MS, env: { ...process.env, npm_config_loglevel: "error" } });
}

function output(result: SpawnSyncReturns<string>): string {
  return `exit ${result.status} ${result.signal ?? ""}\n${result.stdout}\n${result.stderr}`;
}

/** The ```ts blocks of a Markdown text, in order. */
export function typeScriptBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const fence = /^```ts\n([\s\S]*?)^```$/gm;
  for (let match = fence.exec(markdown); match !== null; match = fence.exec(markdown)) blocks.push(match[1]!);
  return blocks;
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, null, 2) + "\n");
}

describe("package: the library manifests, as mcconfig and XS resolve them", function () {
  it("the root demo app's manifest resolves every import and preloads nothing that installs", () => {
    assert.deepEqual(checkManifestImports(join(ROOT, "manifest.json"), false), []);
  });

  it("the check catches an unmapped import, a source-tree import and a preloaded installer", () => {
    const dir = mkdtempSync(join(tmpdir(), "xs-websocket-manifest-"));
    try {
      writeFileSync(join(dir, "main.ts"), 'import "./missing";\nimport { Server } from "modules/websocket/server/index";\nvoid Server;\n');
      writeJson(join(dir, "manifest.json"), {
        include: [join(ROOT, "modules", "websocket", "manifest.json")],
        modules: { "*": "./main" },
        preload: ["xs-websocket/server"],
      });
      assert.deepEqual(checkManifestImports(join(dir, "manifest.json")), [
        'main: "./missing" resolves to "missing", which no manifest maps',
        "app module main imports modules/websocket/server/index: an app imports only xs-websocket/*",
        'preload "xs-websocket/server" reaches xs-websocket/server, which must run after preloading',
        'preload "xs-websocket/server" reaches hosts/moddable/install, which must run after preloading',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("package: xs-websocket as a new project installs it", function () {
  this.timeout(180_000);
  let work: string;
  let project: string;
  let packed: string[];

  before(() => {
    work = mkdtempSync(join(tmpdir(), "xs-websocket-package-"));
    project = join(work, "app");
    mkdirSync(project);
    // --ignore-scripts: the build is the one npm test made (prepack would rebuild it).
    const pack = JSON.parse(execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: ROOT, encoding: "utf8", timeout: STEP_TIMEOUT_MS })) as Array<{ filename: string; files: Array<{ path: string }> }>;
    packed = pack[0]!.files.map((f) => f.path);
    writeJson(join(project, "package.json"), { name: "new-project", version: "1.0.0", private: true, type: "module" });
    const install = run("npm", ["install", "--offline", "--no-audit", "--no-fund", join(work, pack[0]!.filename)], project);
    assert.equal(install.status, 0, output(install));
  });

  after(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it("packs the JavaScript, the .d.ts files, the TypeScript sources and the manifests, and no tests", () => {
    for (const path of [
      "package.json",
      "README.md",
      "bin/wsc.js",
      "build/modules/websocket/client/index.js",
      "build/modules/websocket/client/index.d.ts",
      "build/modules/websocket/server/index.js",
      "build/modules/websocket/server/index.d.ts",
      "build/modules/websocket/core/index.js",
      "build/modules/websocket/core/index.d.ts",
      "build/hosts/node/register.js",
      "build/tools/wsc.js",
      "modules/websocket/manifest.json",
      "modules/websocket/manifest_client.json",
      "modules/websocket/core/connection.ts",
      "hosts/moddable/entry/client.ts",
      "hosts/moddable/install.ts",
      "hosts/moddable/manifest_typings.json",
      "hosts/moddable/types/sdk.d.ts",
      "docs/device.md",
      "examples/telemetry-client/manifest.json",
    ]) {
      assert.ok(packed.includes(path), `${path} is not in the tarball`);
    }
    assert.deepEqual(packed.filter((p) => p.startsWith("test/") || p.startsWith("build/test/") || p.endsWith(".map")), []);
  });

  it("every ```ts block of README.md and docs/device.md type-checks against the installed package (strict)", () => {
    const readme = typeScriptBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));
    const device = typeScriptBlocks(readFileSync(join(ROOT, "docs", "device.md"), "utf8"));
    assert.ok(readme.length >= 5 && device.length >= 3, `README.md has ${readme.length} TypeScript blocks, docs/device.md ${device.length}`);
    const blocks = [...readme, ...device];
    const dir = join(project, "readme");
    mkdirSync(dir);
    const files = blocks.map((block, i) => {
      const name = `block-${String(i + 1).padStart(2, "0")}.ts`;
      writeFileSync(join(dir, name), block);
      return name;
    });
    writeJson(join(dir, "tsconfig.json"), {
      compilerOptions: {
        target: "es2022", module: "esnext", moduleResolution: "bundler", lib: ["es2022"], strict: true,
        verbatimModuleSyntax: true, noEmit: true, skipLibCheck: false, typeRoots: [TYPE_ROOTS], types: ["node"],
      },
      // `trace` and the SDK modules a device block may use, as in the device examples.
      files: [...files, "../node_modules/xs-websocket/examples/device-typings.d.ts"],
    });
    const tsc = run(process.execPath, [TSC, "-p", "tsconfig.json"], dir);
    assert.equal(tsc.status, 0, `blocks (README.md first, then docs/device.md: ${files.join(", ")}):\n${output(tsc)}`);
  });

  it("the device examples type-check with no Node types, and their manifests resolve every import", () => {
    const examples = join(project, "node_modules", "xs-websocket", "examples");
    for (const name of ["telemetry-client", "device-server"]) {
      // As a user does: the example's manifest.json and main.ts at the project root.
      const app = join(work, name);
      mkdirSync(app);
      cpSync(join(examples, name), app, { recursive: true });
      cpSync(join(project, "node_modules"), join(app, "node_modules"), { recursive: true, dereference: false });
      writeJson(join(app, "tsconfig.json"), {
        compilerOptions: {
          target: "es2022", module: "esnext", moduleResolution: "bundler", lib: ["es2022"], strict: true,
          verbatimModuleSyntax: true, noEmit: true, skipLibCheck: false, types: [],
        },
        files: ["main.ts", "node_modules/xs-websocket/examples/device-typings.d.ts"],
      });
      const tsc = run(process.execPath, [TSC, "-p", "tsconfig.json"], app);
      assert.equal(tsc.status, 0, `${name}:\n${output(tsc)}`);
      const problems = checkManifestImports(join(app, "manifest.json"));
      assert.deepEqual(problems, [], `${name}: manifest resolution`);
    }
  });

  it("the Node example compiles and runs on node --import xs-websocket/register", () => {
    const app = join(project, "node-app");
    mkdirSync(app);
    for (const file of ["app.ts", "tsconfig.json"]) cpSync(join(project, "node_modules", "xs-websocket", "examples", "node-app", file), join(app, file));
    const config = JSON.parse(readFileSync(join(app, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
    config.compilerOptions.typeRoots = [TYPE_ROOTS];
    writeJson(join(app, "tsconfig.json"), config);
    const tsc = run(process.execPath, [TSC, "-p", "tsconfig.json"], app);
    assert.equal(tsc.status, 0, output(tsc));
    assert.ok(existsSync(join(app, "app.js")));
    const node = run(process.execPath, ["--import", "xs-websocket/register", "app.js"], app);
    assert.equal(node.status, 0, output(node));
    assert.match(node.stdout, /^client: echo: hello$/m);
    assert.match(node.stdout, /^client: stopped NS_OK \(close code 1000\)$/m);
    assert.match(node.stdout, /^server: closed$/m);
  });

  it("npx wsc starts the CLI through the bin shim", () => {
    const wsc = run("npx", ["--no-install", "wsc", "--help"], project);
    assert.match(`${wsc.stdout}${wsc.stderr}`, /usage/i, output(wsc));
    assert.doesNotMatch(wsc.stderr, /ERR_MODULE_NOT_FOUND|ERR_UNKNOWN_FILE_EXTENSION/, output(wsc));
  });
});
