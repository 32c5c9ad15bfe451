import type { MetricsWindow, Moment } from '../api/types';

/** How much history the live chart keeps, matching the server's default metrics range. */
export const CHART_SPAN_MS = 15 * 60 * 1000;

export function toMillis(timestamp: string): number {
  return Date.parse(timestamp);
}

/**
 * Merges window lists keyed by `window_start`, sorted ascending. Later lists win, except that
 * a running window never replaces a final one (a late running update must not undo it).
 */
export function mergeWindows(...lists: ReadonlyArray<readonly MetricsWindow[]>): MetricsWindow[] {
  const byStart = new Map<string, MetricsWindow>();
  for (const list of lists) {
    for (const window of list) {
      const existing = byStart.get(window.window_start);
      if (existing?.is_final && !window.is_final) continue;
      byStart.set(window.window_start, window);
    }
  }
  return [...byStart.values()].sort((a, b) => toMillis(a.window_start) - toMillis(b.window_start));
}

/** Keeps the windows that end within `spanMs` of the newest one. */
export function trimWindows(
  windows: readonly MetricsWindow[],
  spanMs = CHART_SPAN_MS,
): MetricsWindow[] {
  const last = windows.at(-1);
  if (!last) return [];
  const cutoff = toMillis(last.window_end) - spanMs;
  return windows.filter((w) => toMillis(w.window_end) >= cutoff);
}

/** Chart columns: x = window_end in Unix seconds (uPlot's time unit), y = messages per minute. */
export interface ChatRateSeries {
  x: number[];
  y: number[];
}

export function toChatRateSeries(windows: readonly MetricsWindow[]): ChatRateSeries {
  const points = windows
    .map((w) => ({ x: toMillis(w.window_end) / 1000, y: w.messages_per_min }))
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
    .sort((a, b) => a.x - b.x);
  // Several windows could share an end time only if the server repeated one; keep the last.
  const x: number[] = [];
  const y: number[] = [];
  for (const p of points) {
    if (x.length > 0 && x[x.length - 1] === p.x) {
      y[y.length - 1] = p.y;
    } else {
      x.push(p.x);
      y.push(p.y);
    }
  }
  return { x, y };
}

/** Union by `moment_id`, newest first. */
export function mergeMoments(...lists: ReadonlyArray<readonly Moment[]>): Moment[] {
  const byId = new Map<string, Moment>();
  for (const list of lists) for (const m of list) byId.set(m.moment_id, m);
  return sortMomentsNewestFirst([...byId.values()]);
}

export function sortMomentsNewestFirst(moments: readonly Moment[]): Moment[] {
  return [...moments].sort((a, b) => toMillis(b.timestamp) - toMillis(a.timestamp));
}

/** Sentiment columns: x = window_end in Unix seconds, y = score, for windows that have one. */
export function toSentimentSeries(windows: readonly MetricsWindow[]): ChatRateSeries {
  const x: number[] = [];
  const y: number[] = [];
  for (const w of windows) {
    if (w.sentiment_score === null || !Number.isFinite(w.sentiment_score)) continue;
    const t = toMillis(w.window_end) / 1000;
    if (!Number.isFinite(t)) continue;
    if (x.length > 0 && x[x.length - 1] === t) {
      y[y.length - 1] = w.sentiment_score;
    } else {
      x.push(t);
      y.push(w.sentiment_score);
    }
  }
  return { x, y };
}

/**
 * Joins several (time, value) lists into one chart table: the union of their times,
 * ascending, with null where a list has no value at a time.
 */
export function alignSeries(
  lists: ReadonlyArray<ReadonlyArray<{ t: number; v: number }>>,
): [number[], ...Array<Array<number | null>>] {
  const times = [...new Set(lists.flatMap((l) => l.map((p) => p.t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = lists.map((list) => {
    const col: Array<number | null> = new Array<number | null>(times.length).fill(null);
    for (const p of list) col[index.get(p.t)!] = p.v;
    return col;
  });
  return [times, ...columns];
}
