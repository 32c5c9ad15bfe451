import { useMemo } from 'react';
import { mergeMoments, mergeWindows, toChatRateSeries, toMillis, trimWindows } from '../lib/series';
import type { ChartMarker } from '../components/ChatRateChart';
import { useLiveChannel, type UseLiveChannelOptions } from './useLiveChannel';
import { useMetrics } from './useMetrics';
import { useMoments } from './useMoments';

/**
 * Everything the channel view shows: REST history merged with the live feed. Each time the
 * socket re-opens the history is reloaded, so the chart has no hole for the time it was down.
 */
export function useChannelData(streamId: string | null, liveOptions?: UseLiveChannelOptions) {
  const live = useLiveChannel(streamId, liveOptions);
  const metrics = useMetrics(streamId, { reloadToken: live.reconnects });
  const moments = useMoments(streamId, { reloadToken: live.reconnects });

  const windows = useMemo(
    () => trimWindows(mergeWindows(metrics.data?.windows ?? [], live.windows)),
    [metrics.data, live.windows],
  );
  const series = useMemo(() => toChatRateSeries(windows), [windows]);
  const allMoments = useMemo(
    () => mergeMoments(moments.data?.moments ?? [], live.moments),
    [moments.data, live.moments],
  );
  const markers = useMemo<ChartMarker[]>(
    () =>
      allMoments.map((m) => ({
        t: toMillis(m.timestamp) / 1000,
        severity: m.severity,
        label: m.description,
      })),
    [allMoments],
  );

  return {
    live,
    windows,
    latestWindow: windows.at(-1) ?? null,
    series,
    moments: allMoments,
    markers,
    metricsError: metrics.error,
    momentsError: moments.error,
  };
}
