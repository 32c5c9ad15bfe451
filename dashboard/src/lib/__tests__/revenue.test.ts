import { describe, expect, it } from 'vitest';
import { sentimentMetricsFixture, windowFixture } from '../../fixtures/metrics';
import { byTypeRows, nonOverlappingWindows, revenueBuckets } from '../revenue';

describe('revenue over time', () => {
  it('keeps a chain of windows that do not overlap, so sums do not double count', () => {
    // 60 s windows sliding by 10 s: 12 windows over 2 minutes, 2 independent ones.
    const windows = Array.from({ length: 12 }, (_, i) =>
      windowFixture(new Date(Date.parse('2026-11-24T12:00:00.000Z') + i * 10_000).toISOString()),
    );
    const chain = nonOverlappingWindows(windows);
    expect(chain.map((w) => w.window_start)).toEqual([
      '2026-11-24T12:00:00.000Z',
      '2026-11-24T12:01:00.000Z',
    ]);
  });

  it('buckets money by time and by type, adding up to the windows’ total', () => {
    const from = Date.parse('2026-11-24T12:26:00.000Z');
    const buckets = revenueBuckets(sentimentMetricsFixture.windows, {
      from,
      to: from + 4 * 60_000,
    });
    expect(buckets).toHaveLength(4);
    expect(buckets.map((b) => b.total)).toEqual([10, 20, 30, 40]);
    expect(buckets[3]!.byType).toEqual({ donation: 20, bits: 20 });
    const total = buckets.reduce((sum, b) => sum + b.total, 0);
    expect(total).toBe(100);
  });

  it('never makes more buckets than asked for', () => {
    const from = Date.parse('2026-11-24T12:26:00.000Z');
    const buckets = revenueBuckets(
      sentimentMetricsFixture.windows,
      { from, to: from + 4 * 60_000 },
      2,
    );
    expect(buckets).toHaveLength(2);
    expect(buckets.map((b) => b.total)).toEqual([30, 70]);
  });

  it('lists every type in a fixed order, zero when absent', () => {
    const rows = byTypeRows([{ transaction_type: 'bits', count: 2, total: 3 }]);
    expect(rows.map((r) => [r.transaction_type, r.total])).toEqual([
      ['subscription', 0],
      ['gift_sub', 0],
      ['donation', 0],
      ['bits', 3],
    ]);
  });
});
