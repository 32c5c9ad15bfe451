import { useMemo } from 'react';
import { formatRate } from '../lib/format';
import type { ChatRateSeries } from '../lib/series';
import { useTheme } from '../hooks/useTheme';
import { TimeChart, type ChartData, type ChartMarker } from './TimeChart';

export type { ChartMarker } from './TimeChart';

export interface ChatRateChartProps {
  series: ChatRateSeries;
  markers: readonly ChartMarker[];
  height?: number;
  /** Fixed x extent in Unix seconds (the selected time range). */
  xRange?: readonly [number, number] | null;
}

/** Messages per minute over time (x = window end) with moments as vertical markers. */
export function ChatRateChart({ series, markers, height = 240, xRange }: ChatRateChartProps) {
  const { palette } = useTheme();
  const data = useMemo<ChartData>(() => [series.x, series.y], [series]);
  const chartSeries = useMemo(
    () => [
      {
        label: 'Chat rate',
        colour: palette.chat,
        fill: palette.chatFill,
        format: (v: number) => `${formatRate(v)}/min`,
      },
    ],
    [palette],
  );
  return (
    <TimeChart
      data={data}
      series={chartSeries}
      testId="chat-chart"
      markers={markers}
      height={height}
      xRange={xRange}
      yLabel="msg/min"
      yRange={(_min, max) => [0, Math.max(10, max * 1.1)]}
      emptyText="Waiting for chat data…"
      syncKey="channel"
    />
  );
}
