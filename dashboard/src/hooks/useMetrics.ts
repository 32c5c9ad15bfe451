import { useApi } from '../api/ApiContext';
import type { MetricsResponse } from '../api/types';
import { usePolledResource } from './usePolledResource';

/**
 * Live updates come over the WebSocket; this slower refresh only fills in final windows and
 * any gap the socket missed.
 */
export const METRICS_REFRESH_MS = 30_000;

/** The channel's window series for the server's default range (the last 15 minutes). */
export function useMetrics(
  streamId: string | null,
  { reloadToken = 0, intervalMs = METRICS_REFRESH_MS } = {},
) {
  const client = useApi();
  return usePolledResource<MetricsResponse>(
    streamId === null ? null : `streams/${streamId}/metrics`,
    (signal) => client.getMetrics(streamId ?? '', {}, signal),
    { intervalMs, reloadToken },
  );
}
