import { useEffect, useState, type FormEvent } from 'react';
import { clearToken, loadToken, saveToken, UNAUTHORIZED_EVENT } from '../api/token';

/** Whether the server has refused a request for want of a (valid) token. */
export function useUnauthorized(): boolean {
  const [refused, setRefused] = useState(false);
  useEffect(() => {
    const onRefused = () => setRefused(true);
    window.addEventListener(UNAUTHORIZED_EVENT, onRefused);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onRefused);
  }, []);
  return refused;
}

/**
 * Asks for the API token of a server started with `--api-token`. Saving reloads the page,
 * so that every request and the live socket start again with it.
 */
export function TokenPrompt({ reload = () => window.location.reload() }: { reload?: () => void }) {
  const [value, setValue] = useState('');
  const hadToken = loadToken() !== null;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (value.trim() === '') return;
    saveToken(value);
    reload();
  }

  return (
    <div
      className="token-prompt"
      role="dialog"
      aria-labelledby="token-title"
      data-testid="token-prompt"
    >
      <form className="token-prompt__card" onSubmit={submit}>
        <h2 id="token-title">API token required</h2>
        <p className="muted">
          {hadToken
            ? 'The server refused the saved token. Enter the current one.'
            : 'This Telemetra server was started with an API token. Enter it to see the dashboard.'}
        </p>
        <input
          type="password"
          autoComplete="current-password"
          aria-label="API token"
          data-testid="token-input"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          autoFocus
        />
        <div className="token-prompt__actions">
          <button type="submit" data-testid="token-save" disabled={value.trim() === ''}>
            Use token
          </button>
          {hadToken && (
            <button
              type="button"
              onClick={() => {
                clearToken();
                reload();
              }}
            >
              Forget saved token
            </button>
          )}
        </div>
        <p className="muted token-prompt__note">Kept for this browser tab only.</p>
      </form>
    </div>
  );
}
