import { useState } from 'react';
import { formatCount } from '../lib/format';

/** The big viewer number; it pulses briefly each time the value changes. */
export function ViewerCount({ value }: { value: number | null }) {
  // "Adjust state while rendering" (React docs): count changes without an effect, and use the
  // count as the key so the element remounts and its CSS animation starts again.
  const [previous, setPrevious] = useState(value);
  const [pulses, setPulses] = useState(0);
  if (value !== previous) {
    setPrevious(value);
    if (previous !== null && value !== null) setPulses(pulses + 1);
  }

  return (
    <section className="stat stat--viewers" aria-label="Viewers">
      <span className="stat__label">Viewers</span>
      {value === null ? (
        <span className="stat__value muted">–</span>
      ) : (
        <span
          key={pulses}
          className={`stat__value${pulses > 0 ? ' pulse' : ''}`}
          data-testid="viewer-count"
          data-pulses={pulses}
        >
          {formatCount(value)}
        </span>
      )}
    </section>
  );
}
