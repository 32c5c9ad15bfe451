import type { MetricsWindow, MoneyByType, TransactionType } from '../api/types';

export const TRANSACTION_TYPES: readonly TransactionType[] = [
  'subscription',
  'gift_sub',
  'donation',
  'bits',
];

export const TRANSACTION_LABELS: Record<TransactionType, string> = {
  subscription: 'Subscriptions',
  gift_sub: 'Gift subs',
  donation: 'Donations',
  bits: 'Bits',
};

/**
 * Windows slide, so they overlap: summing all of them would count each transaction several
 * times. This keeps a chain of windows that do not overlap (each starts at or after the end
 * of the one before), so their sums add up.
 */
export function nonOverlappingWindows(windows: readonly MetricsWindow[]): MetricsWindow[] {
  const sorted = [...windows].sort(
    (a, b) => Date.parse(a.window_start) - Date.parse(b.window_start),
  );
  const out: MetricsWindow[] = [];
  let end = -Infinity;
  for (const w of sorted) {
    const start = Date.parse(w.window_start);
    if (start >= end) {
      out.push(w);
      end = Date.parse(w.window_end);
    }
  }
  return out;
}

export interface RevenueBucket {
  /** Unix milliseconds. */
  start: number;
  end: number;
  total: number;
  count: number;
  /** Amount by type, when the server reports `money_by_type`. */
  byType: Partial<Record<TransactionType, number>>;
}

/**
 * Money over time: the range cut into at most `maxBuckets` equal buckets, each holding the
 * money of the non-overlapping windows that start in it.
 */
export function revenueBuckets(
  windows: readonly MetricsWindow[],
  range: { from: number; to: number },
  maxBuckets = 60,
): RevenueBucket[] {
  const span = range.to - range.from;
  if (!(span > 0) || maxBuckets < 1) return [];
  const chain = nonOverlappingWindows(windows);
  const windowMs =
    chain.length > 0
      ? Date.parse(chain[0]!.window_end) - Date.parse(chain[0]!.window_start)
      : 60_000;
  const size = Math.max(windowMs, Math.ceil(span / maxBuckets / windowMs) * windowMs);
  const count = Math.ceil(span / size);
  const buckets: RevenueBucket[] = Array.from({ length: count }, (_, i) => ({
    start: range.from + i * size,
    end: Math.min(range.to, range.from + (i + 1) * size),
    total: 0,
    count: 0,
    byType: {},
  }));
  for (const w of chain) {
    const start = Date.parse(w.window_start);
    const index = Math.floor((start - range.from) / size);
    const bucket = buckets[index];
    if (!bucket) continue;
    bucket.total += w.transaction_amount;
    bucket.count += w.transaction_count;
    for (const m of w.money_by_type ?? []) {
      bucket.byType[m.transaction_type] = (bucket.byType[m.transaction_type] ?? 0) + m.total;
    }
  }
  return buckets;
}

/** The summary's by-type rows in a fixed order, with zero rows for the types not present. */
export function byTypeRows(byType: readonly MoneyByType[]): MoneyByType[] {
  const found = new Map(byType.map((m) => [m.transaction_type, m]));
  const known = TRANSACTION_TYPES.map(
    (type) => found.get(type) ?? { transaction_type: type, count: 0, total: 0 },
  );
  const other = byType.filter((m) => !TRANSACTION_TYPES.includes(m.transaction_type));
  return [...known, ...other];
}
