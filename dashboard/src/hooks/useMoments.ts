import { useApi } from '../api/ApiContext';
import type { MomentsResponse } from '../api/types';
import { isLive, LIVE, rangeKey, rangeQuery, refreshInterval, type RangeSpec } from '../lib/range';
import { usePolledResource } from './usePolledResource';

export const MOMENTS_REFRESH_MS = 15_000;
export const MOMENTS_LIMIT = 50;

/**
 * The channel's moments, newest first. Live mode asks for the server's default (the last
 * 24 hours) so older moments stay one click away; other ranges ask for their own bounds.
 */
export function useMoments(
  streamId: string | null,
  range: RangeSpec = LIVE,
  { reloadToken = 0, intervalMs = refreshInterval(range, MOMENTS_REFRESH_MS) } = {},
) {
  const client = useApi();
  const live = isLive(range);
  return usePolledResource<MomentsResponse>(
    streamId === null
      ? null
      : `streams/${streamId}/moments?limit=${MOMENTS_LIMIT}&range=${rangeKey(range)}`,
    (signal) =>
      client.getMoments(
        streamId ?? '',
        live ? { limit: MOMENTS_LIMIT } : { ...rangeQuery(range), limit: MOMENTS_LIMIT },
        signal,
      ),
    { intervalMs, reloadToken },
  );
}
