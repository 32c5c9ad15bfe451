import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { emotesFixture } from '../../fixtures/emotes';
import { flowLayout, type CloudLayout } from '../../lib/cloud';
import { EmoteCloud } from '../EmoteCloud';

const words = () => screen.getAllByTestId('emote-word');

describe('EmoteCloud', () => {
  it('shows every emote with a font size proportional to its count', async () => {
    render(<EmoteCloud emotes={emotesFixture.emotes} height={270} layout={flowLayout} />);
    await waitFor(() => expect(words()).toHaveLength(4));

    const shown = words().map((el) => ({
      text: el.lastChild?.textContent,
      count: Number(el.dataset.count),
      size: Number(el.dataset.size),
      font: parseFloat(el.style.fontSize),
    }));
    expect(shown.map((w) => w.text)).toEqual(['PogChamp', 'KEKW', 'LUL', 'catJAM']);
    // 60 px for the most used; half the count, half the size; never below 11 px.
    expect(shown.map((w) => w.size)).toEqual([60, 30, 15, 11]);
    expect(shown[0]!.font).toBe(60);
    for (const w of shown.slice(0, 3)) expect(w.size / w.count).toBeCloseTo(60 / 400, 6);
    // Each word names its count for hover and screen readers.
    expect(words()[0]!.querySelector('title')?.textContent).toBe('PogChamp: 400');
    expect(screen.getByTestId('emote-cloud').getAttribute('aria-label')).toContain('PogChamp 400');
  });

  it('lays out again when the counts change (live updates)', async () => {
    const layout = vi.fn<CloudLayout>(flowLayout);
    const { rerender } = render(<EmoteCloud emotes={emotesFixture.emotes} layout={layout} />);
    await waitFor(() => expect(words()).toHaveLength(4));
    expect(layout).toHaveBeenCalledTimes(1);

    // Same words and sizes: no new layout.
    rerender(<EmoteCloud emotes={[...emotesFixture.emotes]} layout={layout} />);
    expect(layout).toHaveBeenCalledTimes(1);

    rerender(
      <EmoteCloud
        emotes={[...emotesFixture.emotes, { name: 'Kappa', count: 800 }]}
        layout={layout}
      />,
    );
    await waitFor(() => expect(words()).toHaveLength(5));
    expect(words()[0]!.dataset.count).toBe('800');
    expect(layout).toHaveBeenCalledTimes(2);
  });

  it('says so when the range has no emotes, or when they could not be loaded', () => {
    const { rerender } = render(<EmoteCloud emotes={[]} layout={flowLayout} />);
    expect(screen.getByTestId('emote-cloud-empty').textContent).toMatch(/No emotes/);
    expect(screen.queryAllByTestId('emote-word')).toHaveLength(0);

    rerender(<EmoteCloud emotes={null} layout={flowLayout} unavailable />);
    expect(screen.getByText(/not available/)).toBeTruthy();
  });
});
