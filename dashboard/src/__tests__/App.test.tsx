import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../App';
import { metricsFixture } from '../fixtures/metrics';
import { momentsFixture } from '../fixtures/moments';
import { snapshotMessage, viewersMessage } from '../fixtures/live';
import { streamsPageFixture } from '../fixtures/streams';
import { FakeSocket, fakeFetch, jsonResponse, renderWithApi, requestUrl } from '../testHelpers';

vi.mock('uplot', () => {
  class FakePlot {
    static pxRatio = 1;
    width = 600;
    setData = vi.fn();
    redraw = vi.fn();
    destroy = vi.fn();
    setSize = vi.fn();
    constructor(_opts: unknown, _data: unknown, target: HTMLElement) {
      target.appendChild(document.createElement('canvas'));
    }
  }
  return { default: FakePlot };
});

const liveOptions = { createSocket: FakeSocket.factory };

function serverFetch() {
  return fakeFetch({
    '/api/v1/streams': (url) => {
      if (url.pathname.endsWith('/metrics')) return jsonResponse(metricsFixture);
      if (url.pathname.endsWith('/moments')) return jsonResponse(momentsFixture);
      if (url.pathname === '/api/v1/streams') return jsonResponse(streamsPageFixture);
      return jsonResponse({ error: 'unknown stream' }, 404);
    },
  });
}

const callsTo = (fetch: ReturnType<typeof serverFetch>, suffix: string) =>
  fetch.mock.calls.filter(([input]) => requestUrl(input).split('?')[0]!.endsWith(suffix)).length;

describe('App', () => {
  beforeEach(() => {
    FakeSocket.reset();
  });

  it('selects the first channel, records it in the hash and shows its live data', async () => {
    const fetch = serverFetch();
    renderWithApi(<App liveOptions={liveOptions} />, fetch);

    await waitFor(() => expect(screen.getAllByTestId('channel-item')).toHaveLength(3));
    await waitFor(() => expect(window.location.hash).toBe('#/channel/pixelqueen'));
    expect(FakeSocket.latest().url).toMatch(/\/ws\/live\/pixelqueen$/);

    await waitFor(() => expect(screen.getAllByTestId('moment-item')).toHaveLength(3));
    expect(screen.getByTestId('chat-chart').dataset.points).toBe('3');
    expect(screen.getByTestId('viewer-count').textContent).toBe('12,843');

    act(() => FakeSocket.latest().open());
    expect(screen.getByTestId('connection-status').dataset.state).toBe('connected');
    act(() => FakeSocket.latest().receive(snapshotMessage));
    act(() => FakeSocket.latest().receive(viewersMessage));
    expect(screen.getByTestId('viewer-count').textContent).toBe('13,001');
    // The snapshot's running window adds a fourth point, its moment a fourth list entry.
    expect(screen.getByTestId('chat-chart').dataset.points).toBe('4');
    expect(screen.getAllByTestId('moment-item')).toHaveLength(4);
  });

  it('switches channel on click and follows the hash', async () => {
    const fetch = serverFetch();
    renderWithApi(<App liveOptions={liveOptions} />, fetch);
    await waitFor(() => expect(screen.getAllByTestId('channel-item')).toHaveLength(3));

    const list = screen.getByTestId('channel-list');
    fireEvent.click(within(list).getAllByTestId('channel-item')[1]!);
    await waitFor(() => expect(window.location.hash).toBe('#/channel/chefmarco'));
    await waitFor(() => expect(FakeSocket.latest().url).toMatch(/\/ws\/live\/chefmarco$/));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('chefmarco');
  });

  it('reloads the history after the live connection comes back', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const fetch = serverFetch();
      renderWithApi(<App liveOptions={liveOptions} />, fetch);
      await waitFor(() => expect(callsTo(fetch, '/metrics')).toBe(1));
      act(() => FakeSocket.latest().open());

      act(() => FakeSocket.latest().serverClose());
      expect(screen.getByTestId('connection-status').dataset.state).toBe('reconnecting');
      await act(() => vi.advanceTimersByTimeAsync(1000));
      act(() => FakeSocket.latest().open());

      await waitFor(() => expect(callsTo(fetch, '/metrics')).toBe(2));
      await waitFor(() => expect(callsTo(fetch, '/moments')).toBe(2));
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
});
