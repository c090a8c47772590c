/**
 * A small portable event emitter (no Node API): `on`, `off`, `once`, `emit`,
 * typed by an event map (`Emitter<ServerEvents>`), so a listener's
 * parameters are known without annotations: `server.on("connection",
 * (conn, request) => …)`.
 *
 * An `error` event with no listener is not swallowed silently and is not
 * thrown either (a throw from inside a socket callback aborts the device):
 * it is reported with the SDK's `trace` on the device, `console.error`
 * where there is one (Node), and `emit` returns false.
 */

/** A listener: any function of the event's arguments. */
export type Listener = (...args: any[]) => void;

/**
 * An event map: each event's name to the type of its listener, e.g.
 * `{ close: (code: number, reason: string) => void }`. Interfaces qualify.
 */
export type EventMap<Events> = { [E in keyof Events]: Listener };

/** The events of an {@link Emitter} declared without a map: any name, any arguments. */
export type AnyEvents = Record<string, Listener>;

/** An event name of `Events`. */
export type EventName<Events> = keyof Events & string;

const ONCE = Symbol("once");

type Wrapped = Listener & { [ONCE]?: Listener };

/**
 * See the module comment. `Events` maps each event name to its listener type.
 *
 * An emitter lives as long as its connection, so its listeners are held
 * frugally (docs/device.md): an object made on the first `on`, one property
 * per event, holding the listener itself, or an array once an event has more
 * than one; and `emit` of an event with one listener allocates nothing.
 */
export class Emitter<Events extends EventMap<Events> = AnyEvents> {
  /** TypeScript-private, not `#`: a `#` field would cost every connection one more slot (docs/device.md). */
  private listenerTable: Record<string, Wrapped | Wrapped[]> | undefined;

  /** Adds `listener` for `event`; returns this. */
  on<E extends EventName<Events>>(event: E, listener: Events[E]): this {
    const listeners = (this.listenerTable ??= Object.create(null) as Record<string, Wrapped | Wrapped[]>);
    const entry = listeners[event];
    if (entry === undefined) listeners[event] = listener;
    else if (typeof entry === "function") listeners[event] = [entry, listener];
    else entry.push(listener);
    return this;
  }

  /** Alias of {@link on}. */
  addListener<E extends EventName<Events>>(event: E, listener: Events[E]): this {
    return this.on(event, listener);
  }

  /** Adds `listener` for the next `event` only. */
  once<E extends EventName<Events>>(event: E, listener: Events[E]): this {
    const wrapped: Wrapped = (...args: any[]) => {
      this.off(event, wrapped as Events[E]);
      listener(...args);
    };
    wrapped[ONCE] = listener;
    return this.on(event, wrapped as Events[E]);
  }

  /** Removes `listener` (added with `on` or `once`) from `event`. */
  off<E extends EventName<Events>>(event: E, listener: Events[E]): this {
    const listeners = this.listenerTable;
    const entry = listeners?.[event];
    if (entry === undefined) return this;
    const matches = (l: Wrapped): boolean => l === listener || l[ONCE] === listener;
    if (typeof entry === "function") {
      if (matches(entry)) delete listeners![event];
      return this;
    }
    const index = entry.findIndex(matches);
    if (index >= 0) entry.splice(index, 1);
    if (entry.length === 0) delete listeners![event];
    return this;
  }

  /** Alias of {@link off}. */
  removeListener<E extends EventName<Events>>(event: E, listener: Events[E]): this {
    return this.off(event, listener);
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: EventName<Events>): this {
    if (event === undefined) this.listenerTable = undefined;
    else if (this.listenerTable !== undefined) delete this.listenerTable[event];
    return this;
  }

  /** How many listeners `event` has. */
  listenerCount(event: EventName<Events>): number {
    const entry = this.listenerTable?.[event];
    return entry === undefined ? 0 : typeof entry === "function" ? 1 : entry.length;
  }

  /**
   * Emits `message(data, isBinary)`, then `data(data)`: the events of every
   * message a connection receives, looked up by their literal names (XS
   * finds a computed name in its name table at run time) and called without
   * the rest array {@link emit} makes.
   */
  protected emitMessage(data: string | Uint8Array, isBinary: boolean): void {
    const message = this.listenerTable?.message;
    if (typeof message === "function") message.call(this, data, isBinary);
    else if (message !== undefined) (this as Emitter).emit("message", data, isBinary);
    if (this.listenerTable?.data !== undefined) (this as Emitter).emit("data", data);
  }

  /**
   * Calls every listener of `event` in order with `args`; returns whether
   * there was one. An unheard `error` is reported (see the module comment).
   */
  emit<E extends EventName<Events>>(event: E, ...args: Parameters<Events[E]>): boolean {
    const entry = this.listenerTable?.[event];
    if (entry === undefined || (typeof entry !== "function" && entry.length === 0)) {
      if (event === "error") reportUnhandled(args[0]);
      return false;
    }
    if (typeof entry === "function") entry.apply(this, args);
    else for (const listener of entry.slice()) listener.apply(this, args); // a copy: a listener may remove itself
    return true;
  }
}

interface TraceGlobals {
  trace?: (text: string) => void;
  console?: { error(...args: unknown[]): void };
}

/** Reports an `error` event nobody listens to: `trace` on the device, `console.error` elsewhere. */
export function reportUnhandled(error: unknown): void {
  const g = globalThis as TraceGlobals;
  const text = `unhandled 'error' event: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`;
  if (typeof g.trace === "function") g.trace(text);
  else g.console?.error(text.trimEnd());
}
