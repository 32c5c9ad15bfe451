import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../App';
import { chattersFixture, emotesFixture } from '../fixtures/emotes';
import { snapshotMessage, viewersMessage } from '../fixtures/live';
import { metricsFixture } from '../fixtures/metrics';
import { momentsFixture } from '../fixtures/moments';
import { streamsPageFixture } from '../fixtures/streams';
import { transactionsFixture } from '../fixtures/transactions';
import { viewersFixture } from '../fixtures/viewers';
import { FakeSocket, fakeFetch, jsonResponse, renderWithApi, requestUrl } from '../testHelpers';

vi.mock('uplot', () => import('../testUplot'));

const liveOptions = { createSocket: FakeSocket.factory };

const RESOURCES = {
  metrics: metricsFixture,
  moments: momentsFixture,
  viewers: viewersFixture,
  emotes: emotesFixture,
  chatters: chattersFixture,
  transactions: transactionsFixture,
} as const;

function serverFetch() {
  return fakeFetch({
    '/api/v1/streams': (url) => {
      if (url.pathname === '/api/v1/streams') return jsonResponse(streamsPageFixture);
      const resource = url.pathname.split('/')[5] as keyof typeof RESOURCES | undefined;
      if (resource && resource in RESOURCES) return jsonResponse(RESOURCES[resource]);
      return jsonResponse({ error: 'unknown stream' }, 404);
    },
  });
}

type FakeFetch = ReturnType<typeof serverFetch>;

const callsTo = (fetch: FakeFetch, suffix: string) =>
  fetch.mock.calls.filter(([input]) => requestUrl(input).split('?')[0]!.endsWith(suffix));

/** The query of the latest call to a resource. */
const lastQuery = (fetch: FakeFetch, suffix: string) =>
  new URL(requestUrl(callsTo(fetch, suffix).at(-1)![0]), 'http://dashboard.test').searchParams;

function openChannel(id = 'pixelqueen', query = '') {
  window.location.hash = `#/channel/${id}${query}`;
}

