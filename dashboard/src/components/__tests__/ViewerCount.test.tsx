import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ViewerCount } from '../ViewerCount';

describe('ViewerCount', () => {
  it('shows the number with separators and pulses only when it changes', () => {
    const { rerender } = render(<ViewerCount value={12843} />);
    const first = screen.getByTestId('viewer-count');
    expect(first.textContent).toBe('12,843');
    expect(first.className).not.toContain('pulse');

    rerender(<ViewerCount value={12843} />);
    expect(screen.getByTestId('viewer-count').dataset.pulses).toBe('0');

    rerender(<ViewerCount value={13001} />);
    const changed = screen.getByTestId('viewer-count');
    expect(changed.textContent).toBe('13,001');
    expect(changed.className).toContain('pulse');
    expect(changed.dataset.pulses).toBe('1');
    // A new element, so the CSS animation restarts.
    expect(changed).not.toBe(first);
  });

  it('shows a placeholder, not a number, while the count is unknown', () => {
    render(<ViewerCount value={null} />);
    expect(screen.queryByTestId('viewer-count')).toBeNull();
  });
});
