/**
 * One connection attempt of a {@link WebSocketChannel}: its connection and
 * socket driver (the attempt is both), its socket, whether the transport
 * connected, what went wrong, and so how it ended. A channel makes a new
 * attempt per redirect; an attempt reports to its channel until the channel
 * lets it go ({@link Attempt.release}), so nothing of an abandoned attempt
 * reaches the listener, and the channel keeps no per-attempt state.
 */
import type { CloseResult, ConnectionEvents } from "../core/connection";
import type { ClientRequestOptions } from "../core/handshake";
import type { HttpHead } from "../core/http-head";
import { headerValue } from "../core/http-head";
import type { ProtocolError } from "../core/errors";
import type { HandshakeError } from "../core/handshake-error";
import { CONNECTION_COST, now, random, sha1, sharedBudget, sharedScheduler } from "../transport/platform";
import { SocketDriver } from "../transport/socket-driver";
import type { EndedAttempt } from "./attempt-outcome";
import type { ChannelOptions } from "./channel-types";
import { openSocket, securityInfoOf, type AttemptSocket, type TlsOptions } from "./dial";
import type { SecurityInfo } from "./channel-types";
import type { WsUri } from "./ws-uri";

/** What an attempt reports to its channel. */
export interface AttemptOwner {
  attemptOpened(attempt: Attempt): void;
  attemptText(text: string): void;
  attemptBinary(data: Uint8Array): void;
  attemptServerClose(code: number, reason: string): void;
  attemptWritten(count: number): void;
  attemptEnded(attempt: Attempt, result: CloseResult): void;
}

/** The connection settings of an attempt, in milliseconds. */
export interface AttemptSettings {
  limits: ChannelOptions["limits"];
  openTimeout: number;
  closeTimeout: number;
  pingInterval: number;
  pingTimeout: number;
}

/** See the module comment. The attempt is its own connection's events handler. */
export class Attempt extends SocketDriver implements ConnectionEvents {
  readonly target: WsUri;
  #owner: AttemptOwner | undefined;
  #socket: AttemptSocket | undefined;
  /** Whether the transport connected (TCP) or finished its handshake (TLS). */
  #transportOpen = false;
  /** What was thrown while setting the attempt up (handshake request, socket). */
  #setupError: unknown;
  /** The `Retry-After` of a response that refused the handshake. */
  #retryAfter: string | undefined;

  constructor(owner: AttemptOwner, target: WsUri, settings: AttemptSettings) {
    const budget = sharedBudget();
    const afforded = budget.tryReserve(CONNECTION_COST);
    super({ role: "client", random, sha1, now, scheduler: sharedScheduler(), budget, holdsConnectionCost: afforded, ...settings });
    if (!afforded) this.#setupError = new Error(`the device's memory budget cannot afford another connection (${budget.available} of ${budget.limit} bytes free)`);
    this.configure({ events: this });
    this.#owner = owner;
    this.target = target;
  }

  /**
   * Queues the opening handshake and opens the socket to `address`. What
   * either throws ends the attempt at once (its `onClosed` reports it, with
   * {@link outcome}'s `setupError`).
   */
  dial(address: string, request: Omit<ClientRequestOptions, "key">, tls: TlsOptions): void {
    if (this.#setupError !== undefined) {
      this.terminate();
      return;
    }
    try {
      this.startHandshake(request);
      const socket = openSocket(this.target, address, tls, this);
      this.#socket = socket;
      this.attach(socket);
    } catch (error) {
      this.#setupError = error;
      this.terminate();
    }
  }

  /** The channel lets the attempt go: nothing more is reported. */
  release(): void {
    this.#owner = undefined;
  }

  /** For wss: once open, what the TLS connection negotiated. */
  securityInfo(tls: TlsOptions): SecurityInfo {
    return securityInfoOf(this.target, this.#socket, tls);
  }

  /** What the channel needs to know of the ended attempt (see `statusOfEndedAttempt`). */
  outcome(result: CloseResult, started: boolean, aborted: boolean, openTimeout: number): EndedAttempt {
    return {
      result, failure: this.failure, target: this.target, openTimeout, setupError: this.#setupError,
      started, aborted, transportOpen: this.#transportOpen, retryAfter: this.#retryAfter ?? "",
    };
  }

  // ── ConnectionEvents ───────────────────────────────────────────────────

  onOpen(): void {
    this.#owner?.attemptOpened(this);
  }

  onText(text: string): void {
    this.#owner?.attemptText(text);
  }

  onBinary(data: Uint8Array): void {
    this.#owner?.attemptBinary(data);
  }

  onCloseFrame(code: number, reason: string): void {
    this.#owner?.attemptServerClose(code, reason);
  }

  onError(_error: ProtocolError | HandshakeError, response?: HttpHead): void {
    if (response !== undefined) this.#retryAfter = headerValue(response, "Retry-After");
  }

  onClosed(result: CloseResult): void {
    const owner = this.#owner;
    this.#owner = undefined;
    owner?.attemptEnded(this, result);
  }

  // ── SocketDriver ───────────────────────────────────────────────────────

  protected override transportOpened(): void {
    this.#transportOpen = true;
  }

  protected override written(count: number): void {
    this.#owner?.attemptWritten(count);
  }
}
