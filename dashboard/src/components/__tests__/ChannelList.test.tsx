import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { streamFixtures } from '../../fixtures/streams';
import { ChannelList } from '../ChannelList';

describe('ChannelList', () => {
  it('renders every fixture channel with its status, viewers and chat rate', () => {
    render(<ChannelList streams={streamFixtures} selectedId="chefmarco" onSelect={() => {}} />);

    const items = within(screen.getByTestId('channel-list')).getAllByTestId('channel-item');
    expect(items.map((el) => el.dataset.channel)).toEqual(['pixelqueen', 'chefmarco', 'sleepycat']);

    const first = items[0]!;
    expect(first.dataset.live).toBe('true');
    expect(first.querySelector('[data-field="viewers"]')?.textContent).toContain('12,843');
    expect(first.querySelector('[data-field="chat-rate"]')?.textContent).toContain('412.5/min');

    const offline = items[2]!;
    expect(offline.dataset.live).toBe('false');
    expect(offline.querySelector('[data-field="viewers"]')?.textContent).toContain('–');

    expect(items[1]!.getAttribute('aria-current')).toBe('true');
    expect(first.getAttribute('aria-current')).toBeNull();
  });

  it('reports the clicked channel', () => {
    const onSelect = vi.fn();
    render(<ChannelList streams={streamFixtures} selectedId="pixelqueen" onSelect={onSelect} />);
    fireEvent.click(screen.getAllByTestId('channel-item')[2]!);
    expect(onSelect).toHaveBeenCalledWith('sleepycat');
  });

  it('says when the server has more channels than are listed', () => {
    render(
      <ChannelList streams={streamFixtures} selectedId={null} onSelect={() => {}} total={120} />,
    );
    expect(screen.getByText(/3 of 120/)).toBeTruthy();
  });
});
