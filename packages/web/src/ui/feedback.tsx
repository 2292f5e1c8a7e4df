// How the pages say that something is loading, failed, or is empty.
import { ApiError } from '../api/client.ts';

export function Loading({ what }: { what?: string }) {
  return (
    <div className="loading" role="status">
      Loading{what ? ` ${what}` : ''}…
    </div>
  );
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const api = error instanceof ApiError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error-box" role="alert">
      {api ? <code className="error-code">{api.code}</code> : null}
      <span>{message}</span>
      {api?.field ? <span className="error-field"> (field: {api.field})</span> : null}
      {onRetry ? (
        <button type="button" className="link" onClick={onRetry}>
          retry
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <div className="empty">{children}</div>;
}
