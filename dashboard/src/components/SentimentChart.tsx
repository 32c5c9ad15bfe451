import { useMemo } from 'react';
import { formatSentiment } from '../lib/format';
import type { ChatRateSeries } from '../lib/series';
import { useTheme } from '../hooks/useTheme';
import { TimeChart, type ChartData } from './TimeChart';

/**
 * Chat sentiment over time (each window's `sentiment_score`, from −1 to +1). The engine does
 * not score sentiment yet, so with no scores at all this says so instead of an empty chart.
 */
export function SentimentChart({
  series,
  xRange,
  height = 200,
}: {
  series: ChatRateSeries;
  xRange?: readonly [number, number] | null;
  height?: number;
}) {
  const { palette } = useTheme();
  const data = useMemo<ChartData>(() => [series.x, series.y], [series]);
  const chartSeries = useMemo(
    () => [{ label: 'Sentiment', colour: palette.sentiment, format: formatSentiment }],
    [palette],
  );
  const latest = series.y.at(-1);

  return (
    <section className="panel" aria-label="Sentiment over time" data-testid="sentiment-panel">
      <h2 className="panel-title">
        Sentiment
        {latest !== undefined && (
          <span className="panel-title__extra" data-testid="sentiment-latest">
            latest {formatSentiment(latest)}
          </span>
        )}
      </h2>
      {series.x.length === 0 ? (
        <div className="empty-state" data-testid="sentiment-empty">
          <p>No sentiment data yet.</p>
          <p className="muted">
            Sentiment scores appear here once the engine rates chat messages; it does not yet.
          </p>
        </div>
      ) : (
        <TimeChart
          data={data}
          series={chartSeries}
          testId="sentiment-chart"
          xRange={xRange}
          height={height}
          yLabel="score"
          yRange={() => [-1, 1]}
          syncKey="channel"
        />
      )}
    </section>
  );
}
