/** The demo server's command line (app/demo-args.ts), every check. */
import assert from "node:assert/strict";
import { isIpLiteral, parseDemoArguments, urlHost, type DemoSettings } from "../../app/demo-args";

const DEFAULTS: DemoSettings = { host: "127.0.0.1", port: 8080, maxPayload: undefined, pingInterval: 0, pingTimeout: 0, connections: undefined };

function error(args: string[], port?: string): string {
  const command = parseDemoArguments(args, port, DEFAULTS);
  assert.ok("error" in command, `${args.join(" ")} should be refused`);
  return command.error;
}

describe("demo server: command line", () => {
  it("no arguments: the defaults, loopback", () => {
    assert.deepEqual(parseDemoArguments([], undefined, DEFAULTS), { run: DEFAULTS });
  });

  it("every option, as NAME VALUE and NAME=VALUE; PORT from the environment, --port over it", () => {
    const command = parseDemoArguments(["--host", "::1", "--port=0", "--max-payload", "2000000", "--ping-interval=2.5", "--ping-timeout", "10"], "9000", DEFAULTS);
    assert.deepEqual(command, { run: { ...DEFAULTS, host: "::1", port: 0, maxPayload: 2000000, pingInterval: 2.5, pingTimeout: 10 } });
    assert.deepEqual(parseDemoArguments([], "9000", DEFAULTS), { run: { ...DEFAULTS, port: 9000 } });
    assert.deepEqual(parseDemoArguments(["--host", "localhost"], undefined, DEFAULTS), { run: DEFAULTS });
  });

  it("--help and -h answer with the usage", () => {
    for (const flag of ["--help", "-h"]) {
      const command = parseDemoArguments(["--port", "1", flag], undefined, DEFAULTS);
      assert.ok("help" in command && command.help.startsWith("usage: npm start -- [options]"));
    }
  });

  it("refuses each bad value with a line that names it", () => {
    assert.equal(error(["--port", "abc"]), '--port needs an integer 0–65535, got "abc"');
    assert.equal(error(["--port", "65536"]), '--port needs an integer 0–65535, got "65536"');
    assert.equal(error(["--port", "-1"]), '--port needs an integer 0–65535, got "-1"');
    assert.equal(error(["--port", "8.5"]), '--port needs an integer 0–65535, got "8.5"');
    assert.equal(error([], "x"), 'PORT needs an integer 0–65535, got "x"');
    assert.equal(error(["--max-payload", "0"]), '--max-payload needs a whole number of bytes ≥ 1, got "0"');
    assert.equal(error(["--max-payload", "1e6"]), '--max-payload needs a whole number of bytes ≥ 1, got "1e6"');
    assert.equal(error(["--ping-interval", "-5"]), '--ping-interval needs a number of seconds ≥ 0, got "-5"');
    assert.equal(error(["--ping-timeout", "Infinity"]), '--ping-timeout needs a number of seconds ≥ 0, got "Infinity"');
    assert.equal(error(["--host", "999.1.1.1"]), '--host needs an IP address such as 127.0.0.1, ::1 or 0.0.0.0, got "999.1.1.1"');
    assert.equal(error(["--host", "example.com"]), '--host needs an IP address such as 127.0.0.1, ::1 or 0.0.0.0, got "example.com"');
    assert.equal(error(["--host"]), "--host needs a value (see --help)");
    assert.equal(error(["--verbose"]), "unknown option --verbose (see --help)");
    assert.equal(error(["8080"]), 'unexpected argument "8080" (see --help)');
  });

  it("IP literals: IPv4 dotted quads and the IPv6 text forms", () => {
    for (const good of ["127.0.0.1", "0.0.0.0", "255.255.255.255", "::", "::1", "fe80::1", "2001:db8:0:0:0:0:2:1", "::ffff:192.0.2.1", "1:2:3:4:5:6:7::"]) assert.ok(isIpLiteral(good), good);
    for (const bad of ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::ffff:1.2.3", "fe80::1%eth0", "localhost"]) assert.ok(!isIpLiteral(bad), bad);
  });

  it("IPv6 hosts are bracketed in URLs", () => {
    assert.equal(urlHost("::1"), "[::1]");
    assert.equal(urlHost("127.0.0.1"), "127.0.0.1");
  });
});
