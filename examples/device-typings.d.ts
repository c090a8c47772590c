/**
 * For type-checking the device examples without the Moddable SDK installed
 * (CI): the few SDK declarations they (and the TypeScript blocks of README.md
 * and docs/device.md) use beyond the ones xs-websocket ships, as the SDK's
 * typings declare them (typings/wifi.d.ts, typings/net.d.ts,
 * typings/Resource.d.ts, xs/includes/xs.d.ts). mcconfig uses the SDK's own; do not copy this file
 * into a device build.
 */
declare const trace: (text: string) => void;

declare module "wifi" {
  type WiFiMessage = "connect" | "gotIP" | "lostIP" | "disconnect" | "station_connect" | "station_disconnect";
  class WiFi {
    static readonly gotIP: "gotIP";
    static readonly lostIP: "lostIP";
    static readonly connected: "connect";
    static readonly disconnected: "disconnect";
    constructor(options?: { ssid: string; password?: string }, callback?: (message: WiFiMessage) => void);
    close(): void;
  }
  export { WiFi as default };
}

declare module "net" {
  const Net: {
    get(what: "IP", mode?: "station" | "ap" | "ethernet"): string | undefined;
  };
  export { Net as default };
}

declare module "Resource" {
  class Resource {
    constructor(path: string);
    static exists(path: string): boolean;
    /** A copy in RAM, as an ArrayBuffer. */
    slice(begin: number, end?: number): ArrayBuffer;
  }
  export { Resource as default };
}
