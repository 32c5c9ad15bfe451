import { useApi } from '../api/ApiContext';
import type { ChattersResponse } from '../api/types';
import { rangeKey, rangeQuery, refreshInterval, type RangeSpec } from '../lib/range';
import { usePolledResource } from './usePolledResource';

export const CHATTERS_REFRESH_MS = 5_000;
export const CHATTERS_LIMIT = 10;

/** The chatters with the most messages in `range`, most first. */
export function useChatters(
  streamId: string | null,
  range: RangeSpec,
  { reloadToken = 0, limit = CHATTERS_LIMIT } = {},
) {
  const client = useApi();
  return usePolledResource<ChattersResponse>(
    streamId === null
      ? null
      : `streams/${streamId}/chatters?limit=${limit}&range=${rangeKey(range)}`,
    (signal) => client.getChatters(streamId ?? '', { ...rangeQuery(range), limit }, signal),
    { intervalMs: refreshInterval(range, CHATTERS_REFRESH_MS), reloadToken },
  );
}
