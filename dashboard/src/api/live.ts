import type { LiveMessage } from './types';

/** What the dashboard shows about its WebSocket (the `connection-status` indicator). */
export type ConnectionState = 'connected' | 'reconnecting' | 'offline';

/**
 * `ws(s)://<host>/ws/live/{id}` on the page's own origin, with the API token as
 * `access_token` when there is one.
 */
export function liveUrl(
  streamId: string,
  location: Pick<Location, 'protocol' | 'host'>,
  token: string | null = null,
): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${location.host}/ws/live/${encodeURIComponent(streamId)}`;
  return token ? `${url}?access_token=${encodeURIComponent(token)}` : url;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses one text frame. Checks the `type` tag and the fields each type cannot do without;
 * returns null for anything else (unknown types are ignored so the server can add new ones).
 */
export function parseLiveMessage(data: unknown): LiveMessage | null {
  if (typeof data !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  switch (value.type) {
    case 'snapshot':
      if (!Array.isArray(value.moments)) return null;
      if (value.stream !== null && !isObject(value.stream)) return null;
      if (value.window !== null && !isObject(value.window)) return null;
      break;
    case 'metrics':
      if (!isObject(value.window) || typeof value.window.window_start !== 'string') return null;
      break;
    case 'viewers':
      if (typeof value.viewer_count !== 'number') return null;
      break;
    case 'moment':
      if (!isObject(value.moment) || typeof value.moment.moment_id !== 'string') return null;
      break;
    case 'stream':
      if (!isObject(value.stream) || typeof value.stream.stream_id !== 'string') return null;
      break;
    default:
      return null;
  }
  return value as unknown as LiveMessage;
}

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 10_000;
/** Failed attempts in a row after which the indicator says `offline` (it keeps retrying). */
export const OFFLINE_AFTER_FAILURES = 3;

/**
 * Delay before reconnect attempt number `attempt` (0-based): exponential from
 * {@link BACKOFF_BASE_MS}, capped at {@link BACKOFF_CAP_MS}. `jitter` in [0, 1) spreads
 * clients out after a server restart by taking up to 20 % off.
 */
export function backoffDelay(attempt: number, jitter = 0): number {
  const exp = BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16);
  const capped = Math.min(BACKOFF_CAP_MS, exp);
  return Math.round(capped * (1 - 0.2 * jitter));
}

/** The subset of the WebSocket constructor the connection needs (a fake in tests). */
export type WebSocketFactory = (url: string) => WebSocket;

export interface LiveConnectionHandlers {
  /** A socket opened; `reconnected` is true for every open after the first. */
  onOpen(reconnected: boolean): void;
  onMessage(message: LiveMessage): void;
  /** The socket closed (or could not open); a new attempt starts after `retryInMs`. */
  onClose(state: Exclude<ConnectionState, 'connected'>, retryInMs: number): void;
}

export interface LiveConnectionOptions {
  url: string;
  handlers: LiveConnectionHandlers;
  createSocket?: WebSocketFactory;
  random?: () => number;
  isOnline?: () => boolean;
}

/**
 * One channel's live feed: opens the socket, parses frames, and reconnects with capped
 * exponential backoff until {@link LiveConnection.stop} is called. No React in here, so the
 * hook stays thin and this can be tested with a fake socket.
 */
export class LiveConnection {
  private socket: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private opens = 0;
  private stopped = true;

  constructor(private readonly options: LiveConnectionOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
      socket.onerror = null;
      if (socket.readyState === 0 || socket.readyState === 1) socket.close(1000, 'Client left');
    }
  }

  /** Retry now instead of waiting out the backoff (e.g. when the browser comes back online). */
  retryNow(): void {
    if (this.stopped || this.socket !== null) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.connect();
  }

  private connect(): void {
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url));
    let socket: WebSocket;
    try {
      socket = create(this.options.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    const { handlers } = this.options;

    socket.onopen = () => {
      this.opens += 1;
      handlers.onOpen(this.opens > 1);
    };
    socket.onmessage = (event: MessageEvent) => {
      // Reset the backoff only once data arrives: a server that accepts and at once closes
      // must not make the client reconnect in a tight loop.
      this.failures = 0;
      const message = parseLiveMessage(event.data);
      if (message) handlers.onMessage(message);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleRetry();
    };
    // An error is always followed by a close event, which does the work.
    socket.onerror = () => undefined;
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.failures, (this.options.random ?? Math.random)());
    this.failures += 1;
    const online = (this.options.isOnline ?? (() => navigator.onLine))();
    const state = !online || this.failures >= OFFLINE_AFTER_FAILURES ? 'offline' : 'reconnecting';
    this.options.handlers.onClose(state, delay);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }
}
