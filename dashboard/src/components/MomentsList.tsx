import type { Moment } from '../api/types';
import { formatClock, humanizeType } from '../lib/format';
import { sortMomentsNewestFirst } from '../lib/series';

/** Moments of the channel, newest first: time, type, description, severity. */
export function MomentsList({
  moments,
  limit = 50,
}: {
  moments: readonly Moment[];
  limit?: number;
}) {
  const ordered = sortMomentsNewestFirst(moments).slice(0, limit);
  return (
    <section className="panel moments" aria-label="Moments">
      <h2 className="panel-title">Moments</h2>
      {ordered.length === 0 ? <p className="muted">No moments in the last 15 minutes.</p> : null}
      <ol className="moments-list" data-testid="moments-list">
        {ordered.map((moment) => (
          <li
            key={moment.moment_id}
            className={`moment-item severity--${moment.severity}`}
            data-testid="moment-item"
            data-moment={moment.moment_id}
          >
            <time dateTime={moment.timestamp} className="moment-item__time">
              {formatClock(moment.timestamp)}
            </time>
            <span className="moment-item__type">{humanizeType(moment.moment_type)}</span>
            <span className={`badge badge--${moment.severity}`}>{moment.severity}</span>
            <span className="moment-item__description">{moment.description}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