describe('App', () => {
  beforeEach(() => {
    FakeSocket.reset();
  });

  it('opens on the overview of all channels and goes to a channel from it', async () => {
    renderWithApi(<App liveOptions={liveOptions} />, serverFetch());
    await waitFor(() => expect(screen.getAllByTestId('overview-row')).toHaveLength(3));
    expect(screen.getByTestId('nav-overview').getAttribute('aria-current')).toBe('page');
    expect(FakeSocket.instances).toHaveLength(0);

    const link = within(screen.getAllByTestId('overview-row')[1]!).getByTestId('overview-link');
    expect(link.getAttribute('href')).toBe('#/channel/chefmarco');
    act(() => {
      window.location.hash = link.getAttribute('href')!;
    });
    await waitFor(() =>
      expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('chefmarco'),
    );
    expect(FakeSocket.latest().url).toMatch(/\/ws\/live\/chefmarco$/);
    expect(screen.getByTestId('nav-channel').getAttribute('aria-current')).toBe('page');
  });

  it('shows a channel’s live data and every panel', async () => {
    openChannel();
    renderWithApi(<App liveOptions={liveOptions} />, serverFetch());

    await waitFor(() => expect(screen.getAllByTestId('moment-item')).toHaveLength(3));
    expect(screen.getByTestId('chat-chart').dataset.points).toBe('3');
    await waitFor(() => expect(screen.getByTestId('viewer-count').textContent).toBe('12,843'));
    await waitFor(() => expect(screen.getAllByTestId('emote-word')).toHaveLength(4));
    expect(screen.getAllByTestId('chatter-row')[0]!.dataset.name).toBe('swift_gamer0');
    expect(screen.getByTestId('revenue-total').textContent).toBe('$612.50');
    expect(screen.getByTestId('viewers-chart').dataset.points).toBe('5');
    // The fixture windows have a sentiment score (0.2): the chart replaces the empty state.
    expect(screen.getByTestId('sentiment-chart').dataset.points).toBe('3');
    // Stream statistics from the viewer series since started_at (11:02:13, before every sample).
    await waitFor(() => expect(screen.getByTestId('stat-peak').textContent).toContain('300'));
    expect(screen.getByTestId('stat-hours').textContent).toContain('13.3');

    act(() => FakeSocket.latest().open());
    expect(screen.getByTestId('connection-status').dataset.state).toBe('connected');
    act(() => FakeSocket.latest().receive(snapshotMessage));
    act(() => FakeSocket.latest().receive(viewersMessage));
    expect(screen.getByTestId('viewer-count').textContent).toBe('13,001');
    // The snapshot's running window adds a fourth point, its moment a fourth list entry.
    expect(screen.getByTestId('chat-chart').dataset.points).toBe('4');
    expect(screen.getAllByTestId('moment-item')).toHaveLength(4);
  });

  it('switches channel from the list and keeps the range', async () => {
    openChannel('pixelqueen', '?range=1h');
    renderWithApi(<App liveOptions={liveOptions} />, serverFetch());
    await waitFor(() => expect(screen.getAllByTestId('channel-item')).toHaveLength(3));

    const list = screen.getByTestId('channel-list');
    fireEvent.click(within(list).getAllByTestId('channel-item')[1]!);
    await waitFor(() => expect(window.location.hash).toBe('#/channel/chefmarco?range=1h'));
    await waitFor(() => expect(FakeSocket.latest().url).toMatch(/\/ws\/live\/chefmarco$/));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('chefmarco');
  });

  it('loads a longer range from REST when the range changes', async () => {
    openChannel();
    const fetch = serverFetch();
    renderWithApi(<App liveOptions={liveOptions} />, fetch);
    await waitFor(() => expect(callsTo(fetch, '/metrics')).toHaveLength(1));
    let q = lastQuery(fetch, '/metrics');
    expect(Date.parse(q.get('to')!) - Date.parse(q.get('from')!)).toBe(15 * 60_000);

    fireEvent.click(screen.getByTestId('range-24h'));
    await waitFor(() => expect(window.location.hash).toBe('#/channel/pixelqueen?range=24h'));
    await waitFor(() => expect(callsTo(fetch, '/metrics')).toHaveLength(2));
    q = lastQuery(fetch, '/metrics');
    expect(Date.parse(q.get('to')!) - Date.parse(q.get('from')!)).toBe(24 * 3_600_000);
    for (const resource of ['/viewers', '/emotes', '/chatters', '/transactions']) {
      q = lastQuery(fetch, resource);
      expect(Date.parse(q.get('to')!) - Date.parse(q.get('from')!)).toBe(24 * 3_600_000);
    }
    expect(screen.getByTestId('range-24h').getAttribute('aria-pressed')).toBe('true');
  });

  it('focuses the charts on a moment when it is clicked, and goes back to live', async () => {
    openChannel();
    const fetch = serverFetch();
    renderWithApi(<App liveOptions={liveOptions} />, fetch);
    await waitFor(() => expect(screen.getAllByTestId('moment-item')).toHaveLength(3));

    // The raid at 12:20:00 (second newest).
    const raid = screen.getAllByTestId('moment-item')[1]!;
    expect(raid.dataset.moment).toBe('m-middle');
    fireEvent.click(within(raid).getByTestId('moment-focus'));

    await waitFor(() =>
      expect(window.location.hash).toBe(
        '#/channel/pixelqueen?from=2026-11-24T12:18:00.000Z&to=2026-11-24T12:23:00.000Z',
      ),
    );
    await waitFor(() =>
      expect(lastQuery(fetch, '/metrics').get('from')).toBe('2026-11-24T12:18:00.000Z'),
    );
    expect(lastQuery(fetch, '/metrics').get('to')).toBe('2026-11-24T12:23:00.000Z');
    expect(lastQuery(fetch, '/emotes').get('from')).toBe('2026-11-24T12:18:00.000Z');
    const chart = screen.getByTestId('chat-chart');
    expect(chart.dataset.from).toBe('2026-11-24T12:18:00.000Z');
    expect(chart.dataset.to).toBe('2026-11-24T12:23:00.000Z');
    expect(screen.getByTestId('range-custom').getAttribute('aria-pressed')).toBe('true');
    await waitFor(() =>
      expect(screen.getByTestId('focus-note').textContent).toContain('Raid incoming'),
    );

    fireEvent.click(screen.getByRole('button', { name: 'Back to live' }));
    await waitFor(() => expect(window.location.hash).toBe('#/channel/pixelqueen'));
    expect(screen.getByTestId('range-live').getAttribute('aria-pressed')).toBe('true');
  });

  it('reloads every history after the live connection comes back', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      openChannel();
      const fetch = serverFetch();
      renderWithApi(<App liveOptions={liveOptions} />, fetch);
      await waitFor(() => expect(callsTo(fetch, '/metrics')).toHaveLength(1));
      act(() => FakeSocket.latest().open());

      act(() => FakeSocket.latest().serverClose());
      expect(screen.getByTestId('connection-status').dataset.state).toBe('reconnecting');
      await act(() => vi.advanceTimersByTimeAsync(1000));
      act(() => FakeSocket.latest().open());

      await waitFor(() => expect(callsTo(fetch, '/metrics')).toHaveLength(2));
      await waitFor(() => expect(callsTo(fetch, '/moments')).toHaveLength(2));
      await waitFor(() => expect(callsTo(fetch, '/transactions')).toHaveLength(2));
      expect(callsTo(fetch, '/emotes').length).toBeGreaterThanOrEqual(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows an API error from the server in the banner', async () => {
    const fetch = fakeFetch({
      '/api/v1/streams': () => jsonResponse({ error: 'storage is unavailable' }, 503),
    });
    renderWithApi(<App liveOptions={liveOptions} />, fetch);
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain('storage is unavailable (HTTP 503)'),
    );
  });

  it('opens the compare view, loaded on demand', async () => {
    window.location.hash = '#/compare?channels=pixelqueen,chefmarco';
    renderWithApi(<App liveOptions={liveOptions} />, serverFetch());
    await waitFor(() => expect(screen.getByTestId('compare-chat-chart')).toBeTruthy());
    const pressed = screen
      .getAllByTestId('compare-chip')
      .filter((c) => c.getAttribute('aria-pressed') === 'true')
      .map((c) => c.dataset.channel);
    expect(pressed).toEqual(['pixelqueen', 'chefmarco']);
  });

  it('starts dark, switches to light and remembers it', async () => {
    const first = renderWithApi(<App liveOptions={liveOptions} />, serverFetch());
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    fireEvent.click(screen.getByTestId('theme-toggle'));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));
    expect(window.localStorage.getItem('telemetra.theme')).toBe('light');
    first.unmount();

    renderWithApi(<App liveOptions={liveOptions} />, serverFetch());
    expect(screen.getByTestId('theme-toggle').dataset.theme).toBe('light');
  });
});
