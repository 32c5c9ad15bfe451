import { LIVE, PRESETS, preset, type RangePreset, type RangeSpec } from './range';

/** What the URL hash selects: one of the three views, with its channels and time range. */
export type Route =
  | { view: 'overview' }
  | { view: 'channel'; id: string; range: RangeSpec }
  | { view: 'compare'; ids: string[]; range: RangeSpec };

export const MAX_COMPARE = 4;

function decode(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

function parseRange(params: URLSearchParams): RangeSpec {
  const from = Date.parse(params.get('from') ?? '');
  const to = Date.parse(params.get('to') ?? '');
  if (Number.isFinite(from) && Number.isFinite(to) && from < to) {
    return { kind: 'custom', from, to };
  }
  const name = params.get('range');
  return PRESETS.includes(name as RangePreset) ? preset(name as RangePreset) : LIVE;
}

function rangeParams(range: RangeSpec, params: URLSearchParams): void {
  if (range.kind === 'custom') {
    params.set('from', new Date(range.from).toISOString());
    params.set('to', new Date(range.to).toISOString());
  } else if (range.kind === 'preset' && range.preset !== 'live') {
    params.set('range', range.preset);
  }
}

/**
 * `#/` → overview; `#/channel/<id>[?range=1h | ?from=…&to=…]` → one channel;
 * `#/compare[?channels=a,b][&range=…]` → compare. Anything unknown is the overview.
 */
export function parseHash(hash: string): Route {
  const body = hash.replace(/^#/, '');
  const q = body.indexOf('?');
  const path = q === -1 ? body : body.slice(0, q);
  const params = new URLSearchParams(q === -1 ? '' : body.slice(q + 1));

  if (path.startsWith('/channel/')) {
    const id = decode(path.slice('/channel/'.length));
    if (id) return { view: 'channel', id, range: parseRange(params) };
  }
  if (path === '/compare') {
    const ids = (params.get('channels') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s, i, all) => s.length > 0 && all.indexOf(s) === i)
      .slice(0, MAX_COMPARE);
    return { view: 'compare', ids, range: parseRange(params) };
  }
  return { view: 'overview' };
}

export function formatHash(route: Route): string {
  const params = new URLSearchParams();
  let path: string;
  switch (route.view) {
    case 'overview':
      return '#/';
    case 'channel':
      path = `/channel/${encodeURIComponent(route.id)}`;
      rangeParams(route.range, params);
      break;
    case 'compare':
      path = '/compare';
      if (route.ids.length > 0) params.set('channels', route.ids.join(','));
      rangeParams(route.range, params);
      break;
  }
  const qs = params.toString().replace(/%2C/g, ',').replace(/%3A/g, ':');
  return qs ? `#${path}?${qs}` : `#${path}`;
}

/** The channel a hash names, or null (kept for links built elsewhere). */
export function channelFromHash(hash: string): string | null {
  const route = parseHash(hash);
  return route.view === 'channel' ? route.id : null;
}
