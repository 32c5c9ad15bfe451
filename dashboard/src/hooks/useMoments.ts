import { useApi } from '../api/ApiContext';
import type { MomentsResponse } from '../api/types';
import { usePolledResource } from './usePolledResource';

export const MOMENTS_REFRESH_MS = 15_000;
export const MOMENTS_LIMIT = 50;

/** The channel's latest moments, newest first. */
export function useMoments(
  streamId: string | null,
  { reloadToken = 0, intervalMs = MOMENTS_REFRESH_MS } = {},
) {
  const client = useApi();
  return usePolledResource<MomentsResponse>(
    streamId === null ? null : `streams/${streamId}/moments?limit=${MOMENTS_LIMIT}`,
    (signal) => client.getMoments(streamId ?? '', { limit: MOMENTS_LIMIT }, signal),
    { intervalMs, reloadToken },
  );
}
