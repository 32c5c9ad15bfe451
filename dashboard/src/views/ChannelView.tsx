import { useMemo } from 'react';
import type { Moment, StreamSummary } from '../api/types';
import { ChannelList } from '../components/ChannelList';
import { ChatRateChart } from '../components/ChatRateChart';
import { EmoteCloud } from '../components/EmoteCloud';
import { ModerationPanel } from '../components/ModerationPanel';
import { MomentsList } from '../components/MomentsList';
import { RangePicker } from '../components/RangePicker';
import { RevenuePanel } from '../components/RevenuePanel';
import { SentimentChart } from '../components/SentimentChart';
import { StreamStats } from '../components/StreamStats';
import { TopChatters } from '../components/TopChatters';
import { ViewerCount } from '../components/ViewerCount';
import { ViewersChart } from '../components/ViewersChart';
import type { ChannelData } from '../hooks/useChannelData';
import { formatClock, formatCount, formatDateTime, formatRate, humanizeType } from '../lib/format';
import {
  FOCUS_BEFORE_MS,
  focusRange,
  isLive,
  LIVE,
  PRESET_LABELS,
  type RangeSpec,
} from '../lib/range';
import { toMillis } from '../lib/series';

export interface ChannelViewProps {
  id: string;
  range: RangeSpec;
  onRangeChange: (range: RangeSpec) => void;
  onSelect: (id: string) => void;
  streams: readonly StreamSummary[];
  streamsLoading: boolean;
  total?: number;
  data: ChannelData;
  now: number;
}

function rangeTitle(range: RangeSpec): string {
  if (range.kind === 'preset') {
    return range.preset === 'live' ? 'last 15 min · live' : `last ${PRESET_LABELS[range.preset]}`;
  }
  if (range.kind === 'custom') return `${formatDateTime(range.from)} – ${formatDateTime(range.to)}`;
  return `since ${formatDateTime(range.from)}`;
}

/** One channel: live numbers, the current stream's statistics and every panel over the range. */
export function ChannelView({
  id,
  range,
  onRangeChange,
  onSelect,
  streams,
  streamsLoading,
  total,
  data,
  now,
}: ChannelViewProps) {
  const summary = streams.find((s) => s.stream_id === id) ?? null;
  const stream = data.live.stream ?? summary;
  const viewers =
    data.live.viewerCount ?? stream?.viewer_count ?? data.latestWindow?.viewer_last ?? null;
  const chatRate = data.latestWindow?.messages_per_min ?? stream?.chat_rate ?? null;
  const isLiveStream = stream?.is_live ?? false;
  const startedAt = stream?.started_at ? toMillis(stream.started_at) : null;
  const uptimeMs = isLiveStream && startedAt !== null ? Math.max(0, now - startedAt) : null;

  // The x extent all charts share. Live windows are drawn at their end, which can lie a few
  // seconds ahead of the clock, so a live range reaches as far as the newest point.
  // Rolling REST ranges reload every 30 s: their axes move in 30 s steps, not every second.
  const resolved = data.resolve(isLive(range) ? now : Math.ceil(now / 30_000) * 30_000);
  const newest = Math.max((data.series.x.at(-1) ?? 0) * 1000, data.viewerPoints.at(-1)?.t ?? 0);
  const xTo = isLive(range) ? Math.max(resolved.to, newest) : resolved.to;
  const xFrom = resolved.from;
  const xRange = useMemo<[number, number]>(() => [xFrom / 1000, xTo / 1000], [xFrom, xTo]);
  const moneyRange = useMemo(() => ({ from: xFrom, to: xTo }), [xFrom, xTo]);

  const focused: Moment | null =
    range.kind === 'custom'
      ? (data.moments.find((m) => toMillis(m.timestamp) - FOCUS_BEFORE_MS === range.from) ?? null)
      : null;

  return (
    <div className="layout">
      <ChannelList
        streams={streams}
        selectedId={id}
        onSelect={onSelect}
        loading={streamsLoading}
        total={total}
      />

      <main className="channel">
        <header className="channel__header">
          <div className="channel__heading">
            <h1>{id}</h1>
            <span className={`badge ${isLiveStream ? 'badge--live' : 'badge--offline'}`}>
              {isLiveStream ? 'Live' : 'Offline'}
            </span>
            {stream?.category && (
              <span className="muted" data-testid="channel-category">
                {stream.category}
              </span>
            )}
            {stream?.title && (
              <p className="channel__title" data-testid="channel-title">
                {stream.title}
              </p>
            )}
          </div>
          <RangePicker value={range} onChange={onRangeChange} />
        </header>

        {focused && (
          <div className="focus-note" role="status" data-testid="focus-note">
            <span>
              Focused on <strong>{humanizeType(focused.moment_type)}</strong> at{' '}
              {formatClock(focused.timestamp)}: {focused.description}
            </span>
            <button type="button" className="button" onClick={() => onRangeChange(LIVE)}>
              Back to live
            </button>
          </div>
        )}

        <div className="stats">
          <ViewerCount value={viewers} />
          <div className="stats__grid">
            <section className="stat" aria-label="Chat rate">
              <span className="stat__label">Chat rate</span>
              <span className="stat__value stat__value--small">
                {formatRate(chatRate)}
                <span className="stat__unit">msg/min</span>
              </span>
            </section>
            <section className="stat" aria-label="Unique chatters">
              <span className="stat__label">Chatters (window)</span>
              <span className="stat__value stat__value--small">
                {formatCount(data.latestWindow?.unique_chatters)}
              </span>
            </section>
            <StreamStats stats={data.stats} uptimeMs={uptimeMs} />
          </div>
        </div>

        <section className="panel" aria-label="Chat rate over time">
          <h2 className="panel-title">
            Chat rate <span className="panel-title__extra">{rangeTitle(range)}</span>
          </h2>
          <ChatRateChart series={data.series} markers={data.markers} xRange={xRange} />
        </section>

        <div className="grid-2">
          <section className="panel" aria-label="Viewers over time">
            <h2 className="panel-title">Viewers</h2>
            <ViewersChart points={data.viewerPoints} markers={data.markers} xRange={xRange} />
          </section>
          <SentimentChart series={data.sentiment} xRange={xRange} />
        </div>

        <div className="grid-2">
          <EmoteCloud emotes={data.emotes} unavailable={data.unavailable.emotes} />
          <TopChatters chatters={data.chatters} unavailable={data.unavailable.chatters} />
        </div>

        <RevenuePanel
          transactions={data.transactions}
          windows={data.windows}
          range={moneyRange}
          unavailable={data.unavailable.transactions}
        />

        <ModerationPanel windows={data.windows} room={stream?.room_state} />

        <MomentsList
          moments={data.moments}
          onFocus={(m) => onRangeChange(focusRange(toMillis(m.timestamp)))}
          focusedId={focused?.moment_id ?? null}
          emptyText={
            isLive(range) ? 'No moments in the last 24 hours.' : 'No moments in this range.'
          }
        />
      </main>
    </div>
  );
}
