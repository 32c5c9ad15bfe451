import { useEffect } from 'react';
import { ChannelList } from './components/ChannelList';
import { ChatRateChart } from './components/ChatRateChart';
import { ConnectionStatus } from './components/ConnectionStatus';
import { ErrorBanner } from './components/ErrorBanner';
import { MomentsList } from './components/MomentsList';
import { ViewerCount } from './components/ViewerCount';
import { useChannelData } from './hooks/useChannelData';
import type { UseLiveChannelOptions } from './hooks/useLiveChannel';
import { replaceSelectedChannel, useSelectedChannel } from './hooks/useSelectedChannel';
import { useStreams } from './hooks/useStreams';
import { formatCount, formatRate } from './lib/format';

export interface AppProps {
  /** Injected for tests; the browser's WebSocket otherwise. */
  liveOptions?: UseLiveChannelOptions;
}

export function App({ liveOptions }: AppProps) {
  const streams = useStreams();
  const items = streams.data?.items ?? [];
  const [hashChannel, selectChannel] = useSelectedChannel();
  const selectedId = hashChannel ?? items[0]?.stream_id ?? null;

  // Record the default (first) channel in the URL so the choice survives reordering and reloads.
  useEffect(() => {
    if (hashChannel === null && selectedId !== null) replaceSelectedChannel(selectedId);
  }, [hashChannel, selectedId]);

  const channel = useChannelData(selectedId, liveOptions);
  const summary = items.find((s) => s.stream_id === selectedId) ?? channel.live.stream;
  const viewers =
    channel.live.viewerCount ?? summary?.viewer_count ?? channel.latestWindow?.viewer_last ?? null;
  const chatRate = channel.latestWindow?.messages_per_min ?? summary?.chat_rate ?? null;
  const isLive = channel.live.stream?.is_live ?? summary?.is_live ?? false;

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">
          <span className="brand__mark" aria-hidden="true">
            ◆
          </span>
          Telemetra
        </span>
        <ConnectionStatus state={channel.live.status} retryInMs={channel.live.retryInMs} />
      </header>

      <ErrorBanner
        errors={[
          { source: 'Channels', error: streams.error },
          { source: 'Chat history', error: channel.metricsError },
          { source: 'Moments', error: channel.momentsError },
        ]}
      />

      <div className="layout">
        <ChannelList
          streams={items}
          selectedId={selectedId}
          onSelect={selectChannel}
          loading={streams.loading}
          total={streams.data?.total}
        />

        <main className="channel">
          {selectedId === null ? (
            <p className="muted">{streams.loading ? 'Loading…' : 'Pick a channel.'}</p>
          ) : (
            <>
              <header className="channel__header">
                <h1>{selectedId}</h1>
                <span className={`badge ${isLive ? 'badge--live' : 'badge--offline'}`}>
                  {isLive ? 'Live' : 'Offline'}
                </span>
                {summary?.category && <span className="muted">{summary.category}</span>}
                {summary?.title && <p className="channel__title">{summary.title}</p>}
              </header>

              <div className="stats">
                <ViewerCount value={viewers} />
                <section className="stat" aria-label="Chat rate">
                  <span className="stat__label">Chat rate</span>
                  <span className="stat__value stat__value--small">
                    {formatRate(chatRate)}
                    <span className="stat__unit">msg/min</span>
                  </span>
                </section>
                <section className="stat" aria-label="Unique chatters">
                  <span className="stat__label">Chatters (60 s)</span>
                  <span className="stat__value stat__value--small">
                    {formatCount(channel.latestWindow?.unique_chatters)}
                  </span>
                </section>
              </div>

              <section className="panel" aria-label="Chat rate over time">
                <h2 className="panel-title">Chat rate · last 15 min</h2>
                <ChatRateChart series={channel.series} markers={channel.markers} />
              </section>

              <MomentsList moments={channel.moments} />
            </>
          )}
        </main>
      </div>
    </div>
  );
}
