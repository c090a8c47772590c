/**
 * Throwaway TLS material for `wss://` tests, made at run time with the
 * `openssl` CLI (installed by `.ci/run`).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/** A self-signed certificate and its key, as PEM text and as files in `dir`. */
export interface TestCertificate {
  /** Certificate PEM; also the trust anchor to give clients (`ca`). */
  cert: string;
  /** Unencrypted private key PEM. */
  key: string;
  /** Temporary folder holding `cert.pem` and `key.pem`. */
  dir: string;
  certFile: string;
  keyFile: string;
  /** Deletes `dir`. */
  remove(): Promise<void>;
}

/**
 * Makes a self-signed P-256 certificate valid for two days for `127.0.0.1`
 * and `localhost` (subjectAltName), in a fresh temporary folder. Call
 * `remove()` when done.
 */
export async function makeCertificate(): Promise<TestCertificate> {
  const dir = await mkdtemp(join(tmpdir(), "xs-ws-tls-"));
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  const args = [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout", keyFile, "-out", certFile,
  ];
  try {
    await promisify(execFile)("openssl", args, { timeout: 20_000 });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") throw new Error("openssl is missing: .ci/run installs it (apt-get install openssl)");
    throw new Error(`openssl failed to make a test certificate: ${e.message}\n${e.stderr ?? ""}`);
  }
  return {
    cert: await readFile(certFile, "utf8"),
    key: await readFile(keyFile, "utf8"),
    dir,
    certFile,
    keyFile,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
