/**
 * Installs the host simulator's module-resolution hook. Load it before any
 * module that imports SDK specifiers: `node --import ./build/hosts/node/register.js`.
 */
import { register } from "node:module";

register("./resolve-hook.js", import.meta.url);
