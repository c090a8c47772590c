/**
 * Makes sure the real peers the interop tests run against are installed:
 * Debian's `python3-websockets` (for `/usr/bin/python3`), `chromium` and
 * `openssl`. `npm test` calls it first, so the README's quick start holds on
 * a fresh Debian machine: as root it installs what is missing with apt-get
 * (as `.ci/run` does); otherwise it says what to install and fails.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

interface Peer {
  /** The Debian package that provides it. */
  readonly pkg: string;
  readonly present: () => boolean;
}

const peers: Peer[] = [
  { pkg: "python3-websockets", present: () => spawnSync("/usr/bin/python3", ["-c", "import websockets"], { stdio: "ignore" }).status === 0 },
  { pkg: "chromium", present: () => existsSync("/usr/bin/chromium") },
  { pkg: "openssl", present: () => spawnSync("openssl", ["version"], { stdio: "ignore" }).status === 0 },
];

const missing = peers.filter((peer) => !peer.present()).map((peer) => peer.pkg);
if (missing.length > 0) {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
  if (!isRoot || !hasApt) {
    console.error(`The interop tests need Debian packages that are missing: ${missing.join(" ")}\nInstall them with: sudo apt-get install ${missing.join(" ")}`);
    process.exit(1);
  }
  console.error(`installing the test peers: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { stdio: ["ignore", "ignore", "inherit"], env });
}
