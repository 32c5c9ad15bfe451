import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import FakePlot from '../../testUplot';
import { nearestMarker, TimeChart, timeAxisLabels, type ChartMarker } from '../TimeChart';

vi.mock('uplot', () => import('../../testUplot'));

const marker = (t: number, severity: ChartMarker['severity'] = 'low'): ChartMarker => ({
  t,
  severity,
  label: `m${t}`,
});

describe('TimeChart', () => {
  beforeEach(() => {
    FakePlot.instances = [];
  });

  it('finds the moment under the cursor, within a few pixels', () => {
    const markers = [marker(100), marker(200, 'high'), marker(300)];
    const toPos = (t: number) => t; // one pixel per second
    expect(nearestMarker(markers, 203, toPos)?.t).toBe(200);
    expect(nearestMarker(markers, 150, toPos)).toBeNull();
    expect(nearestMarker(markers, 296, toPos)?.t).toBe(300);
  });

  it('labels the time axis by the span it covers', () => {
    const t = Date.parse('2026-11-24T12:30:00.000Z') / 1000;
    expect(timeAxisLabels([t], 3600)[0]).toMatch(/^\d\d:\d\d$/);
    expect(timeAxisLabels([t], 120)[0]).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(timeAxisLabels([t], 3 * 86400)[0]).toMatch(/Nov 24 \d\d:\d\d/);
  });

  it('feeds every series to one plot and pins the x range', () => {
    render(
      <TimeChart
        testId="chart"
        data={[
          [1, 2, 3],
          [5, null, 7],
          [1, 2, 3],
        ]}
        series={[
          { label: 'a', colour: '#E69F00' },
          { label: 'b', colour: '#56B4E9', dash: [10, 5] },
        ]}
        xRange={[0, 10]}
      />,
    );
    const plot = FakePlot.instances[0]!;
    expect(plot.labels).toEqual(['a', 'b']);
    expect(plot.setScale).toHaveBeenCalledWith('x', { min: 0, max: 10 });
    const chart = screen.getByTestId('chart');
    expect(chart.dataset.points).toBe('3');
    expect(chart.dataset.from).toBe('1970-01-01T00:00:00.000Z');
    expect(chart.dataset.to).toBe('1970-01-01T00:00:10.000Z');
  });
});
