import { useEffect, useReducer } from 'react';
import { LiveConnection, liveUrl, type ConnectionState, type WebSocketFactory } from '../api/live';
import { loadToken } from '../api/token';
import type { LiveMessage, MetricsWindow, Moment, StreamSummary } from '../api/types';
import { CHART_SPAN_MS, mergeMoments, mergeWindows, trimWindows } from '../lib/series';
import { mergePoints, type ViewerPoint } from '../lib/viewers';

/** Live moments kept in memory; the list shows fewer. */
const MAX_LIVE_MOMENTS = 200;

export interface LiveState {
  streamId: string | null;
  status: ConnectionState;
  /** While not connected: the delay before the next attempt. */
  retryInMs: number | null;
  /** How many times the socket re-opened after the first open; a change means "reload history". */
  reconnects: number;
  stream: StreamSummary | null;
  viewerCount: number | null;
  /** Viewer counts received live, ascending, trimmed to the chart span. */
  viewerPoints: ViewerPoint[];
  /** Windows received live, by `window_start`, ascending, trimmed to the chart span. */
  windows: MetricsWindow[];
  /** Moments received live, newest first. */
  moments: Moment[];
}

export type LiveAction = { streamId: string } & (
  | { type: 'open'; reconnected: boolean }
  | { type: 'closed'; state: Exclude<ConnectionState, 'connected'>; retryInMs: number }
  | { type: 'message'; message: LiveMessage }
);

export function initialLiveState(streamId: string | null): LiveState {
  return {
    streamId,
    status: streamId === null ? 'offline' : 'reconnecting',
    retryInMs: null,
    reconnects: 0,
    stream: null,
    viewerCount: null,
    viewerPoints: [],
    windows: [],
    moments: [],
  };
}

function applyMessage(state: LiveState, message: LiveMessage): LiveState {
  switch (message.type) {
    case 'snapshot':
      return {
        ...state,
        stream: message.stream,
        viewerCount:
          message.stream?.viewer_count ?? message.window?.viewer_last ?? state.viewerCount,
        windows: message.window
          ? trimWindows(mergeWindows(state.windows, [message.window]))
          : state.windows,
        moments: mergeMoments(state.moments, message.moments).slice(0, MAX_LIVE_MOMENTS),
      };
    case 'metrics':
      return { ...state, windows: trimWindows(mergeWindows(state.windows, [message.window])) };
    case 'viewers': {
      const t = Date.parse(message.timestamp);
      if (!Number.isFinite(t)) return { ...state, viewerCount: message.viewer_count };
      const points = mergePoints(state.viewerPoints, [{ t, v: message.viewer_count }]);
      const cutoff = points.at(-1)!.t - CHART_SPAN_MS;
      return {
        ...state,
        viewerCount: message.viewer_count,
        viewerPoints: points[0]!.t < cutoff ? points.filter((p) => p.t >= cutoff) : points,
      };
    }
    case 'moment':
      return {
        ...state,
        moments: mergeMoments(state.moments, [message.moment]).slice(0, MAX_LIVE_MOMENTS),
      };
    case 'stream':
      return {
        ...state,
        stream: message.stream,
        viewerCount: message.stream.viewer_count ?? state.viewerCount,
      };
  }
}

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  // An action from another channel's connection starts that channel's state afresh.
  const base = state.streamId === action.streamId ? state : initialLiveState(action.streamId);
  switch (action.type) {
    case 'open':
      return {
        ...base,
        status: 'connected',
        retryInMs: null,
        reconnects: base.reconnects + (action.reconnected ? 1 : 0),
      };
    case 'closed':
      return { ...base, status: action.state, retryInMs: action.retryInMs };
    case 'message':
      return applyMessage(base, action.message);
  }
}

export interface UseLiveChannelOptions {
  /** Injected for tests; defaults to the browser's WebSocket. */
  createSocket?: WebSocketFactory;
}

/**
 * The selected channel's WebSocket feed as state. Reconnects by itself with backoff and
 * closes the socket on unmount or when the channel changes.
 */
export function useLiveChannel(
  streamId: string | null,
  { createSocket }: UseLiveChannelOptions = {},
): LiveState {
  const [state, dispatch] = useReducer(liveReducer, streamId, initialLiveState);

  useEffect(() => {
    if (streamId === null) return undefined;
    const connection = new LiveConnection({
      url: liveUrl(streamId, window.location, loadToken()),
      createSocket,
      handlers: {
        onOpen: (reconnected) => dispatch({ streamId, type: 'open', reconnected }),
        onMessage: (message) => dispatch({ streamId, type: 'message', message }),
        onClose: (closedState, retryInMs) =>
          dispatch({ streamId, type: 'closed', state: closedState, retryInMs }),
      },
    });
    connection.start();
    const onOnline = () => connection.retryNow();
    window.addEventListener('online', onOnline);
    return () => {
      window.removeEventListener('online', onOnline);
      connection.stop();
    };
  }, [streamId, createSocket]);

  return state.streamId === streamId ? state : initialLiveState(streamId);
}
