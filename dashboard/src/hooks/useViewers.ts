import { useApi } from '../api/ApiContext';
import type { ViewersResponse } from '../api/types';
import { LIVE, rangeKey, rangeQuery, refreshInterval, type RangeSpec } from '../lib/range';
import { usePolledResource } from './usePolledResource';

/** Live viewer counts come over the WebSocket; REST only refills the history. */
export const VIEWERS_REFRESH_MS = 30_000;

/** The channel's viewer samples over `range`, oldest first (at most 2000, thinned). */
export function useViewers(
  streamId: string | null,
  range: RangeSpec = LIVE,
  { reloadToken = 0, intervalMs = refreshInterval(range, VIEWERS_REFRESH_MS) } = {},
) {
  const client = useApi();
  return usePolledResource<ViewersResponse>(
    streamId === null ? null : `streams/${streamId}/viewers?range=${rangeKey(range)}`,
    (signal) => client.getViewers(streamId ?? '', rangeQuery(range), signal),
    { intervalMs, reloadToken },
  );
}
