import { describe, expect, it } from 'vitest';
import {
  focusRange,
  HOUR_MS,
  isLive,
  LIVE,
  preset,
  rangeKey,
  rangeQuery,
  refreshInterval,
  resolveRange,
} from '../range';
import { formatHash, parseHash } from '../route';

const NOW = Date.parse('2026-11-24T12:30:00.000Z');

describe('time ranges', () => {
  it('resolves presets as rolling ranges ending now', () => {
    expect(resolveRange(LIVE, NOW)).toEqual({ from: NOW - 15 * 60_000, to: NOW });
    expect(resolveRange(preset('1h'), NOW)).toEqual({ from: NOW - HOUR_MS, to: NOW });
    expect(resolveRange(preset('24h'), NOW)).toEqual({ from: NOW - 24 * HOUR_MS, to: NOW });
    expect(rangeQuery(preset('1h'), NOW)).toEqual({
      from: '2026-11-24T11:30:00.000Z',
      to: '2026-11-24T12:30:00.000Z',
    });
  });

  it('keeps one cache key per rolling range and reloads fixed ranges only once', () => {
    expect(rangeKey(preset('1h'))).toBe('1h');
    expect(rangeKey({ kind: 'custom', from: 1, to: 2 })).toBe('1-2');
    expect(refreshInterval(LIVE, 5000)).toBe(5000);
    expect(refreshInterval(preset('24h'), 5000)).toBe(30_000);
    expect(refreshInterval({ kind: 'custom', from: 1, to: 2 }, 5000)).toBe(0);
    expect(isLive(LIVE)).toBe(true);
    expect(isLive(preset('15m'))).toBe(false);
  });

  it('focuses two minutes before a moment to three after, never past now', () => {
    const t = NOW - 10 * 60_000;
    expect(focusRange(t, NOW)).toEqual({ kind: 'custom', from: t - 120_000, to: t + 180_000 });
    const recent = NOW - 60_000;
    expect(focusRange(recent, NOW)).toEqual({ kind: 'custom', from: recent - 120_000, to: NOW });
  });
});

describe('routes in the URL hash', () => {
  it('reads the three views', () => {
    expect(parseHash('')).toEqual({ view: 'overview' });
    expect(parseHash('#/')).toEqual({ view: 'overview' });
    expect(parseHash('#/channel/pixelqueen')).toEqual({
      view: 'channel',
      id: 'pixelqueen',
      range: LIVE,
    });
    expect(parseHash('#/channel/pixelqueen?range=24h')).toMatchObject({ range: preset('24h') });
    expect(parseHash('#/compare?channels=a,b,a,c,d,e')).toEqual({
      view: 'compare',
      ids: ['a', 'b', 'c', 'd'],
      range: LIVE,
    });
    expect(parseHash('#/channel/x?range=nonsense')).toMatchObject({ range: LIVE });
  });

  it('writes what it reads', () => {
    const routes = [
      { view: 'overview' as const },
      { view: 'channel' as const, id: 'pixelqueen', range: LIVE },
      { view: 'channel' as const, id: 'pixelqueen', range: preset('1h') },
      {
        view: 'channel' as const,
        id: 'chef_marco',
        range: { kind: 'custom' as const, from: NOW - HOUR_MS, to: NOW },
      },
      { view: 'compare' as const, ids: ['a', 'b'], range: preset('15m') },
    ];
    for (const route of routes) expect(parseHash(formatHash(route))).toEqual(route);
    expect(formatHash({ view: 'channel', id: 'pixelqueen', range: LIVE })).toBe(
      '#/channel/pixelqueen',
    );
  });
});
