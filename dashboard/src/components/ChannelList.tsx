import type { StreamSummary } from '../api/types';
import { formatCount, formatRate } from '../lib/format';
import { ChatIcon, EyeIcon } from './icons';

export interface ChannelListProps {
  streams: readonly StreamSummary[];
  selectedId: string | null;
  onSelect: (streamId: string) => void;
  loading?: boolean;
  /** Total channels on the server, when more exist than are listed. */
  total?: number;
}

/** Channels with live status, viewers and chat rate; a column on laptops, a strip on phones. */
export function ChannelList({ streams, selectedId, onSelect, loading, total }: ChannelListProps) {
  return (
    <nav className="channels" aria-label="Channels">
      <h2 className="panel-title">
        Channels
        {total !== undefined && total > streams.length && (
          <span className="muted">
            {' '}
            · {streams.length} of {total}
          </span>
        )}
      </h2>
      {loading && streams.length === 0 && <p className="muted">Loading channels…</p>}
      {!loading && streams.length === 0 && <p className="muted">No channels yet.</p>}
      <ul className="channel-list" data-testid="channel-list">
        {streams.map((stream) => {
          const selected = stream.stream_id === selectedId;
          return (
            <li key={stream.stream_id}>
              <button
                type="button"
                className={`channel-item${selected ? ' is-selected' : ''}`}
                data-testid="channel-item"
                data-channel={stream.stream_id}
                data-live={stream.is_live}
                aria-current={selected ? 'true' : undefined}
                onClick={() => onSelect(stream.stream_id)}
              >
                <span className="channel-item__head">
                  <span
                    className={`live-dot${stream.is_live ? ' is-live' : ''}`}
                    title={stream.is_live ? 'Live' : 'Offline'}
                    aria-label={stream.is_live ? 'Live' : 'Offline'}
                  />
                  <span className="channel-item__name">{stream.stream_id}</span>
                </span>
                {(stream.title ?? stream.category) && (
                  <span className="channel-item__title" title={stream.title ?? undefined}>
                    {stream.title ?? stream.category}
                  </span>
                )}
                <span className="channel-item__stats">
                  <span data-field="viewers" title="Viewers">
                    <EyeIcon /> {formatCount(stream.viewer_count)}
                  </span>
                  <span data-field="chat-rate" title="Chat messages per minute">
                    <ChatIcon /> {formatRate(stream.chat_rate)}/min
                  </span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
