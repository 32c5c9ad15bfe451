import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { sentimentMetricsFixture } from '../../fixtures/metrics';
import { emptyTransactionsFixture, transactionsFixture } from '../../fixtures/transactions';
import { RevenuePanel } from '../RevenuePanel';

const from = Date.parse('2026-11-24T12:26:00.000Z');
const range = { from, to: from + 4 * 60_000 };

describe('RevenuePanel', () => {
  it('shows the range total from the summary, not from the listed rows', () => {
    render(
      <RevenuePanel
        transactions={transactionsFixture}
        windows={sentimentMetricsFixture.windows}
        range={range}
      />,
    );
    const total = screen.getByTestId('revenue-total');
    expect(total.textContent).toBe('$612.50');
    expect(Number(total.dataset.value)).toBe(612.5);
    expect(screen.getByTestId('revenue-panel').textContent).toContain('42 transactions');
  });

  it('splits the total by type, every type labelled, adding up to the total', () => {
    render(
      <RevenuePanel
        transactions={transactionsFixture}
        windows={sentimentMetricsFixture.windows}
        range={range}
      />,
    );
    const rows = screen.getAllByTestId('revenue-type');
    expect(rows.map((r) => r.dataset.type)).toEqual([
      'subscription',
      'gift_sub',
      'donation',
      'bits',
    ]);
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining('Subscriptions$99.80×20'),
      expect.stringContaining('Gift subs$149.70×4'),
      expect.stringContaining('Donations$300.00×10'),
      expect.stringContaining('Bits$63.00×8'),
    ]);
    const sum = rows.reduce((s, r) => s + Number(r.dataset.total), 0);
    expect(sum).toBeCloseTo(612.5, 6);
  });

  it('draws money over time from non-overlapping windows, stacked by type', () => {
    render(
      <RevenuePanel
        transactions={transactionsFixture}
        windows={sentimentMetricsFixture.windows}
        range={range}
      />,
    );
    const bars = within(screen.getByTestId('revenue-chart')).getAllByTestId('revenue-bar');
    expect(bars).toHaveLength(4);
    // The last bar holds $40: $20 of donations and $20 of bits, two stacked segments.
    expect(bars[3]!.querySelectorAll('rect')).toHaveLength(2);
    expect(bars[3]!.querySelector('title')?.textContent).toContain('$40.00');
  });

  it('lists the latest transactions newest first', () => {
    render(<RevenuePanel transactions={transactionsFixture} windows={[]} range={range} />);
    const rows = screen.getAllByTestId('transaction-row');
    expect(rows).toHaveLength(4);
    expect(rows[0]!.textContent).toContain('Donations');
    expect(rows[0]!.textContent).toContain('$25.00');
    expect(rows[1]!.textContent).toContain('Gift subs ×5');
    expect(rows[2]!.textContent).toContain('anonymous');
  });

  it('has empty states for a range without money', () => {
    render(<RevenuePanel transactions={emptyTransactionsFixture} windows={[]} range={range} />);
    expect(screen.getByTestId('revenue-total').textContent).toBe('$0.00');
    expect(screen.getByTestId('revenue-empty')).toBeTruthy();
    expect(screen.getByTestId('revenue-chart-empty')).toBeTruthy();
  });
});
