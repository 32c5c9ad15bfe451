import type { ViewerSample } from '../api/types';

/** One viewer-count sample: `t` in Unix milliseconds, `v` viewers. */
export interface ViewerPoint {
  t: number;
  v: number;
}

export function samplesToPoints(samples: readonly ViewerSample[]): ViewerPoint[] {
  return samples
    .map((s) => ({ t: Date.parse(s.timestamp), v: s.viewer_count }))
    .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v));
}

/** Union of point lists by time, ascending; a later list wins on equal times. */
export function mergePoints(...lists: ReadonlyArray<readonly ViewerPoint[]>): ViewerPoint[] {
  const byTime = new Map<number, ViewerPoint>();
  for (const list of lists) for (const p of list) byTime.set(p.t, p);
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}

/** Points with `from <= t < to`. */
export function pointsIn(points: readonly ViewerPoint[], from: number, to = Infinity) {
  return points.filter((p) => p.t >= from && p.t < to);
}

/** At most `max` points, evenly spaced by index, always keeping the last one. */
export function thinPoints(points: readonly ViewerPoint[], max: number): ViewerPoint[] {
  if (points.length <= max || max < 2) return [...points];
  const step = (points.length - 1) / (max - 1);
  const out: ViewerPoint[] = [];
  for (let i = 0; i < max; i += 1) out.push(points[Math.round(i * step)]!);
  return out;
}

export interface StreamStats {
  /** Highest viewer count seen since the start. */
  peak: number | null;
  /** Time-weighted mean viewer count (the integral divided by the time covered). */
  average: number | null;
  /** Integral of the viewer count over time, in viewer-hours. */
  hoursWatched: number | null;
  /** Time covered by the samples, in milliseconds. */
  coveredMs: number;
}

/**
 * Peak, average and hours watched of the current stream from its viewer samples. Only
 * samples at or after `startMs` count. Between two samples the count is taken to change
 * linearly (trapezoids); nothing is assumed before the first or after the last sample.
 */
export function streamStats(points: readonly ViewerPoint[], startMs = -Infinity): StreamStats {
  const pts = points.filter((p) => p.t >= startMs).sort((a, b) => a.t - b.t);
  if (pts.length === 0) return { peak: null, average: null, hoursWatched: null, coveredMs: 0 };
  let peak = pts[0]!.v;
  let viewerMs = 0;
  for (let i = 1; i < pts.length; i += 1) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    peak = Math.max(peak, b.v);
    viewerMs += ((a.v + b.v) / 2) * (b.t - a.t);
  }
  const coveredMs = pts.at(-1)!.t - pts[0]!.t;
  return {
    peak,
    average: coveredMs > 0 ? viewerMs / coveredMs : pts[0]!.v,
    hoursWatched: viewerMs / 3_600_000,
    coveredMs,
  };
}
