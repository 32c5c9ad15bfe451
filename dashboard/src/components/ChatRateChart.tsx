import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Severity } from '../api/types';
import { formatRate } from '../lib/format';
import type { ChatRateSeries } from '../lib/series';
import { chartTheme } from '../lib/theme';

/** A moment drawn on the chart as a vertical marker. */
export interface ChartMarker {
  /** Unix seconds, like the chart's x values. */
  t: number;
  severity: Severity;
  label: string;
}

export interface ChatRateChartProps {
  series: ChatRateSeries;
  markers: readonly ChartMarker[];
  height?: number;
}

/** Draws the markers inside the plot area after the series, on the same canvas. */
function markersPlugin(getMarkers: () => readonly ChartMarker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx } = u;
        const { left, top, width, height } = u.bbox;
        const dpr = uPlot.pxRatio;
        ctx.save();
        ctx.lineWidth = 1.5 * dpr;
        ctx.setLineDash([4 * dpr, 3 * dpr]);
        for (const marker of getMarkers()) {
          const x = Math.round(u.valToPos(marker.t, 'x', true));
          if (!Number.isFinite(x) || x < left || x > left + width) continue;
          const colour = chartTheme.severity[marker.severity] ?? chartTheme.text;
          ctx.strokeStyle = colour;
          ctx.fillStyle = colour;
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
          // A small flag at the top makes markers easy to spot among grid lines.
          const s = 5 * dpr;
          ctx.beginPath();
          ctx.moveTo(x - s, top);
          ctx.lineTo(x + s, top);
          ctx.lineTo(x, top + s * 1.4);
          ctx.closePath();
          ctx.fill();
        }
        ctx.restore();
      },
    },
  };
}

function chartOptions(
  width: number,
  height: number,
  getMarkers: () => readonly ChartMarker[],
): uPlot.Options {
  const axis: uPlot.Axis = {
    stroke: chartTheme.text,
    grid: { stroke: chartTheme.grid, width: 1 },
    ticks: { stroke: chartTheme.grid, width: 1 },
  };
  return {
    width,
    height,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.1)] } },
    axes: [axis, { ...axis, size: 56, label: 'msg/min', labelSize: 18 }],
    series: [
      {},
      {
        label: 'Chat rate',
        stroke: chartTheme.accent,
        fill: chartTheme.accentFill,
        width: 2,
        value: (_u, v) => (v === null ? '–' : `${formatRate(v)}/min`),
      },
    ],
    legend: { show: true, live: true },
    cursor: { y: false },
    plugins: [markersPlugin(getMarkers)],
  };
}

/**
 * Messages per minute over time (x = window end) with moments as vertical markers. uPlot is
 * created once and fed with `setData`, which keeps 1 Hz updates cheap.
 */
export function ChatRateChart({ series, markers, height = 240 }: ChatRateChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const seriesRef = useRef(series);
  const markersRef = useRef(markers);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return undefined;
    const width = Math.max(200, container.clientWidth || 600);
    const plot = new uPlot(
      chartOptions(width, height, () => markersRef.current),
      [seriesRef.current.x, seriesRef.current.y],
      container,
    );
    plotRef.current = plot;

    let observer: ResizeObserver | undefined;
    if (typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver((entries) => {
        const next = Math.floor(entries[0]?.contentRect.width ?? 0);
        if (next > 0 && next !== plot.width) plot.setSize({ width: next, height });
      });
      observer.observe(container);
    }
    return () => {
      observer?.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, [height]);

  useEffect(() => {
    seriesRef.current = series;
    plotRef.current?.setData([series.x, series.y]);
  }, [series]);

  useEffect(() => {
    markersRef.current = markers;
    plotRef.current?.redraw(false);
  }, [markers]);

  return (
    <div className="chart-wrap">
      <div
        ref={containerRef}
        className="chart"
        data-testid="chat-chart"
        data-points={series.x.length}
        data-markers={markers.length}
      />
      {series.x.length === 0 && <p className="chart-empty muted">Waiting for chat data…</p>}
    </div>
  );
}
