/**
 * The Moddable SDK module specifiers that the host simulator provides, and
 * the file (relative to this folder, as compiled) that implements each.
 * `modules/` imports these specifiers exactly as it does on the device.
 */
export const sdkModules: Readonly<Record<string, string>> = {
};
