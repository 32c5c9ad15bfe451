import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Severity } from '../api/types';
import { formatClock, humanizeType } from '../lib/format';
import { useTheme } from '../hooks/useTheme';
import { SEVERITY_SHAPES, type ChartPalette } from '../lib/theme';

/** A moment drawn on a chart as a vertical marker. */
export interface ChartMarker {
  /** Unix seconds, like the chart's x values. */
  t: number;
  severity: Severity;
  label: string;
  /** The moment's type and id, shown on hover. */
  type?: string;
  id?: string;
}

export interface ChartSeries {
  label: string;
  colour: string;
  dash?: number[];
  fill?: string;
  width?: number;
  /** Legend value text. */
  format?: (value: number) => string;
}

/** x (Unix seconds, ascending) followed by one y column per series; null is a gap. */
export type ChartData = [number[], ...Array<Array<number | null>>];

export interface TimeChartProps {
  data: ChartData;
  series: readonly ChartSeries[];
  testId: string;
  /** Fixed x extent in Unix seconds; the data's own extent otherwise. */
  xRange?: readonly [number, number] | null;
  yRange?: (min: number, max: number) => [number, number];
  yLabel?: string;
  markers?: readonly ChartMarker[];
  height?: number;
  emptyText?: string;
  /** Charts with the same key move their cursors together. */
  syncKey?: string;
}

/** The marker nearest to `cursorX` (CSS px in the plot area) within `tolerance` px. */
export function nearestMarker(
  markers: readonly ChartMarker[],
  cursorX: number,
  toPos: (t: number) => number,
  tolerance = 8,
): ChartMarker | null {
  let best: ChartMarker | null = null;
  let bestDistance = tolerance;
  for (const marker of markers) {
    const distance = Math.abs(toPos(marker.t) - cursorX);
    if (distance <= bestDistance) {
      best = marker;
      bestDistance = distance;
    }
  }
  return best;
}

function drawShape(
  ctx: CanvasRenderingContext2D,
  shape: 'circle' | 'triangle' | 'diamond',
  x: number,
  y: number,
  s: number,
) {
  ctx.beginPath();
  if (shape === 'circle') {
    ctx.arc(x, y + s, s, 0, 2 * Math.PI);
  } else if (shape === 'triangle') {
    ctx.moveTo(x - s * 1.1, y);
    ctx.lineTo(x + s * 1.1, y);
    ctx.lineTo(x, y + s * 1.9);
    ctx.closePath();
  } else {
    ctx.moveTo(x, y);
    ctx.lineTo(x + s, y + s);
    ctx.lineTo(x, y + 2 * s);
    ctx.lineTo(x - s, y + s);
    ctx.closePath();
  }
  ctx.fill();
}

/** Draws the markers inside the plot area after the series, on the same canvas. */
function markersPlugin(
  getMarkers: () => readonly ChartMarker[],
  palette: ChartPalette,
  onHover: (marker: ChartMarker | null, left: number) => void,
): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const markers = getMarkers();
        if (markers.length === 0) return;
        const { ctx } = u;
        const { left, top, width, height } = u.bbox;
        const dpr = uPlot.pxRatio;
        ctx.save();
        ctx.lineWidth = 1.5 * dpr;
        for (const marker of markers) {
          const x = Math.round(u.valToPos(marker.t, 'x', true));
          if (!Number.isFinite(x) || x < left || x > left + width) continue;
          const colour = palette.severity[marker.severity] ?? palette.text;
          ctx.strokeStyle = colour;
          ctx.fillStyle = colour;
          ctx.setLineDash([4 * dpr, 3 * dpr]);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
          ctx.setLineDash([]);
          drawShape(ctx, SEVERITY_SHAPES[marker.severity] ?? 'circle', x, top, 5 * dpr);
        }
        ctx.restore();
      },
      setCursor: (u) => {
        const markers = getMarkers();
        const left = u.cursor.left;
        if (markers.length === 0 || left === undefined || left < 0) {
          onHover(null, 0);
          return;
        }
        const hit = nearestMarker(markers, left, (t) => u.valToPos(t, 'x'));
        onHover(hit, hit ? u.valToPos(hit.t, 'x') + u.over.offsetLeft : 0);
      },
    },
  };
}

