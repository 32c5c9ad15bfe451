import { useApi } from '../api/ApiContext';
import type { MetricsResponse } from '../api/types';
import { LIVE, rangeKey, rangeQuery, refreshInterval, type RangeSpec } from '../lib/range';
import { usePolledResource } from './usePolledResource';

/**
 * In live mode updates come over the WebSocket; this slower refresh only fills in final
 * windows and any gap the socket missed.
 */
export const METRICS_REFRESH_MS = 30_000;

/** The channel's window series over `range` (live: the last 15 minutes). */
export function useMetrics(
  streamId: string | null,
  range: RangeSpec = LIVE,
  { reloadToken = 0, intervalMs = refreshInterval(range, METRICS_REFRESH_MS) } = {},
) {
  const client = useApi();
  return usePolledResource<MetricsResponse>(
    streamId === null ? null : `streams/${streamId}/metrics?range=${rangeKey(range)}`,
    (signal) => client.getMetrics(streamId ?? '', rangeQuery(range), signal),
    { intervalMs, reloadToken },
  );
}
