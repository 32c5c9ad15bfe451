import { formatCount, formatDuration, formatHours } from '../lib/format';
import type { StreamStats as Stats } from '../lib/viewers';

/**
 * Peak and average viewers and hours watched of the current stream, computed from its viewer
 * series since `started_at` (see `streamStats`).
 */
export function StreamStats({ stats, uptimeMs }: { stats: Stats; uptimeMs: number | null }) {
  return (
    <>
      <section className="stat" aria-label="Peak viewers" data-testid="stat-peak">
        <span className="stat__label">Peak viewers</span>
        <span className="stat__value stat__value--small">{formatCount(stats.peak)}</span>
      </section>
      <section className="stat" aria-label="Average viewers" data-testid="stat-average">
        <span className="stat__label">Avg viewers</span>
        <span className="stat__value stat__value--small">
          {formatCount(stats.average === null ? null : Math.round(stats.average))}
        </span>
      </section>
      <section className="stat" aria-label="Hours watched" data-testid="stat-hours">
        <span className="stat__label">Hours watched</span>
        <span className="stat__value stat__value--small" data-value={stats.hoursWatched ?? ''}>
          {formatHours(stats.hoursWatched)}
        </span>
        <span className="stat__note muted">
          {stats.coveredMs > 0 ? `over ${formatDuration(stats.coveredMs)}` : 'this stream'}
        </span>
      </section>
      <section className="stat" aria-label="Uptime" data-testid="stat-uptime">
        <span className="stat__label">Uptime</span>
        <span className="stat__value stat__value--small">
          {uptimeMs === null ? 'Offline' : formatDuration(uptimeMs)}
        </span>
      </section>
    </>
  );
}
