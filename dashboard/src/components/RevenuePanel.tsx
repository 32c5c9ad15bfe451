import { useMemo } from 'react';
import type { MetricsWindow, TransactionsResponse, TransactionType } from '../api/types';
import { formatClock, formatCount, formatDuration, formatMoney } from '../lib/format';
import { byTypeRows, revenueBuckets, TRANSACTION_LABELS, TRANSACTION_TYPES } from '../lib/revenue';
import { useTheme } from '../hooks/useTheme';

export interface RevenuePanelProps {
  /** Null while loading. */
  transactions: TransactionsResponse | null;
  /** The range's windows, for money over time. */
  windows: readonly MetricsWindow[];
  /** The range in Unix milliseconds. */
  range: { from: number; to: number };
  recentLimit?: number;
  /** Loading failed (the error shows in the banner). */
  unavailable?: boolean;
}

const typeLabel = (type: TransactionType) => TRANSACTION_LABELS[type] ?? type;

const CHART_W = 600;
const CHART_H = 120;

/**
 * Money in the range: the total and count (the server's summary over the whole range), the
 * split by type, money over time (stacked by type when the server reports it) and the
 * latest transactions.
 */
export function RevenuePanel({
  transactions,
  windows,
  range,
  recentLimit = 8,
  unavailable = false,
}: RevenuePanelProps) {
  const { palette } = useTheme();
  const summary = transactions?.summary;
  const rows = useMemo(() => byTypeRows(summary?.by_type ?? []), [summary]);
  const largest = Math.max(0, ...rows.map((r) => r.total));
  const buckets = useMemo(() => revenueBuckets(windows, range), [windows, range]);
  const peak = Math.max(0, ...buckets.map((b) => b.total));
  const recent = (transactions?.transactions ?? []).slice(0, recentLimit);
  const colour = (type: TransactionType) => palette.money[type] ?? palette.text;

  return (
    <section className="panel revenue" aria-label="Revenue" data-testid="revenue-panel">
      <h2 className="panel-title">Revenue</h2>
      {transactions === null ? (
        <p className="muted">
          {unavailable ? 'Revenue is not available (see the error above).' : 'Loading revenue…'}
        </p>
      ) : (
        <div className="revenue__grid">
          <div className="revenue__summary">
            <span className="stat__label">Total in range</span>
            <span
              className="stat__value stat__value--small"
              data-testid="revenue-total"
              data-value={summary?.total ?? 0}
            >
              {formatMoney(summary?.total ?? 0)}
            </span>
            <span className="muted">
              {formatCount(summary?.count ?? 0)} transaction{summary?.count === 1 ? '' : 's'}
            </span>
            <ul className="money-types" aria-label="Revenue by type">
              {rows.map((row) => (
                <li
                  key={row.transaction_type}
                  data-testid="revenue-type"
                  data-type={row.transaction_type}
                  data-total={row.total}
                >
                  <span className="money-types__name">
                    <span
                      className="swatch"
                      aria-hidden="true"
                      style={{ background: colour(row.transaction_type) }}
                    />
                    {typeLabel(row.transaction_type)}
                  </span>
                  <span className="money-types__bar" aria-hidden="true">
                    <span
                      style={{
                        width: `${largest > 0 ? (100 * row.total) / largest : 0}%`,
                        background: colour(row.transaction_type),
                      }}
                    />
                  </span>
                  <span className="num">{formatMoney(row.total)}</span>
                  <span className="num muted">×{formatCount(row.count)}</span>
                </li>
              ))}
            </ul>
          </div>

          <div className="revenue__chart">
            <span className="stat__label">Over time</span>
            {peak === 0 ? (
              <p className="muted revenue__none" data-testid="revenue-chart-empty">
                No money in this range yet.
              </p>
            ) : (
              <svg
                className="revenue-chart"
                viewBox={`0 0 ${CHART_W} ${CHART_H}`}
                preserveAspectRatio="none"
                role="img"
                aria-label={`Revenue over time, up to ${formatMoney(peak)} per bar`}
                data-testid="revenue-chart"
              >
                {buckets.map((b, i) => {
                  const w = CHART_W / buckets.length;
                  const x = i * w;
                  const title = `${formatClock(new Date(b.start).toISOString())}: ${formatMoney(b.total)}`;
                  const typed = TRANSACTION_TYPES.filter((t) => (b.byType[t] ?? 0) > 0);
                  if (typed.length === 0) {
                    const h = (CHART_H * b.total) / peak;
                    return (
                      <rect
                        key={b.start}
                        data-testid="revenue-bar"
                        x={x + w * 0.1}
                        width={w * 0.8}
                        y={CHART_H - h}
                        height={h}
                        fill={palette.text}
                      >
                        <title>{title}</title>
                      </rect>
                    );
                  }
                  let y = CHART_H;
                  return (
                    <g key={b.start} data-testid="revenue-bar">
                      <title>
                        {title} (
                        {typed
                          .map((t) => `${typeLabel(t)} ${formatMoney(b.byType[t] ?? 0)}`)
                          .join(', ')}
                        )
                      </title>
                      {typed.map((t) => {
                        const h = (CHART_H * (b.byType[t] ?? 0)) / peak;
                        y -= h;
                        return (
                          <rect
                            key={t}
                            x={x + w * 0.1}
                            width={w * 0.8}
                            y={y}
                            height={h}
                            fill={colour(t)}
                          />
                        );
                      })}
                    </g>
                  );
                })}
              </svg>
            )}
            {peak > 0 && (
              <div className="revenue-chart__axis muted">
                <span>{formatClock(new Date(range.from).toISOString())}</span>
                <span>
                  highest bar {formatMoney(peak)} ·{' '}
                  {formatDuration(buckets[0] ? buckets[0].end - buckets[0].start : 0)} each
                </span>
                <span>{formatClock(new Date(range.to).toISOString())}</span>
              </div>
            )}
          </div>

          <div className="revenue__recent">
            <span className="stat__label">Latest</span>
            {recent.length === 0 ? (
              <p className="muted" data-testid="revenue-empty">
                No transactions in this range.
              </p>
            ) : (
              <ol className="tx-list">
                {recent.map((tx) => (
                  <li key={tx.transaction_id} data-testid="transaction-row">
                    <time dateTime={tx.timestamp} className="muted">
                      {formatClock(tx.timestamp)}
                    </time>
                    <span className="tx-list__type">
                      <span
                        className="swatch"
                        aria-hidden="true"
                        style={{ background: colour(tx.transaction_type) }}
                      />
                      {typeLabel(tx.transaction_type)}
                      {tx.count !== null && tx.count > 1 ? ` ×${tx.count}` : ''}
                    </span>
                    <span className="tx-list__user">{tx.username ?? 'anonymous'}</span>
                    <span className="num">{formatMoney(tx.amount)}</span>
                  </li>
                ))}
              </ol>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
