import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { streamFixtures } from '../../fixtures/streams';
import { viewerSeries } from '../../fixtures/viewers';
import { fakeFetch, jsonResponse, renderWithApi } from '../../testHelpers';
import { Overview } from '../Overview';

const NOW = Date.parse('2026-11-24T12:30:00.000Z');

function serverFetch() {
  return fakeFetch({
    '/api/v1/streams': (url) => {
      const id = url.pathname.split('/')[4] ?? '';
      if (url.pathname.endsWith('/viewers')) return jsonResponse(viewerSeries(id, 1000));
      return jsonResponse({ error: 'unexpected' }, 500);
    },
  });
}

const rowIds = () =>
  screen.getAllByTestId('overview-row').map((row) => row.getAttribute('data-channel'));

describe('Overview', () => {
  it('lists every channel with status in words, viewers, chat rate and uptime', () => {
    renderWithApi(<Overview streams={streamFixtures} now={NOW} />, serverFetch());
    const rows = screen.getAllByTestId('overview-row');
    expect(rows).toHaveLength(3);
    const first = rows[0]!;
    expect(first.textContent).toContain('Live');
    expect(first.querySelector('[data-field="viewers"]')?.textContent).toBe('12,843');
    expect(first.querySelector('[data-field="chat-rate"]')?.textContent).toBe('412.5/min');
    // Started 11:02:13, now 12:30:00.
    expect(first.querySelector('[data-field="uptime"]')?.textContent).toBe('1 h 27 min');
    expect(rows[2]!.textContent).toContain('Offline');
    expect(within(first).getByTestId('overview-link').getAttribute('href')).toBe(
      '#/channel/pixelqueen',
    );
    expect(screen.getByTestId('overview-summary').textContent).toContain('2 live of 3');
  });

  it('draws a viewer sparkline per channel from its viewer series', async () => {
    renderWithApi(<Overview streams={streamFixtures} now={NOW} />, serverFetch());
    await waitFor(() =>
      expect(screen.getAllByTestId('sparkline').every((s) => Number(s.dataset.points) >= 30)).toBe(
        true,
      ),
    );
    expect(screen.getAllByTestId('sparkline')).toHaveLength(3);
    expect(screen.getAllByTestId('sparkline')[0]!.querySelector('polyline')).not.toBeNull();
  });

  it('sorts by viewers by default and by any column on click, both ways', () => {
    renderWithApi(<Overview streams={streamFixtures} now={NOW} />, serverFetch());
    expect(rowIds()).toEqual(['pixelqueen', 'chefmarco', 'sleepycat']);
    expect(screen.getByTestId('sort-viewers').closest('th')?.getAttribute('aria-sort')).toBe(
      'descending',
    );

    fireEvent.click(screen.getByTestId('sort-name'));
    expect(rowIds()).toEqual(['chefmarco', 'pixelqueen', 'sleepycat']);
    expect(screen.getByTestId('sort-name').closest('th')?.getAttribute('aria-sort')).toBe(
      'ascending',
    );
    fireEvent.click(screen.getByTestId('sort-name'));
    expect(rowIds()).toEqual(['sleepycat', 'pixelqueen', 'chefmarco']);

    // Ascending viewers: missing counts still go last.
    fireEvent.click(screen.getByTestId('sort-viewers'));
    fireEvent.click(screen.getByTestId('sort-viewers'));
    expect(rowIds()).toEqual(['chefmarco', 'pixelqueen', 'sleepycat']);

    fireEvent.click(screen.getByTestId('sort-chat'));
    expect(rowIds()).toEqual(['pixelqueen', 'chefmarco', 'sleepycat']);

    // chefmarco has been live since 10:45, pixelqueen since 11:02; sleepycat is offline.
    fireEvent.click(screen.getByTestId('sort-uptime'));
    expect(rowIds()).toEqual(['chefmarco', 'pixelqueen', 'sleepycat']);
  });

  it('searches names, titles and categories', () => {
    renderWithApi(<Overview streams={streamFixtures} now={NOW} />, serverFetch());
    const search = screen.getByTestId('overview-search');
    fireEvent.change(search, { target: { value: 'FOOD' } });
    expect(rowIds()).toEqual(['chefmarco']);
    fireEvent.change(search, { target: { value: 'speedrun' } });
    expect(rowIds()).toEqual(['pixelqueen']);
    fireEvent.change(search, { target: { value: 'sleepy' } });
    expect(rowIds()).toEqual(['sleepycat']);
    fireEvent.change(search, { target: { value: 'nobody' } });
    expect(screen.queryAllByTestId('overview-row')).toHaveLength(0);
    expect(screen.getByTestId('overview-no-match').textContent).toContain('nobody');
  });
});
