import { describeError } from '../api/client';

export interface SourcedError {
  /** What was being loaded, e.g. "Channels". */
  source: string;
  error: unknown;
}

/**
 * The one place API errors reach the screen. Hooks keep their last error; the app passes the
 * ones that are set, and this lists them with the server's own message.
 */
export function ErrorBanner({ errors }: { errors: readonly SourcedError[] }) {
  const shown = errors.filter((e) => e.error !== null && e.error !== undefined);
  if (shown.length === 0) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      {shown.map(({ source, error }) => (
        <p key={source}>
          <strong>{source}:</strong> {describeError(error)}
        </p>
      ))}
    </div>
  );
}
