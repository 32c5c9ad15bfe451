/**
 * Wire types of the Telemetra REST and WebSocket API (SPEC §5).
 *
 * Times are RFC 3339 UTC strings with milliseconds, e.g. "2026-11-24T12:30:00.000Z".
 * Field names follow the server's JSON exactly (snake_case) so payloads need no mapping.
 */

/** An RFC 3339 UTC timestamp string. */
export type Timestamp = string;

export interface HealthResponse {
  status: string;
}

/** One channel as listed by `GET /api/v1/streams`. */
export interface StreamSummary {
  stream_id: string;
  title: string | null;
  category: string | null;
  is_live: boolean;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
  last_seen: Timestamp;
  viewer_count: number | null;
  /** Messages per minute in the latest window. */
  chat_rate: number | null;
}

export interface Page<T> {
  items: T[];
  page: number;
  page_size: number;
  total: number;
}

export type StreamsPage = Page<StreamSummary>;

export interface NamedCount {
  name: string;
  count: number;
}

/**
 * One sliding window of a channel's metrics (60 s long, sliding every 10 s).
 * A running window has `is_final: false` and may be sent many times with growing values;
 * `window_start` identifies it.
 */
export interface MetricsWindow {
  stream_id: string;
  window_start: Timestamp;
  window_end: Timestamp;
  message_count: number;
  messages_per_min: number;
  unique_chatters: number;
  emote_count: number;
  top_emotes: NamedCount[];
  top_chatters: NamedCount[];
  sentiment_score: number | null;
  positive_count: number;
  neutral_count: number;
  negative_count: number;
  viewer_last: number | null;
  viewer_min: number | null;
  viewer_max: number | null;
  viewer_avg: number | null;
  transaction_count: number;
  transaction_amount: number;
  /** Money of the window by transaction type; absent on servers older than this field. */
  money_by_type?: MoneyByType[];
  is_final: boolean;
}

export interface MetricsResponse {
  stream_id: string;
  from: Timestamp;
  to: Timestamp;
  /** Sorted by `window_start`, ascending. */
  windows: MetricsWindow[];
}

export type Severity = 'low' | 'medium' | 'high';

/** Known moment types; the server may add others, so any string is accepted. */
export type MomentType =
  | 'chat_spike'
  | 'viewer_spike'
  | 'viewer_drop'
  | 'donation_burst'
  | 'sentiment_shift'
  | 'raid_incoming'
  | (string & {});

export interface Moment {
  moment_id: string;
  stream_id: string;
  timestamp: Timestamp;
  moment_type: MomentType;
  description: string;
  severity: Severity;
  z_score: number | null;
  value: number | null;
  baseline: number | null;
  metadata: Record<string, unknown>;
}

export interface MomentsResponse {
  stream_id: string;
  /** Newest first. */
  moments: Moment[];
}

/** `GET /api/v1/streams/{id}/viewers`: viewer samples, oldest first, at most 2000 (thinned). */
export interface ViewerSample {
  timestamp: Timestamp;
  viewer_count: number;
  chatter_count: number | null;
}

export interface ViewersResponse {
  stream_id: string;
  from: Timestamp;
  to: Timestamp;
  samples: ViewerSample[];
}

export type TransactionType = 'donation' | 'subscription' | 'bits' | 'gift_sub';

export interface Transaction {
  transaction_id: string;
  timestamp: Timestamp;
  transaction_type: TransactionType;
  amount: number;
  currency: string;
  username: string | null;
  tier: string | null;
  count: number | null;
}

/** Count and sum of one transaction type (in a window or a whole range). */
export interface MoneyByType {
  transaction_type: TransactionType;
  count: number;
  total: number;
}

export interface TransactionsSummary {
  count: number;
  total: number;
  by_type: MoneyByType[];
}

/** `GET /api/v1/streams/{id}/transactions`: rows newest first; the summary covers the whole range. */
export interface TransactionsResponse {
  stream_id: string;
  from: Timestamp;
  to: Timestamp;
  transactions: Transaction[];
  summary: TransactionsSummary;
}

/**
 * `GET /api/v1/streams/{id}/emotes`, most used first. Counts are summed from the windows'
 * top-10 lists, so rare emotes are undercounted.
 */
export interface EmotesResponse {
  stream_id: string;
  from: Timestamp;
  to: Timestamp;
  emotes: NamedCount[];
}

/** `GET /api/v1/streams/{id}/chatters`, most messages first (approximate like the emotes). */
export interface ChattersResponse {
  stream_id: string;
  from: Timestamp;
  to: Timestamp;
  chatters: NamedCount[];
}

/** Body of every 4xx/5xx response. */
export interface ErrorBody {
  error: string;
}

/** Optional time range of the series endpoints; omitted bounds use the server default. */
export interface TimeRange {
  from?: Timestamp;
  to?: Timestamp;
}

// ---- WebSocket `/ws/live/{id}` messages (server → browser) ----

export interface SnapshotMessage {
  type: 'snapshot';
  stream: StreamSummary | null;
  window: MetricsWindow | null;
  moments: Moment[];
}

export interface MetricsMessage {
  type: 'metrics';
  window: MetricsWindow;
}

export interface ViewersMessage {
  type: 'viewers';
  viewer_count: number;
  timestamp: Timestamp;
}

export interface MomentMessage {
  type: 'moment';
  moment: Moment;
}

export interface StreamMessage {
  type: 'stream';
  stream: StreamSummary;
}

export type LiveMessage =
  SnapshotMessage | MetricsMessage | ViewersMessage | MomentMessage | StreamMessage;
