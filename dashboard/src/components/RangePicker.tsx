import { useState, type FormEvent } from 'react';
import { formatDateTime, fromLocalInput, toLocalInput } from '../lib/format';
import { HOUR_MS, PRESET_LABELS, PRESETS, rangeKey, type RangeSpec } from '../lib/range';

export interface RangePickerProps {
  value: RangeSpec;
  onChange: (range: RangeSpec) => void;
  /** Injected for tests. */
  now?: () => number;
}

/** Live, 15 min, 1 h, 24 h, or a custom from–to range. */
export function RangePicker({ value, onChange, now = Date.now }: RangePickerProps) {
  const [editing, setEditing] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const custom = value.kind === 'custom';

  const openEditor = () => {
    const end = custom ? value.to : now();
    const start = custom ? value.from : end - HOUR_MS;
    setFrom(toLocalInput(start));
    setTo(toLocalInput(end));
    setProblem(null);
    setEditing((open) => !open);
  };

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const start = fromLocalInput(from);
    const end = fromLocalInput(to);
    if (!Number.isFinite(start) || !Number.isFinite(end)) {
      setProblem('Enter both a start and an end.');
      return;
    }
    if (start >= end) {
      setProblem('The start must be before the end.');
      return;
    }
    setEditing(false);
    onChange({ kind: 'custom', from: start, to: end });
  };

  return (
    <div className="range-picker" data-testid="range-picker" data-range={rangeKey(value)}>
      <div className="segmented" role="group" aria-label="Time range">
        {PRESETS.map((p) => {
          const selected = value.kind === 'preset' && value.preset === p;
          return (
            <button
              key={p}
              type="button"
              className={`segmented__item${p === 'live' ? ' segmented__item--live' : ''}`}
              aria-pressed={selected}
              data-testid={`range-${p}`}
              onClick={() => {
                setEditing(false);
                onChange({ kind: 'preset', preset: p });
              }}
            >
              {p === 'live' && <span className="live-dot is-live" aria-hidden="true" />}
              {PRESET_LABELS[p]}
            </button>
          );
        })}
        <button
          type="button"
          className="segmented__item"
          aria-pressed={custom}
          aria-expanded={editing}
          data-testid="range-custom"
          onClick={openEditor}
        >
          Custom
        </button>
      </div>
      {custom && !editing && (
        <span className="range-picker__label" data-testid="range-label">
          {formatDateTime(value.from)} – {formatDateTime(value.to)}
        </span>
      )}
      {editing && (
        <form className="range-form" onSubmit={apply} aria-label="Custom time range">
          <label>
            From
            <input
              type="datetime-local"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              data-testid="range-from"
            />
          </label>
          <label>
            To
            <input
              type="datetime-local"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              data-testid="range-to"
            />
          </label>
          <button type="submit" className="button button--primary" data-testid="range-apply">
            Apply
          </button>
          {problem && (
            <span className="range-form__problem" role="alert">
              {problem}
            </span>
          )}
        </form>
      )}
    </div>
  );
}
