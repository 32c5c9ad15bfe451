import { useMemo, useState } from 'react';
import type { StreamSummary } from '../api/types';
import { Sparkline } from '../components/Sparkline';
import { useTheme } from '../hooks/useTheme';
import { useViewers } from '../hooks/useViewers';
import { formatCount, formatDuration, formatRate } from '../lib/format';
import { PRESET_MS, preset } from '../lib/range';
import { formatHash } from '../lib/route';
import { mergePoints, samplesToPoints, type ViewerPoint } from '../lib/viewers';

export type SortKey = 'name' | 'status' | 'viewers' | 'chat' | 'uptime';
export type SortDir = 'asc' | 'desc';

const COLUMNS: Array<{ key: SortKey; label: string; numeric?: boolean; className?: string }> = [
  { key: 'name', label: 'Channel' },
  { key: 'status', label: 'Status', className: 'col-status' },
  { key: 'viewers', label: 'Viewers', numeric: true },
  { key: 'chat', label: 'Chat rate', numeric: true },
  { key: 'uptime', label: 'Uptime', numeric: true, className: 'col-uptime' },
];

const SPARK_RANGE = preset('15m');
const NO_POINTS: ViewerPoint[] = [];
export const SPARK_REFRESH_MS = 15_000;

function uptime(stream: StreamSummary, now: number): number | null {
  if (!stream.is_live || !stream.started_at) return null;
  return Math.max(0, now - Date.parse(stream.started_at));
}

function sortValue(stream: StreamSummary, key: SortKey, now: number): number | string | null {
  switch (key) {
    case 'name':
      return stream.stream_id;
    case 'status':
      return stream.is_live ? 1 : 0;
    case 'viewers':
      return stream.viewer_count;
    case 'chat':
      return stream.chat_rate;
    case 'uptime':
      return uptime(stream, now);
  }
}

/** Sorts by a column; missing values go last in either direction, ties by name. */
export function sortStreams(
  streams: readonly StreamSummary[],
  key: SortKey,
  dir: SortDir,
  now = Date.now(),
): StreamSummary[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...streams].sort((a, b) => {
    const va = sortValue(a, key, now);
    const vb = sortValue(b, key, now);
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== null && vb !== null && va !== vb) {
      const c = typeof va === 'string' ? va.localeCompare(String(vb)) : va - (vb as number);
      if (c !== 0) return sign * c;
    }
    return a.stream_id.localeCompare(b.stream_id);
  });
}

/** Case-insensitive match on the channel name, title or category. */
export function filterStreams(streams: readonly StreamSummary[], query: string) {
  const q = query.trim().toLowerCase();
  if (!q) return [...streams];
  return streams.filter((s) =>
    [s.stream_id, s.title, s.category].some((f) => f?.toLowerCase().includes(q)),
  );
}

/**
 * Viewer counts seen in the list since the page opened (it refreshes every 2 s), by channel,
 * for the last 15 minutes: they keep each sparkline's tip current between history reloads.
 */
function appendListSamples(
  history: Readonly<Record<string, ViewerPoint[]>>,
  streams: readonly StreamSummary[],
): Record<string, ViewerPoint[]> {
  const next: Record<string, ViewerPoint[]> = { ...history };
  for (const s of streams) {
    const t = Date.parse(s.last_seen);
    if (s.viewer_count === null || !Number.isFinite(t)) continue;
    const points = next[s.stream_id] ?? [];
    if (points.length > 0 && points.at(-1)!.t >= t) continue;
    next[s.stream_id] = [...points, { t, v: s.viewer_count }].filter(
      (p) => p.t >= t - PRESET_MS['15m'],
    );
  }
  return next;
}

