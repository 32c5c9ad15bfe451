import type { MetricsWindow, RoomSettings } from '../api/types';
import { formatCount } from '../lib/format';
import { activeRoomModes, moderationTotals } from '../lib/moderation';

/** Moderator actions over the range, and the chat room's current modes. */
export function ModerationPanel({
  windows,
  room,
}: {
  windows: readonly MetricsWindow[];
  room: RoomSettings | undefined;
}) {
  const totals = moderationTotals(windows);
  const modes = activeRoomModes(room);
  const rows: Array<[string, number, string]> = [
    ['Timeouts', totals.timeouts, 'timeouts'],
    ['Bans', totals.bans, 'bans'],
    ['Messages deleted', totals.deletions, 'deletions'],
    ['Chat clears', totals.clears, 'clears'],
  ];
  return (
    <section className="panel" aria-label="Moderation" data-testid="moderation">
      <h2 className="panel-title">Moderation</h2>
      <dl className="moderation">
        {rows.map(([label, value, key]) => (
          <div key={key} className="moderation__item">
            <dt className="muted">{label}</dt>
            <dd data-testid={`moderation-${key}`} data-value={value}>
              {formatCount(value)}
            </dd>
          </div>
        ))}
      </dl>
      <p className="moderation__modes" data-testid="room-modes">
        <span className="muted">Chat modes: </span>
        {modes.length > 0 ? modes.join(' · ') : 'none reported'}
      </p>
    </section>
  );
}
