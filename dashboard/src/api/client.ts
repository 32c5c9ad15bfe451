import type {
  ChattersResponse,
  EmotesResponse,
  HealthResponse,
  MetricsResponse,
  MomentsResponse,
  StreamsPage,
  TimeRange,
  TransactionsResponse,
  ViewersResponse,
} from './types';
import { announceUnauthorized, loadToken } from './token';

/**
 * The one way an API call fails. `status` is the HTTP status, or 0 when the server could
 * not be reached or answered something that is not JSON. `message` is the server's own
 * `error` text when it sent one.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    message: string,
    readonly path: string,
  ) {
    super(message);
  }

  /** True for 404: the stream (or route) does not exist. */
  get isNotFound(): boolean {
    return this.status === 404;
  }
}

type QueryValue = string | number | undefined;

export interface ApiClientOptions {
  /** Prefix of every path; empty for the same origin (the default). */
  baseUrl?: string;
  /** Injected for tests; defaults to the global `fetch` looked up at call time. */
  fetch?: typeof fetch;
}

function buildPath(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function errorMessage(body: unknown, status: number, statusText: string): string {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const { error } = body;
    if (typeof error === 'string' && error.length > 0) return error;
  }
  return statusText ? `${status} ${statusText}` : `Request failed with status ${status}`;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function createApiClient(options: ApiClientOptions = {}) {
  const baseUrl = options.baseUrl ?? '';

  async function get<T>(
    path: string,
    query?: Record<string, QueryValue>,
    signal?: AbortSignal,
  ): Promise<T> {
    const fullPath = buildPath(path, query);
    const doFetch = options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      const token = loadToken();
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (token) headers.Authorization = `Bearer ${token}`;
      response = await doFetch(baseUrl + fullPath, { headers, signal });
    } catch (err) {
      // An abort is the caller's own doing: let it through untouched so it can be ignored.
      if (signal?.aborted) throw err;
      throw new ApiError(0, 'Cannot reach the Telemetra server', fullPath);
    }
    const body = await readJson(response);
    if (response.status === 401) announceUnauthorized();
    if (!response.ok) {
      throw new ApiError(
        response.status,
        errorMessage(body, response.status, response.statusText),
        fullPath,
      );
    }
    if (body === undefined) {
      throw new ApiError(0, 'The server sent a response that is not JSON', fullPath);
    }
    return body as T;
  }

  const streamPath = (id: string) => `/api/v1/streams/${encodeURIComponent(id)}`;

  return {
    health: (signal?: AbortSignal) => get<HealthResponse>('/health', undefined, signal),

    listStreams: (params: { page?: number; pageSize?: number } = {}, signal?: AbortSignal) =>
      get<StreamsPage>(
        '/api/v1/streams',
        { page: params.page ?? 1, page_size: params.pageSize ?? 50 },
        signal,
      ),

    getMetrics: (streamId: string, range: TimeRange = {}, signal?: AbortSignal) =>
      get<MetricsResponse>(
        `${streamPath(streamId)}/metrics`,
        { from: range.from, to: range.to },
        signal,
      ),

    getMoments: (
      streamId: string,
      params: TimeRange & { limit?: number } = {},
      signal?: AbortSignal,
    ) =>
      get<MomentsResponse>(
        `${streamPath(streamId)}/moments`,
        { from: params.from, to: params.to, limit: params.limit ?? 50 },
        signal,
      ),

    getViewers: (streamId: string, range: TimeRange = {}, signal?: AbortSignal) =>
      get<ViewersResponse>(
        `${streamPath(streamId)}/viewers`,
        { from: range.from, to: range.to },
        signal,
      ),

    getTransactions: (
      streamId: string,
      params: TimeRange & { limit?: number } = {},
      signal?: AbortSignal,
    ) =>
      get<TransactionsResponse>(
        `${streamPath(streamId)}/transactions`,
        { from: params.from, to: params.to, limit: params.limit },
        signal,
      ),

    getEmotes: (
      streamId: string,
      params: TimeRange & { limit?: number } = {},
      signal?: AbortSignal,
    ) =>
      get<EmotesResponse>(
        `${streamPath(streamId)}/emotes`,
        { from: params.from, to: params.to, limit: params.limit },
        signal,
      ),

    getChatters: (
      streamId: string,
      params: TimeRange & { limit?: number } = {},
      signal?: AbortSignal,
    ) =>
      get<ChattersResponse>(
        `${streamPath(streamId)}/chatters`,
        { from: params.from, to: params.to, limit: params.limit },
        signal,
      ),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The app's client: same origin, relative URLs. */
export const api: ApiClient = createApiClient();

/** A short text for any error that reaches the screen. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    return error.status > 0 ? `${error.message} (HTTP ${error.status})` : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'AbortError'
  );
}
