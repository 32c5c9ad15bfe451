/**
 * The time range a view shows. `live` rolls over the last 15 minutes and takes WebSocket
 * updates; the other presets roll too but are loaded from REST only; `custom` is fixed
 * (picked by hand or by focusing a moment); `since` rolls from a fixed start to now (the
 * current stream's statistics use it).
 */
export type RangePreset = 'live' | '15m' | '1h' | '24h';

export type RangeSpec =
  | { kind: 'preset'; preset: RangePreset }
  | { kind: 'custom'; from: number; to: number }
  | { kind: 'since'; from: number };

export interface ResolvedRange {
  /** Unix milliseconds, inclusive. */
  from: number;
  /** Unix milliseconds, exclusive. */
  to: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;

export const PRESET_MS: Record<RangePreset, number> = {
  live: 15 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '1h': HOUR_MS,
  '24h': 24 * HOUR_MS,
};

export const PRESET_LABELS: Record<RangePreset, string> = {
  live: 'Live',
  '15m': '15 min',
  '1h': '1 h',
  '24h': '24 h',
};

export const PRESETS: readonly RangePreset[] = ['live', '15m', '1h', '24h'];

export const LIVE: RangeSpec = { kind: 'preset', preset: 'live' };

/** Rolling ranges other than live are refreshed from REST this often. */
export const ROLLING_REFRESH_MS = 30_000;

/** How far around a moment the charts zoom when it is focused. */
export const FOCUS_BEFORE_MS = 2 * MINUTE_MS;
export const FOCUS_AFTER_MS = 3 * MINUTE_MS;

export function preset(p: RangePreset): RangeSpec {
  return { kind: 'preset', preset: p };
}

export function isLive(spec: RangeSpec): boolean {
  return spec.kind === 'preset' && spec.preset === 'live';
}

export function resolveRange(spec: RangeSpec, now: number): ResolvedRange {
  switch (spec.kind) {
    case 'preset':
      return { from: now - PRESET_MS[spec.preset], to: now };
    case 'custom':
      return { from: spec.from, to: spec.to };
    case 'since':
      return { from: spec.from, to: Math.max(now, spec.from + 1) };
  }
}

/** A stable name for caching: rolling ranges keep one key while their bounds move. */
export function rangeKey(spec: RangeSpec): string {
  switch (spec.kind) {
    case 'preset':
      return spec.preset;
    case 'custom':
      return `${spec.from}-${spec.to}`;
    case 'since':
      return `since-${spec.from}`;
  }
}

/** How often a resource over this range is reloaded from REST; 0 for a fixed range. */
export function refreshInterval(spec: RangeSpec, liveMs: number): number {
  if (spec.kind === 'custom') return 0;
  if (isLive(spec)) return liveMs;
  return ROLLING_REFRESH_MS;
}

/** The query parameters of a REST call over this range, resolved now. */
export function rangeQuery(spec: RangeSpec, now = Date.now()): { from: string; to: string } {
  const { from, to } = resolveRange(spec, now);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** The fixed range the charts zoom to when a moment at `timestamp` is focused. */
export function focusRange(timestamp: number, now = Date.now()): RangeSpec {
  const from = timestamp - FOCUS_BEFORE_MS;
  const to = Math.max(Math.min(timestamp + FOCUS_AFTER_MS, now), timestamp + 30_000);
  return { kind: 'custom', from, to };
}

export function sameRange(a: RangeSpec, b: RangeSpec): boolean {
  return rangeKey(a) === rangeKey(b) && a.kind === b.kind;
}
