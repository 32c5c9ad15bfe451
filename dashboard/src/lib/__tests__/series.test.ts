import { describe, expect, it } from 'vitest';
import { metricsFixture, windowFixture } from '../../fixtures/metrics';
import { momentFixture } from '../../fixtures/moments';
import { mergeMoments, mergeWindows, toChatRateSeries, trimWindows } from '../series';

describe('mergeWindows', () => {
  it('replaces by window_start and keeps ascending order', () => {
    const live = windowFixture('2026-11-24T12:28:10.000Z', {
      messages_per_min: 999,
      is_final: true,
    });
    const newer = windowFixture('2026-11-24T12:28:30.000Z', { is_final: false });
    const merged = mergeWindows(metricsFixture.windows, [newer, live]);
    expect(merged.map((w) => w.window_start)).toEqual([
      '2026-11-24T12:28:00.000Z',
      '2026-11-24T12:28:10.000Z',
      '2026-11-24T12:28:20.000Z',
      '2026-11-24T12:28:30.000Z',
    ]);
    expect(merged[1]?.messages_per_min).toBe(999);
  });

  it('never lets a running update replace a final window', () => {
    const final = windowFixture('2026-11-24T12:28:00.000Z', { messages_per_min: 120 });
    const stale = windowFixture('2026-11-24T12:28:00.000Z', {
      messages_per_min: 80,
      is_final: false,
    });
    expect(mergeWindows([final], [stale])[0]?.messages_per_min).toBe(120);
  });
});

describe('trimWindows', () => {
  it('drops windows that ended more than the span before the newest', () => {
    const old = windowFixture('2026-11-24T12:00:00.000Z');
    const recent = windowFixture('2026-11-24T12:20:00.000Z');
    expect(trimWindows([old, recent], 15 * 60_000)).toEqual([recent]);
  });
});

describe('toChatRateSeries', () => {
  it('plots messages per minute at window_end in Unix seconds', () => {
    const series = toChatRateSeries(metricsFixture.windows);
    expect(series.x).toEqual([
      Date.parse('2026-11-24T12:29:00.000Z') / 1000,
      Date.parse('2026-11-24T12:29:10.000Z') / 1000,
      Date.parse('2026-11-24T12:29:20.000Z') / 1000,
    ]);
    expect(series.y).toEqual([120, 180, 150]);
  });
});

describe('mergeMoments', () => {
  it('deduplicates by id and sorts newest first', () => {
    const a = momentFixture('a', '2026-11-24T12:00:00.000Z');
    const b = momentFixture('b', '2026-11-24T12:05:00.000Z');
    expect(mergeMoments([a], [b, a]).map((m) => m.moment_id)).toEqual(['b', 'a']);
  });
});
