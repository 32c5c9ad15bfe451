import { useMemo } from 'react';
import { formatCount } from '../lib/format';
import type { ViewerPoint } from '../lib/viewers';
import { useTheme } from '../hooks/useTheme';
import { TimeChart, type ChartData, type ChartMarker } from './TimeChart';

/** Viewer count over time, with the same moment markers as the chat chart. */
export function ViewersChart({
  points,
  markers = [],
  xRange,
  height = 200,
}: {
  points: readonly ViewerPoint[];
  markers?: readonly ChartMarker[];
  xRange?: readonly [number, number] | null;
  height?: number;
}) {
  const { palette } = useTheme();
  const data = useMemo<ChartData>(
    () => [points.map((p) => p.t / 1000), points.map((p) => p.v)],
    [points],
  );
  const series = useMemo(
    () => [
      {
        label: 'Viewers',
        colour: palette.viewers,
        fill: palette.viewersFill,
        format: (v: number) => formatCount(v),
      },
    ],
    [palette],
  );
  return (
    <TimeChart
      data={data}
      series={series}
      testId="viewers-chart"
      markers={markers}
      xRange={xRange}
      height={height}
      yRange={(min, max) => {
        const pad = Math.max(10, (max - min) * 0.1);
        return [Math.max(0, Math.floor(min - pad)), Math.ceil(max + pad)];
      }}
      emptyText="No viewer samples in this range."
      syncKey="channel"
    />
  );
}
