import { useMemo } from 'react';
import type { StreamSummary } from '../api/types';
import { isLive, LIVE, resolveRange, type RangeSpec } from '../lib/range';
import {
  CHART_SPAN_MS,
  mergeMoments,
  mergeWindows,
  toChatRateSeries,
  toMillis,
  toSentimentSeries,
  trimWindows,
} from '../lib/series';
import { mergePoints, pointsIn, samplesToPoints, streamStats } from '../lib/viewers';
import type { ChartMarker } from '../components/TimeChart';
import { useChatters } from './useChatters';
import { useEmotes } from './useEmotes';
import { useLiveChannel, type UseLiveChannelOptions } from './useLiveChannel';
import { useMetrics } from './useMetrics';
import { useMoments } from './useMoments';
import { useTransactions } from './useTransactions';
import { useViewers } from './useViewers';

const failed = (r: { data: unknown; error: unknown }) => r.data === undefined && r.error !== null;

/**
 * Everything the channel view shows over the selected range. In live mode the REST history
 * is merged with the WebSocket feed; every time the socket re-opens all of it is reloaded,
 * so the charts have no hole for the time it was down. Other ranges come from REST only.
 */
export function useChannelData(
  streamId: string | null,
  range: RangeSpec = LIVE,
  liveOptions?: UseLiveChannelOptions,
  summary?: StreamSummary | null,
) {
  const live = useLiveChannel(streamId, liveOptions);
  const liveMode = isLive(range);
  const reload = { reloadToken: live.reconnects };
  const metrics = useMetrics(streamId, range, reload);
  const moments = useMoments(streamId, range, reload);
  const viewers = useViewers(streamId, range, reload);
  const emotes = useEmotes(streamId, range, reload);
  const chatters = useChatters(streamId, range, reload);
  const transactions = useTransactions(streamId, range, reload);

  // The current stream's statistics need its whole viewer series, whatever range is shown.
  const stream = live.stream ?? summary ?? null;
  const startedAt = stream?.started_at ? toMillis(stream.started_at) : Number.NaN;
  const sinceStart = Number.isFinite(startedAt)
    ? { kind: 'since' as const, from: startedAt }
    : null;
  const streamViewers = useViewers(sinceStart ? streamId : null, sinceStart ?? LIVE, reload);

  const windows = useMemo(() => {
    const rest = metrics.data?.windows ?? [];
    return liveMode ? trimWindows(mergeWindows(rest, live.windows)) : mergeWindows(rest);
  }, [metrics.data, live.windows, liveMode]);

  const latestLiveWindow = live.windows.at(-1) ?? null;

  const viewerPoints = useMemo(() => {
    const rest = samplesToPoints(viewers.data?.samples ?? []);
    if (!liveMode) return rest;
    const merged = mergePoints(rest, live.viewerPoints);
    const last = merged.at(-1);
    return last ? pointsIn(merged, last.t - CHART_SPAN_MS) : merged;
  }, [viewers.data, live.viewerPoints, liveMode]);

  const stats = useMemo(() => {
    const rest = samplesToPoints(streamViewers.data?.samples ?? []);
    const lastRest = rest.at(-1)?.t ?? -Infinity;
    const tail = live.viewerPoints.filter((p) => p.t > lastRest);
    return streamStats([...rest, ...tail], startedAt);
  }, [streamViewers.data, live.viewerPoints, startedAt]);

  const series = useMemo(() => toChatRateSeries(windows), [windows]);
  const sentiment = useMemo(() => toSentimentSeries(windows), [windows]);
  const allMoments = useMemo(
    () =>
      liveMode
        ? mergeMoments(moments.data?.moments ?? [], live.moments)
        : mergeMoments(moments.data?.moments ?? []),
    [moments.data, live.moments, liveMode],
  );
  const markers = useMemo<ChartMarker[]>(
    () =>
      allMoments.map((m) => ({
        t: toMillis(m.timestamp) / 1000,
        severity: m.severity,
        label: m.description,
        type: m.moment_type,
        id: m.moment_id,
      })),
    [allMoments],
  );

  return {
    live,
    liveMode,
    windows,
    latestWindow: (liveMode ? windows.at(-1) : latestLiveWindow) ?? windows.at(-1) ?? null,
    series,
    sentiment,
    viewerPoints,
    stats,
    moments: allMoments,
    markers,
    emotes: emotes.data?.emotes ?? null,
    chatters: chatters.data?.chatters ?? null,
    transactions: transactions.data ?? null,
    /** Panels whose data failed to load (the error itself shows in the banner). */
    unavailable: {
      emotes: failed(emotes),
      chatters: failed(chatters),
      transactions: failed(transactions),
      viewers: failed(viewers),
    },
    /** The bounds the range resolves to now (for the chart axes). */
    resolve: (now: number) => resolveRange(range, now),
    errors: [
      { source: 'Chat history', error: metrics.error },
      { source: 'Moments', error: moments.error },
      { source: 'Viewers', error: viewers.error ?? streamViewers.error },
      { source: 'Emotes', error: emotes.error },
      { source: 'Chatters', error: chatters.error },
      { source: 'Revenue', error: transactions.error },
    ],
    metricsError: metrics.error,
    momentsError: moments.error,
  };
}

export type ChannelData = ReturnType<typeof useChannelData>;
