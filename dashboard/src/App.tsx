import { lazy, Suspense, useState } from 'react';
import { ConnectionStatus } from './components/ConnectionStatus';
import { ErrorBanner } from './components/ErrorBanner';
import { ThemeToggle } from './components/ThemeToggle';
import { TokenPrompt, useUnauthorized } from './components/TokenPrompt';
import { useChannelData } from './hooks/useChannelData';
import type { UseLiveChannelOptions } from './hooks/useLiveChannel';
import { useNow } from './hooks/useNow';
import { useRoute } from './hooks/useRoute';
import { useStreams } from './hooks/useStreams';
import { ThemeProvider } from './hooks/useTheme';
import type { ConnectionState } from './api/live';
import { LIVE } from './lib/range';
import { formatHash, type Route } from './lib/route';
import { ChannelView } from './views/ChannelView';
import { Overview } from './views/Overview';

// The compare view is the least used: its code loads when it is first opened.
const CompareView = lazy(() => import('./views/CompareView'));

export interface AppProps {
  /** Injected for tests; the browser's WebSocket otherwise. */
  liveOptions?: UseLiveChannelOptions;
}

export function App(props: AppProps) {
  return (
    <ThemeProvider>
      <Dashboard {...props} />
    </ThemeProvider>
  );
}

function Dashboard({ liveOptions }: AppProps) {
  const streams = useStreams();
  const unauthorized = useUnauthorized();
  const items = streams.data?.items ?? [];
  const [route, navigate] = useRoute();
  const now = useNow(1000);

  const channelId = route.view === 'channel' ? route.id : null;
  const channelRange = route.view === 'channel' ? route.range : LIVE;
  const summary = items.find((s) => s.stream_id === channelId) ?? null;
  const channel = useChannelData(channelId, channelRange, liveOptions, summary);

  // "Channel" in the menu returns to the last channel looked at (the first one before that).
  const [lastChannel, setLastChannel] = useState<string | null>(null);
  if (channelId !== null && channelId !== lastChannel) setLastChannel(channelId);
  const channelLink = channelId ?? lastChannel ?? items[0]?.stream_id ?? null;

  // In the channel view the status is the live socket's; elsewhere it is the list's polling.
  const polling: ConnectionState = streams.error
    ? 'reconnecting'
    : streams.loading
      ? 'reconnecting'
      : 'connected';
  const status = route.view === 'channel' ? channel.live.status : polling;
  const retry = route.view === 'channel' ? channel.live.retryInMs : null;

  const nav: Array<{ view: Route['view']; label: string; href: string | null }> = [
    { view: 'overview', label: 'Overview', href: '#/' },
    {
      view: 'channel',
      label: 'Channel',
      href: channelLink ? formatHash({ view: 'channel', id: channelLink, range: LIVE }) : null,
    },
    { view: 'compare', label: 'Compare', href: '#/compare' },
  ];

  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/">
          <span className="brand__mark" aria-hidden="true">
            ◆
          </span>
          Telemetra
        </a>
        <nav className="views-nav" aria-label="Views">
          {nav.map((item) =>
            item.href ? (
              <a
                key={item.view}
                href={item.href}
                className="views-nav__link"
                aria-current={route.view === item.view ? 'page' : undefined}
                data-testid={`nav-${item.view}`}
              >
                {item.label}
              </a>
            ) : null,
          )}
        </nav>
        <div className="topbar__end">
          <ConnectionStatus state={status} retryInMs={retry} />
          <ThemeToggle />
        </div>
      </header>

      {unauthorized && <TokenPrompt />}

      <ErrorBanner
        errors={[
          { source: 'Channels', error: streams.error },
          ...(route.view === 'channel' ? channel.errors : []),
        ]}
      />

      {route.view === 'overview' && (
        <Overview streams={items} loading={streams.loading} total={streams.data?.total} now={now} />
      )}

      {route.view === 'channel' && (
        <ChannelView
          id={route.id}
          range={route.range}
          onRangeChange={(range) => navigate({ view: 'channel', id: route.id, range })}
          onSelect={(id) => navigate({ view: 'channel', id, range: route.range })}
          streams={items}
          streamsLoading={streams.loading}
          total={streams.data?.total}
          data={channel}
          now={now}
        />
      )}

      {route.view === 'compare' && (
        <Suspense fallback={<p className="view-loading muted">Loading the compare view…</p>}>
          <CompareView
            streams={items}
            ids={route.ids}
            range={route.range}
            onChange={(ids, range) => navigate({ view: 'compare', ids, range })}
            now={now}
          />
        </Suspense>
      )}
    </div>
  );
}
