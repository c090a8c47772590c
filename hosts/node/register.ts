/**
 * Installs the host simulator's module-resolution hook. Load it before any
 * module that imports SDK specifiers: `node --import ./build/hosts/node/register.js`.
 * It also plugs the Node host's frame allocator into the core (see
 * frame-slab.ts), and its random pool in place of `RNG.get` (see crypt/rng.ts).
 */
import { register } from "node:module";

register("./resolve-hook.js", import.meta.url);
// Imported once the hook is in place, which resolves the core's extensionless specifiers.
const { useFrameAllocator } = await import("../../modules/websocket/core/bytes");
const { slabFrameBytes } = await import("./frame-slab");
useFrameAllocator(slabFrameBytes);
const { useRandomFill } = await import("../../modules/websocket/transport/platform");
const { fillRandom } = await import("./crypt/rng");
useRandomFill(fillRandom);
