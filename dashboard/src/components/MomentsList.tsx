import type { Moment } from '../api/types';
import { formatClock, humanizeType } from '../lib/format';
import { sortMomentsNewestFirst } from '../lib/series';

export interface MomentsListProps {
  moments: readonly Moment[];
  limit?: number;
  /** Focuses the charts on a moment; without it the list is read-only. */
  onFocus?: (moment: Moment) => void;
  /** The moment the charts are focused on. */
  focusedId?: string | null;
  emptyText?: string;
}

/**
 * The moments timeline, newest first: time, type, severity (as a word, not only a colour)
 * and description. Each entry is a button that focuses the charts on its time range.
 */
export function MomentsList({
  moments,
  limit = 50,
  onFocus,
  focusedId = null,
  emptyText = 'No moments in the last 24 hours.',
}: MomentsListProps) {
  const ordered = sortMomentsNewestFirst(moments).slice(0, limit);
  return (
    <section className="panel moments" aria-label="Moments">
      <h2 className="panel-title">
        Moments
        {onFocus && ordered.length > 0 && (
          <span className="panel-title__extra">select one to zoom the charts to it</span>
        )}
      </h2>
      {ordered.length === 0 ? <p className="muted">{emptyText}</p> : null}
      <ol className="moments-list" data-testid="moments-list">
        {ordered.map((moment) => {
          const content = (
            <>
              <time dateTime={moment.timestamp} className="moment-item__time">
                {formatClock(moment.timestamp)}
              </time>
              <span className="moment-item__type">{humanizeType(moment.moment_type)}</span>
              <span className={`badge badge--${moment.severity}`}>{moment.severity}</span>
              <span className="moment-item__description">{moment.description}</span>
            </>
          );
          const focused = moment.moment_id === focusedId;
          return (
            <li
              key={moment.moment_id}
              className={`moment-item severity--${moment.severity}${focused ? ' is-focused' : ''}`}
              data-testid="moment-item"
              data-moment={moment.moment_id}
              data-type={moment.moment_type}
            >
              {onFocus ? (
                <button
                  type="button"
                  className="moment-item__button"
                  data-testid="moment-focus"
                  aria-pressed={focused}
                  onClick={() => onFocus(moment)}
                >
                  {content}
                </button>
              ) : (
                <div className="moment-item__button">{content}</div>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
