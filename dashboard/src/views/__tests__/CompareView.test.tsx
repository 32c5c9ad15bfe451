import { fireEvent, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { metricsFixture } from '../../fixtures/metrics';
import { streamFixtures } from '../../fixtures/streams';
import { viewerSeries } from '../../fixtures/viewers';
import { LIVE, preset } from '../../lib/range';
import { fakeFetch, jsonResponse, renderWithApi, requestUrl } from '../../testHelpers';
import FakePlot from '../../testUplot';
import CompareView from '../CompareView';

vi.mock('uplot', () => import('../../testUplot'));

const NOW = Date.parse('2026-11-24T12:30:00.000Z');

function serverFetch() {
  return fakeFetch({
    '/api/v1/streams': (url) => {
      const id = url.pathname.split('/')[4] ?? '';
      if (url.pathname.endsWith('/viewers')) return jsonResponse(viewerSeries(id, 1000));
      if (url.pathname.endsWith('/metrics'))
        return jsonResponse({
          ...metricsFixture,
          stream_id: id,
          windows: metricsFixture.windows.map((w) => ({ ...w, stream_id: id })),
        });
      return jsonResponse({ error: 'unexpected' }, 500);
    },
  });
}

describe('CompareView', () => {
  beforeEach(() => {
    FakePlot.instances = [];
  });

  it('compares the most watched channels by default, on shared chat and viewer charts', async () => {
    const fetch = serverFetch();
    renderWithApi(
      <CompareView streams={streamFixtures} ids={[]} range={LIVE} onChange={() => {}} now={NOW} />,
      fetch,
    );
    const chips = screen.getAllByTestId('compare-chip');
    expect(chips.map((c) => c.getAttribute('aria-pressed'))).toEqual(['true', 'true', 'true']);

    await waitFor(() =>
      expect(screen.getByTestId('compare-viewers-chart').dataset.points).toBe('30'),
    );
    expect(screen.getByTestId('compare-chat-chart').dataset.points).toBe('3');
    // One plot per chart, one series per channel, each with its own colour and dash.
    const [chat, viewers] = FakePlot.instances.slice(-2);
    expect(chat!.labels).toEqual(['pixelqueen', 'chefmarco', 'sleepycat']);
    expect(viewers!.labels).toEqual(['pixelqueen', 'chefmarco', 'sleepycat']);
    const strokes = chat!.opts.series.slice(1).map((s) => s.stroke);
    expect(new Set(strokes).size).toBe(3);
    const paths = fetch.mock.calls.map(([input]) => requestUrl(input).split('?')[0]);
    expect(paths).toContain('/api/v1/streams/sleepycat/viewers');
    expect(paths).toContain('/api/v1/streams/chefmarco/metrics');
  });

  it('toggles channels and asks for at least two', () => {
    const onChange = vi.fn();
    const { rerender } = renderWithApi(
      <CompareView
        streams={streamFixtures}
        ids={['pixelqueen', 'chefmarco']}
        range={preset('1h')}
        onChange={onChange}
        now={NOW}
      />,
      serverFetch(),
    );
    fireEvent.click(screen.getAllByTestId('compare-chip')[2]!);
    expect(onChange).toHaveBeenLastCalledWith(
      ['pixelqueen', 'chefmarco', 'sleepycat'],
      preset('1h'),
    );
    fireEvent.click(screen.getAllByTestId('compare-chip')[0]!);
    expect(onChange).toHaveBeenLastCalledWith(['chefmarco'], preset('1h'));

    rerender(
      <CompareView
        streams={streamFixtures}
        ids={['chefmarco']}
        range={preset('1h')}
        onChange={onChange}
        now={NOW}
      />,
    );
    expect(screen.getByTestId('compare-hint').textContent).toMatch(/at least 2/);
    expect(screen.queryByTestId('compare-chat-chart')).toBeNull();
  });
});
