import type { ConnectionState } from '../api/live';

const LABELS: Record<ConnectionState, string> = {
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/** State of the live WebSocket, with the wait before the next attempt when it is down. */
export function ConnectionStatus({
  state,
  retryInMs,
}: {
  state: ConnectionState;
  retryInMs?: number | null;
}) {
  const retry =
    state !== 'connected' && retryInMs != null
      ? ` · retrying in ${Math.max(1, Math.round(retryInMs / 1000))} s`
      : '';
  return (
    <span
      className={`connection connection--${state}`}
      data-testid="connection-status"
      data-state={state}
      role="status"
      aria-live="polite"
    >
      <span className="connection__dot" aria-hidden="true" />
      {LABELS[state]}
      {retry && <span className="muted">{retry}</span>}
    </span>
  );
}
