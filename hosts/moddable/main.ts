/**
 * The device entry of the demo app (`creation.main` in the top manifest.json):
 * installs the native fast paths, then runs the demo (`../../main.ts`, the
 * same file `npm start` runs on Node). Imports are evaluated in order, so
 * `install` runs before the demo's module body opens its listener.
 */
import "./install";
import "../../main";
