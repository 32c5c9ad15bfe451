import { useApi } from '../api/ApiContext';
import type { MetricsResponse, ViewersResponse } from '../api/types';
import { rangeKey, rangeQuery, refreshInterval, type RangeSpec } from '../lib/range';
import { usePolledResource } from './usePolledResource';

/** The compare view polls instead of holding up to four sockets open. */
export const COMPARE_REFRESH_MS = 5_000;

export interface CompareChannel {
  id: string;
  metrics: MetricsResponse;
  viewers: ViewersResponse;
}

/** Metrics and viewer series of 2–4 channels over one range, loaded together. */
export function useCompare(ids: readonly string[], range: RangeSpec) {
  const client = useApi();
  const key = ids.length === 0 ? null : `compare/${ids.join(',')}?range=${rangeKey(range)}`;
  return usePolledResource<CompareChannel[]>(
    key,
    (signal) => {
      const query = rangeQuery(range);
      return Promise.all(
        ids.map(async (id) => {
          const [metrics, viewers] = await Promise.all([
            client.getMetrics(id, query, signal),
            client.getViewers(id, query, signal),
          ]);
          return { id, metrics, viewers };
        }),
      );
    },
    { intervalMs: refreshInterval(range, COMPARE_REFRESH_MS) },
  );
}
