import { formatCount } from '../lib/format';
import { thinPoints, type ViewerPoint } from '../lib/viewers';

/** A small viewer trend line (SVG: cheap for a few dozen points per row). */
export function Sparkline({
  points,
  width = 120,
  height = 30,
  colour = 'currentColor',
  label = 'Viewers',
}: {
  points: readonly ViewerPoint[];
  width?: number;
  height?: number;
  colour?: string;
  label?: string;
}) {
  const pts = thinPoints(points, 60);
  if (pts.length < 2) {
    return (
      <span
        className="sparkline sparkline--empty muted"
        data-testid="sparkline"
        data-points={pts.length}
      >
        no trend yet
      </span>
    );
  }
  const t0 = pts[0]!.t;
  const t1 = pts.at(-1)!.t;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of pts) {
    lo = Math.min(lo, p.v);
    hi = Math.max(hi, p.v);
  }
  const pad = 2;
  const x = (t: number) => pad + ((width - 2 * pad) * (t - t0)) / Math.max(1, t1 - t0);
  const y = (v: number) =>
    hi === lo ? height / 2 : pad + (height - 2 * pad) * (1 - (v - lo) / (hi - lo));
  const d = pts.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
  const first = pts[0]!.v;
  const last = pts.at(-1)!.v;
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${label}: ${formatCount(first)} to ${formatCount(last)}, low ${formatCount(lo)}, high ${formatCount(hi)}`}
      data-testid="sparkline"
      data-points={pts.length}
    >
      <polyline points={d} fill="none" stroke={colour} strokeWidth={1.6} strokeLinejoin="round" />
      <circle cx={x(pts.at(-1)!.t)} cy={y(last)} r={2.2} fill={colour} />
    </svg>
  );
}
