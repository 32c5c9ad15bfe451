import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { noSentimentMetricsFixture, sentimentMetricsFixture } from '../../fixtures/metrics';
import { toSentimentSeries } from '../../lib/series';
import FakePlot from '../../testUplot';
import { SentimentChart } from '../SentimentChart';

vi.mock('uplot', () => import('../../testUplot'));

describe('SentimentChart', () => {
  beforeEach(() => {
    FakePlot.instances = [];
  });

  it('says there is no sentiment data yet while the engine scores none', () => {
    render(<SentimentChart series={toSentimentSeries(noSentimentMetricsFixture.windows)} />);
    expect(screen.getByTestId('sentiment-empty').textContent).toContain('No sentiment data yet');
    expect(screen.queryByTestId('sentiment-chart')).toBeNull();
    expect(FakePlot.instances).toHaveLength(0);
  });

  it('plots the windows’ scores when there are some', () => {
    const series = toSentimentSeries(sentimentMetricsFixture.windows);
    render(<SentimentChart series={series} />);
    expect(screen.queryByTestId('sentiment-empty')).toBeNull();
    expect(screen.getByTestId('sentiment-chart').dataset.points).toBe('4');
    expect(FakePlot.instances[0]!.data).toEqual([series.x, [-0.4, -0.1, 0.2, 0.5]]);
    // The latest score is said in words too, not only drawn.
    expect(screen.getByTestId('sentiment-latest').textContent).toBe('latest +0.50 (positive)');
  });
});
