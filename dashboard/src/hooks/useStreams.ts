import { useApi } from '../api/ApiContext';
import type { StreamsPage } from '../api/types';
import { usePolledResource } from './usePolledResource';

export const STREAMS_REFRESH_MS = 2000;
const PAGE_SIZE = 50;

/** The channel list with live status, viewers and chat rate, refreshed every 2 s. */
export function useStreams(intervalMs = STREAMS_REFRESH_MS) {
  const client = useApi();
  return usePolledResource<StreamsPage>(
    `streams?page=1&page_size=${PAGE_SIZE}`,
    (signal) => client.listStreams({ page: 1, pageSize: PAGE_SIZE }, signal),
    { intervalMs },
  );
}
