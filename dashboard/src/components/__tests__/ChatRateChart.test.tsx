import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { metricsFixture } from '../../fixtures/metrics';
import { toChatRateSeries } from '../../lib/series';
import { ChatRateChart } from '../ChatRateChart';

// jsdom has no canvas: stand in for uPlot and check what the component feeds it.
const plots = vi.hoisted(() => [] as Array<{ data: unknown; setData: ReturnType<typeof vi.fn> }>);
vi.mock('uplot', () => {
  class FakePlot {
    static pxRatio = 1;
    width: number;
    setData = vi.fn();
    redraw = vi.fn();
    destroy = vi.fn();
    setSize = vi.fn();
    constructor(
      opts: { width: number },
      public data: unknown,
      target: HTMLElement,
    ) {
      this.width = opts.width;
      target.appendChild(document.createElement('canvas'));
      plots.push(this);
    }
  }
  return { default: FakePlot };
});

describe('ChatRateChart', () => {
  beforeEach(() => {
    plots.length = 0;
  });

  it('creates one plot and pushes new points with setData', () => {
    const series = toChatRateSeries(metricsFixture.windows);
    const { rerender } = render(<ChatRateChart series={series} markers={[]} />);

    const container = screen.getByTestId('chat-chart');
    expect(container.querySelector('canvas')).not.toBeNull();
    expect(container.dataset.points).toBe('3');
    expect(plots).toHaveLength(1);
    expect(plots[0]!.data).toEqual([series.x, series.y]);

    const next = { x: [...series.x, series.x.at(-1)! + 10], y: [...series.y, 200] };
    rerender(<ChatRateChart series={next} markers={[]} />);
    expect(plots).toHaveLength(1);
    expect(plots[0]!.setData).toHaveBeenLastCalledWith([next.x, next.y]);
    expect(screen.getByTestId('chat-chart').dataset.points).toBe('4');
  });

  it('shows a waiting note with no points', () => {
    render(<ChatRateChart series={{ x: [], y: [] }} markers={[]} />);
    expect(screen.getByText(/Waiting for chat data/)).toBeTruthy();
  });
});
