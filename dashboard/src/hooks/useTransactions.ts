import { useApi } from '../api/ApiContext';
import type { TransactionsResponse } from '../api/types';
import { rangeKey, rangeQuery, refreshInterval, type RangeSpec } from '../lib/range';
import { usePolledResource } from './usePolledResource';

export const TRANSACTIONS_REFRESH_MS = 10_000;
export const TRANSACTIONS_LIMIT = 20;

/** The latest transactions in `range` and the summary of all of them (total and by type). */
export function useTransactions(
  streamId: string | null,
  range: RangeSpec,
  { reloadToken = 0, limit = TRANSACTIONS_LIMIT } = {},
) {
  const client = useApi();
  return usePolledResource<TransactionsResponse>(
    streamId === null
      ? null
      : `streams/${streamId}/transactions?limit=${limit}&range=${rangeKey(range)}`,
    (signal) => client.getTransactions(streamId ?? '', { ...rangeQuery(range), limit }, signal),
    { intervalMs: refreshInterval(range, TRANSACTIONS_REFRESH_MS), reloadToken },
  );
}
