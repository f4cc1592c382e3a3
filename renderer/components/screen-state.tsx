// The loading and error states every screen shares, and the gate that shows them until the first
// engine snapshot has arrived (afterwards a failed refresh keeps the last state on screen).
import type { ReactNode } from 'react';
import type { EngineState } from '../../shared/model/index.js';
import { useEngine } from '../state/index.js';

export function Loading({ what }: { what: string }) {
  return (
    <div className="empty" role="status" data-testid="loading">
      Loading {what}…
    </div>
  );
}

export function ErrorPanel({ title, message }: { title: string; message: string }) {
  return (
    <div className="error-box" role="alert" data-testid="error">
      <strong>{title}</strong>
      <div>{message}</div>
    </div>
  );
}

export function WithEngineState({ children }: { children: (state: EngineState) => ReactNode }) {
  const { state, error, loading } = useEngine();
  if (!state && loading) return <Loading what="Berth's state" />;
  if (!state) return <ErrorPanel title="Berth did not answer" message={`${error ?? 'no state'} — is \`berth up\` still running? The page retries when Berth announces a change; reload to try now.`} />;
  return (
    <>
      {error ? <div className="warn-box">Showing the last known state; the latest refresh failed: {error}</div> : null}
      {children(state)}
    </>
  );
}
