/**
 * Side effect only: plugs the device's native fast paths into the core
 * ({@link installDevicePlatform}). Import it before anything that opens a
 * connection — first in the app's entry module — and never preload it.
 */
import { installDevicePlatform } from "./device-platform";

installDevicePlatform();
