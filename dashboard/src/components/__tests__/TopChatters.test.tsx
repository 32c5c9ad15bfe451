import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { chattersFixture } from '../../fixtures/emotes';
import { TopChatters } from '../TopChatters';

describe('TopChatters', () => {
  it('ranks chatters by messages, most first, with bars proportional to the counts', () => {
    render(<TopChatters chatters={chattersFixture.chatters} />);
    const rows = screen.getAllByTestId('chatter-row');
    expect(rows.map((r) => r.dataset.name)).toEqual([
      'swift_gamer0',
      'salty_gamer0',
      'lucky_gamer0',
      'tiny_gamer0',
    ]);
    expect(rows[0]!.textContent).toContain('145');
    const widths = rows.map((r) => parseFloat(r.querySelector<HTMLElement>('.bar')!.style.width));
    expect(widths[0]).toBe(100);
    expect(widths[1]).toBeCloseTo((100 * 63) / 145, 6);
    expect(widths[3]).toBeCloseTo((100 * 17) / 145, 6);
  });

  it('shows at most the limit', () => {
    render(<TopChatters chatters={chattersFixture.chatters} limit={2} />);
    expect(screen.getAllByTestId('chatter-row')).toHaveLength(2);
  });

  it('has an empty state', () => {
    render(<TopChatters chatters={[]} />);
    expect(screen.getByTestId('top-chatters-empty')).toBeTruthy();
    expect(screen.queryAllByTestId('chatter-row')).toHaveLength(0);
  });
});