function OverviewRow({
  stream,
  now,
  recent,
}: {
  stream: StreamSummary;
  now: number;
  recent: readonly ViewerPoint[];
}) {
  const { palette } = useTheme();
  const viewers = useViewers(stream.stream_id, SPARK_RANGE, { intervalMs: SPARK_REFRESH_MS });
  const points = useMemo(() => {
    const rest = samplesToPoints(viewers.data?.samples ?? []);
    const lastRest = rest.at(-1)?.t ?? -Infinity;
    return mergePoints(
      rest,
      recent.filter((p) => p.t > lastRest),
    );
  }, [viewers.data, recent]);
  const up = uptime(stream, now);
  const href = formatHash({ view: 'channel', id: stream.stream_id, range: preset('live') });

  return (
    <tr data-testid="overview-row" data-channel={stream.stream_id} data-live={stream.is_live}>
      <th scope="row" className="overview__channel">
        <a href={href} className="overview__link" data-testid="overview-link">
          {stream.stream_id}
        </a>
        <span className={`overview__status-inline status-pill${stream.is_live ? ' is-live' : ''}`}>
          <span className={`live-dot${stream.is_live ? ' is-live' : ''}`} aria-hidden="true" />
          {stream.is_live ? 'Live' : 'Offline'}
        </span>
        {(stream.title ?? stream.category) && (
          <span className="overview__title muted">
            {[stream.category, stream.title].filter(Boolean).join(' · ')}
          </span>
        )}
      </th>
      <td className="col-status">
        <span className={`status-pill${stream.is_live ? ' is-live' : ''}`}>
          <span className={`live-dot${stream.is_live ? ' is-live' : ''}`} aria-hidden="true" />
          {stream.is_live ? 'Live' : 'Offline'}
        </span>
      </td>
      <td className="num overview__viewers">
        <span className="overview__viewers-inner">
          <Sparkline
            points={points}
            colour={palette.viewers}
            label={`${stream.stream_id} viewers, last 15 minutes`}
          />
          <span data-field="viewers">{formatCount(stream.viewer_count)}</span>
        </span>
      </td>
      <td className="num" data-field="chat-rate">
        {formatRate(stream.chat_rate)}
        <span className="muted">/min</span>
      </td>
      <td className="num col-uptime" data-field="uptime">
        {up === null ? '–' : formatDuration(up)}
      </td>
    </tr>
  );
}

export interface OverviewProps {
  streams: readonly StreamSummary[];
  loading?: boolean;
  total?: number;
  now: number;
}

/** Every channel at a glance: live status, viewers with a trend line, chat rate, uptime. */
export function Overview({ streams, loading, total, now }: OverviewProps) {
  const [query, setQuery] = useState('');
  const [history, setHistory] = useState<{
    source: readonly StreamSummary[] | null;
    points: Record<string, ViewerPoint[]>;
  }>({ source: null, points: {} });
  // Adjust state while rendering (React docs): take in each new list once.
  if (streams.length > 0 && history.source !== streams) {
    setHistory({ source: streams, points: appendListSamples(history.points, streams) });
  }
  const [sort, setSort] = useState<{ key: SortKey; dir: SortDir }>({
    key: 'viewers',
    dir: 'desc',
  });
  const shown = useMemo(
    () => sortStreams(filterStreams(streams, query), sort.key, sort.dir, now),
    [streams, query, sort, now],
  );
  const live = streams.filter((s) => s.is_live).length;

  const toggleSort = (key: SortKey) =>
    setSort((prev) =>
      prev.key === key
        ? { key, dir: prev.dir === 'asc' ? 'desc' : 'asc' }
        : { key, dir: key === 'name' ? 'asc' : 'desc' },
    );

  return (
    <main className="overview" aria-labelledby="overview-title">
      <header className="view-header">
        <div>
          <h1 id="overview-title">All channels</h1>
          <p className="muted" data-testid="overview-summary">
            {live} live of {streams.length}
            {total !== undefined && total > streams.length ? ` (${total} on the server)` : ''}
          </p>
        </div>
        <label className="search">
          <span className="visually-hidden">Search channels</span>
          <input
            type="search"
            placeholder="Search channel, title or category"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="overview-search"
          />
        </label>
      </header>

      <div className="panel overview__panel">
        {loading && streams.length === 0 && <p className="muted">Loading channels…</p>}
        {!loading && streams.length === 0 && <p className="muted">No channels yet.</p>}
        {streams.length > 0 && (
          <table className="overview__table" data-testid="overview-table">
            <thead>
              <tr>
                {COLUMNS.map((col) => {
                  const active = sort.key === col.key;
                  return (
                    <th
                      key={col.key}
                      scope="col"
                      className={`${col.numeric ? 'num ' : ''}${col.className ?? ''}`}
                      aria-sort={
                        active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined
                      }
                    >
                      <button
                        type="button"
                        className={`sort-button${active ? ' is-active' : ''}`}
                        data-testid={`sort-${col.key}`}
                        onClick={() => toggleSort(col.key)}
                      >
                        {col.label}
                        <span className="sort-button__arrow" aria-hidden="true">
                          {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                        </span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {shown.map((stream) => (
                <OverviewRow
                  key={stream.stream_id}
                  stream={stream}
                  now={now}
                  recent={history.points[stream.stream_id] ?? NO_POINTS}
                />
              ))}
            </tbody>
          </table>
        )}
        {streams.length > 0 && shown.length === 0 && (
          <p className="muted overview__none" data-testid="overview-no-match">
            No channel matches “{query}”.
          </p>
        )}
      </div>
    </main>
  );
}
