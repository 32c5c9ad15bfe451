import { useApi } from '../api/ApiContext';
import type { EmotesResponse } from '../api/types';
import { rangeKey, rangeQuery, refreshInterval, type RangeSpec } from '../lib/range';
import { usePolledResource } from './usePolledResource';

export const EMOTES_REFRESH_MS = 5_000;
export const EMOTES_LIMIT = 40;

/** The most used emotes in `range`, most first; refreshed every 5 s in live mode. */
export function useEmotes(
  streamId: string | null,
  range: RangeSpec,
  { reloadToken = 0, limit = EMOTES_LIMIT } = {},
) {
  const client = useApi();
  return usePolledResource<EmotesResponse>(
    streamId === null ? null : `streams/${streamId}/emotes?limit=${limit}&range=${rangeKey(range)}`,
    (signal) => client.getEmotes(streamId ?? '', { ...rangeQuery(range), limit }, signal),
    { intervalMs: refreshInterval(range, EMOTES_REFRESH_MS), reloadToken },
  );
}
