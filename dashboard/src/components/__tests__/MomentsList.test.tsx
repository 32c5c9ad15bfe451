import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { momentsFixture } from '../../fixtures/moments';
import { MomentsList } from '../MomentsList';

describe('MomentsList', () => {
  it('orders moments newest first whatever order they arrive in', () => {
    render(<MomentsList moments={momentsFixture.moments} />);
    const items = screen.getAllByTestId('moment-item');
    expect(items.map((el) => el.dataset.moment)).toEqual(['m-newest', 'm-middle', 'm-oldest']);
  });

  it('shows type, description and severity of each moment', () => {
    render(<MomentsList moments={momentsFixture.moments} />);
    const raid = screen.getAllByTestId('moment-item')[1]!;
    expect(raid.textContent).toContain('Raid incoming');
    expect(raid.textContent).toContain('Raid from chefmarco with 812 viewers');
    expect(raid.querySelector('.badge')?.textContent).toBe('high');
    expect(raid.querySelector('time')?.getAttribute('dateTime')).toBe('2026-11-24T12:20:00.000Z');
  });

  it('says so when there are none', () => {
    render(<MomentsList moments={[]} />);
    expect(screen.queryAllByTestId('moment-item')).toHaveLength(0);
    expect(screen.getByText(/No moments/)).toBeTruthy();
  });

  it('focuses a moment when its entry is clicked, and marks the focused one', () => {
    const onFocus = vi.fn();
    const { rerender } = render(<MomentsList moments={momentsFixture.moments} onFocus={onFocus} />);
    const buttons = screen.getAllByTestId('moment-focus');
    expect(buttons).toHaveLength(3);
    fireEvent.click(buttons[1]!);
    expect(onFocus).toHaveBeenCalledWith(
      expect.objectContaining({ moment_id: 'm-middle', moment_type: 'raid_incoming' }),
    );

    rerender(
      <MomentsList moments={momentsFixture.moments} onFocus={onFocus} focusedId="m-middle" />,
    );
    const pressed = screen
      .getAllByTestId('moment-focus')
      .map((b) => b.getAttribute('aria-pressed'));
    expect(pressed).toEqual(['false', 'true', 'false']);
  });

  it('is read-only without a focus handler', () => {
    render(<MomentsList moments={momentsFixture.moments} />);
    expect(screen.queryAllByTestId('moment-focus')).toHaveLength(0);
  });
});
