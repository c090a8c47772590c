#!/usr/bin/env node
// wsc, the command-line WebSocket client: loads the host simulator (the
// Moddable SDK's modules on Node), then runs the CLI on it.
import "../build/hosts/node/register.js";

await import("../build/tools/wsc.js");