/** Time-axis labels in 24-hour local time, with seconds for short spans and dates for long. */
export function timeAxisLabels(splits: readonly number[], spanSeconds: number): string[] {
  return splits.map((v) => {
    const d = new Date(v * 1000);
    const hm = d.toLocaleTimeString(undefined, {
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    if (spanSeconds <= 180) {
      return d.toLocaleTimeString(undefined, { hour12: false });
    }
    if (spanSeconds > 36 * 3600) {
      return `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${hm}`;
    }
    return hm;
  });
}

const severityLabel: Record<Severity, string> = { low: 'Low', medium: 'Medium', high: 'High' };

/**
 * A time-series chart on uPlot: created once per shape (series, theme, height) and fed with
 * `setData`, which keeps 1 Hz updates and thousands of points cheap. Moments are drawn as
 * vertical markers whose shape tells their severity; hovering one shows what it was.
 */
export function TimeChart({
  data,
  series,
  testId,
  xRange = null,
  yRange,
  yLabel,
  markers = [],
  height = 220,
  emptyText = 'No data in this range.',
  syncKey,
}: TimeChartProps) {
  const { palette, theme } = useTheme();
  const containerRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const dataRef = useRef(data);
  const markersRef = useRef(markers);
  const xRangeRef = useRef(xRange);
  const yRangeRef = useRef(yRange);
  const [hover, setHover] = useState<{ marker: ChartMarker; left: number } | null>(null);

  useEffect(() => {
    yRangeRef.current = yRange;
  });

  // Everything that changes the plot's structure; data changes only go through setData.
  const shape = JSON.stringify({
    s: series.map((s) => [s.label, s.colour, s.dash, s.fill, s.width]),
    theme,
    height,
    yLabel,
    syncKey,
  });

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return undefined;
    const axis: uPlot.Axis = {
      stroke: palette.text,
      grid: { stroke: palette.grid, width: 1 },
      ticks: { stroke: palette.grid, width: 1 },
    };
    const width = Math.max(200, container.clientWidth || 600);
    const options: uPlot.Options = {
      width,
      height,
      scales: {
        x: { time: true },
        y: {
          range: (_u, min, max) =>
            yRangeRef.current ? yRangeRef.current(min, max) : [min, max === min ? min + 1 : max],
        },
      },
      axes: [
        {
          ...axis,
          space: 70,
          values: (u, splits) =>
            timeAxisLabels(splits, (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0)),
        },
        yLabel ? { ...axis, size: 60, label: yLabel, labelSize: 18 } : { ...axis, size: 60 },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.colour,
          fill: s.fill,
          dash: s.dash && s.dash.length > 0 ? s.dash : undefined,
          width: s.width ?? 2,
          spanGaps: true,
          points: { show: false },
          value: (_u: uPlot, v: number | null) =>
            v === null ? '–' : s.format ? s.format(v) : String(v),
        })),
      ],
      legend: { show: true, live: true },
      cursor: { y: false, ...(syncKey ? { sync: { key: syncKey } } : {}) },
      plugins: [
        markersPlugin(
          () => markersRef.current,
          palette,
          (marker, left) =>
            setHover((prev) => {
              if (!marker) return prev === null ? prev : null;
              if (prev?.marker === marker && prev.left === left) return prev;
              return { marker, left };
            }),
        ),
      ],
    };
    const plot = new uPlot(options, dataRef.current, container);
    plotRef.current = plot;
    const range = xRangeRef.current;
    if (range) plot.setScale('x', { min: range[0], max: range[1] });

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
    // `shape` stands for series, palette, height, yLabel and syncKey.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);

  const xFrom = xRange?.[0];
  const xTo = xRange?.[1];
  // New data: one setData (which also fits the x scale to the data, so pin the range again).
  useEffect(() => {
    dataRef.current = data;
    const plot = plotRef.current;
    if (!plot) return;
    plot.setData(data);
    const range = xRangeRef.current;
    if (range) plot.setScale('x', { min: range[0], max: range[1] });
  }, [data]);
  // A moving range alone only rescales: the data is not handed over again.
  useEffect(() => {
    xRangeRef.current = xFrom !== undefined && xTo !== undefined ? [xFrom, xTo] : null;
    if (xFrom !== undefined && xTo !== undefined) {
      plotRef.current?.setScale('x', { min: xFrom, max: xTo });
    }
  }, [xFrom, xTo]);

  useEffect(() => {
    markersRef.current = markers;
    plotRef.current?.redraw(false);
  }, [markers]);

  const points = data[0].length;
  // The canvas says nothing to a screen reader: the latest values, in words, do.
  const latest = series
    .map((s, i) => {
      const column = data[i + 1] ?? [];
      let value: number | null = null;
      for (let j = column.length - 1; j >= 0 && value === null; j -= 1) value = column[j] ?? null;
      return value === null ? null : `${s.label} ${s.format ? s.format(value) : value}`;
    })
    .filter(Boolean)
    .join(', ');
  return (
    <div className="chart-wrap">
      <div
        ref={containerRef}
        className="chart"
        data-testid={testId}
        data-points={points}
        data-markers={markers.length}
        data-from={xFrom !== undefined ? new Date(xFrom * 1000).toISOString() : undefined}
        data-to={xTo !== undefined ? new Date(xTo * 1000).toISOString() : undefined}
        style={{ minHeight: height }}
      />
      {points === 0 && <p className="chart-empty muted">{emptyText}</p>}
      {points > 0 && latest && <p className="visually-hidden">Latest: {latest}.</p>}
      {hover && (
        <div
          className={`chart-tooltip severity--${hover.marker.severity}`}
          style={{ left: hover.left }}
          role="tooltip"
          data-testid="chart-tooltip"
        >
          <strong>{humanizeType(hover.marker.type ?? 'moment')}</strong>
          <span className="muted">
            {' '}
            · {formatClock(new Date(hover.marker.t * 1000).toISOString())} ·{' '}
            {severityLabel[hover.marker.severity]}
          </span>
          <span className="chart-tooltip__label">{hover.marker.label}</span>
        </div>
      )}
    </div>
  );
}
