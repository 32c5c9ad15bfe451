import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { LIVE, preset } from '../../lib/range';
import { RangePicker } from '../RangePicker';

describe('RangePicker', () => {
  it('marks the current range and reports a new preset', () => {
    const onChange = vi.fn();
    render(<RangePicker value={LIVE} onChange={onChange} />);
    expect(screen.getByTestId('range-live').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('range-1h').getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(screen.getByTestId('range-1h'));
    expect(onChange).toHaveBeenCalledWith(preset('1h'));
  });

  it('takes a custom range and refuses one that ends before it starts', () => {
    const onChange = vi.fn();
    const now = () => Date.parse('2026-11-24T12:30:00.000Z');
    render(<RangePicker value={LIVE} onChange={onChange} now={now} />);
    fireEvent.click(screen.getByTestId('range-custom'));

    fireEvent.change(screen.getByTestId('range-from'), { target: { value: '2026-11-24T13:00' } });
    fireEvent.change(screen.getByTestId('range-to'), { target: { value: '2026-11-24T12:00' } });
    fireEvent.click(screen.getByTestId('range-apply'));
    expect(screen.getByRole('alert').textContent).toMatch(/start must be before the end/);
    expect(onChange).not.toHaveBeenCalled();

    fireEvent.change(screen.getByTestId('range-from'), { target: { value: '2026-11-24T11:00' } });
    fireEvent.click(screen.getByTestId('range-apply'));
    expect(onChange).toHaveBeenCalledWith({
      kind: 'custom',
      from: new Date('2026-11-24T11:00').getTime(),
      to: new Date('2026-11-24T12:00').getTime(),
    });
  });

  it('shows the bounds of a custom range', () => {
    const from = new Date('2026-11-24T11:00').getTime();
    render(
      <RangePicker value={{ kind: 'custom', from, to: from + 3_600_000 }} onChange={() => {}} />,
    );
    expect(screen.getByTestId('range-custom').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('range-label').textContent).toMatch(/11:00.*12:00/);
  });
});
