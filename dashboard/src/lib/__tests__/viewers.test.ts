import { describe, expect, it } from 'vitest';
import { viewersFixture } from '../../fixtures/viewers';
import { mergePoints, samplesToPoints, streamStats, thinPoints } from '../viewers';

describe('stream statistics from the viewer series', () => {
  it('computes peak, time-weighted average and hours watched by trapezoids', () => {
    const stats = streamStats(samplesToPoints(viewersFixture.samples));
    expect(stats.peak).toBe(300);
    expect(stats.average).toBeCloseTo(200, 6);
    expect(stats.hoursWatched).toBeCloseTo(48_000 / 3600, 6);
    expect(stats.coveredMs).toBe(4 * 60_000);
  });

  it('counts only samples since the stream started', () => {
    const points = samplesToPoints(viewersFixture.samples);
    const start = points[2]!.t; // 300, 200, 100 remain
    const stats = streamStats(points, start);
    expect(stats.peak).toBe(300);
    expect(stats.hoursWatched).toBeCloseTo(((250 + 150) * 60) / 3600, 6);
  });

  it('is empty without samples and flat with one', () => {
    expect(streamStats([])).toEqual({
      peak: null,
      average: null,
      hoursWatched: null,
      coveredMs: 0,
    });
    expect(streamStats([{ t: 0, v: 42 }])).toEqual({
      peak: 42,
      average: 42,
      hoursWatched: 0,
      coveredMs: 0,
    });
  });

  it('merges live points into the history and thins evenly, keeping the ends', () => {
    const merged = mergePoints(
      [
        { t: 1, v: 1 },
        { t: 3, v: 3 },
      ],
      [
        { t: 2, v: 2 },
        { t: 3, v: 30 },
      ],
    );
    expect(merged).toEqual([
      { t: 1, v: 1 },
      { t: 2, v: 2 },
      { t: 3, v: 30 },
    ]);
    const many = Array.from({ length: 1000 }, (_, i) => ({ t: i, v: i }));
    const thin = thinPoints(many, 50);
    expect(thin).toHaveLength(50);
    expect(thin[0]).toEqual({ t: 0, v: 0 });
    expect(thin.at(-1)).toEqual({ t: 999, v: 999 });
  });
});
