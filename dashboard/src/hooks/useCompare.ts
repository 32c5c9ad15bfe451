import { useApi } from '../api/ApiContext';
import type { MetricsResponse, ViewersResponse } from '../api/types';
import { rangeKey, rangeQuery, refreshInterval, type RangeSpec } from '../lib/range';
import { usePolledResource } from './usePolledResource';

/** The compare view polls instead of holding up to four sockets open. */
export const COMPARE_REFRESH_MS = 5_000;

/**
 * Window series and viewer samples of 2–4 channels over one range. The two load apart, so
 * one failing does not blank the other chart.
 */
export function useCompare(ids: readonly string[], range: RangeSpec) {
  const client = useApi();
  const key = ids.length === 0 ? null : `compare/${ids.join(',')}?range=${rangeKey(range)}`;
  const options = { intervalMs: refreshInterval(range, COMPARE_REFRESH_MS) };
  const metrics = usePolledResource<MetricsResponse[]>(
    key && `${key}&series=metrics`,
    (signal) => {
      const query = rangeQuery(range);
      return Promise.all(ids.map((id) => client.getMetrics(id, query, signal)));
    },
    options,
  );
  const viewers = usePolledResource<ViewersResponse[]>(
    key && `${key}&series=viewers`,
    (signal) => {
      const query = rangeQuery(range);
      return Promise.all(ids.map((id) => client.getViewers(id, query, signal)));
    },
    options,
  );
  return { metrics, viewers };
}
