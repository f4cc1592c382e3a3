// The CA card: the root's identity (or that there is none yet, or what is wrong with it) and the
// Trust / Untrust / Export buttons; trusting asks first, naming the stores it will change.
import { useState } from 'react';
import type { CaView, TrustStoreView } from '../../../shared/contract/index.js';
import { CopyButton } from '../../components/copy-button.js';
import { saveFile } from '../../components/save-file.js';

export interface CaActions {
  trust(): Promise<void>;
  untrust(): Promise<void>;
  /** The root PEM (the CA is created if there is none). */
  exportPem(): Promise<string>;
}

const day = (iso: string) => iso.slice(0, 10);
const daysLeft = (iso: string) => Math.floor((new Date(iso).getTime() - Date.now()) / 86_400_000);

export function CaCard({ ca, stores, actions }: { ca: CaView; stores: TrustStoreView[]; actions: CaActions }) {
  const [busy, setBusy] = useState<'trust' | 'untrust' | 'export' | 'copy'>();
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState<{ error?: string; text?: string }>();
  const run = async (what: 'trust' | 'untrust' | 'export' | 'copy', body: () => Promise<void>) => {
    setBusy(what);
    setNote(undefined);
    try {
      await body();
    } catch (err) {
      setNote({ error: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(undefined);
    }
  };
  const trusted = stores.some((s) => s.state === 'trusted' || s.state === 'other-root');
  return (
    <div className="panel" data-testid="ca-card">
      <div className="row">
        <h2 className="flush grow">Local certificate authority</h2>
        <CaPill ca={ca} stores={stores} />
      </div>
      {ca.state === 'absent' ? (
        <div className="empty compact" data-testid="ca-absent">
          <p>
            <strong>No CA yet</strong> — created when an HTTPS or TLS listener first needs it (or when you trust or export it here).
          </p>
          <p className="mono small-text">{ca.certFile}</p>
        </div>
      ) : null}
      {ca.state === 'error' ? (
        <div className="error-box" data-testid="ca-error">
          <strong>The CA cannot be used</strong>
          <div>{ca.message}</div>
        </div>
      ) : null}
      {ca.state === 'ok' ? (
        <dl className="facts ca-facts" data-testid="ca-facts">
          <div className="fact">
            <dt className="muted">subject</dt>
            <dd>{ca.subject}</dd>
          </div>
          <div className="fact">
            <dt className="muted">SHA-256</dt>
            <dd className="mono">
              {ca.fingerprint.match(/.{1,2}/g)!.join(':')} <CopyButton text={ca.fingerprint} label="copy the SHA-256 fingerprint" />
            </dd>
          </div>
          <div className="fact">
            <dt className="muted">valid</dt>
            <dd>
              {day(ca.notBefore)} to {day(ca.notAfter)} <span className="muted">({daysLeft(ca.notAfter)} days left)</span>
            </dd>
          </div>
          <div className="fact">
            <dt className="muted">name constraints</dt>
            <dd>
              {ca.nameConstraints ? (
                <span className="row tight">
                  <span className="muted">only</span>
                  {ca.nameConstraints.map((n) => (
                    <span key={n} className="pill muted mono">
                      {n}
                    </span>
                  ))}
                </span>
              ) : (
                <span className="pill warn">none: this root can vouch for any name</span>
              )}
            </dd>
          </div>
          <div className="fact">
            <dt className="muted">certificate</dt>
            <dd className="mono">{ca.certFile}</dd>
          </div>
          <div className="fact">
            <dt className="muted">key</dt>
            <dd className="mono">
              {ca.keyFile} <span className="muted small-text">(never leaves this machine)</span>
            </dd>
          </div>
        </dl>
      ) : null}
      <div className="row actions">
        <button type="button" className="primary" disabled={busy !== undefined || confirming || ca.state === 'error'} onClick={() => setConfirming(true)}>
          Trust…
        </button>
        <button type="button" disabled={busy !== undefined || !trusted} onClick={() => void run('untrust', actions.untrust)} title={trusted ? 'remove the root from every store that has it' : 'no store trusts a Berth root'}>
          {busy === 'untrust' ? 'Untrusting…' : 'Untrust'}
        </button>
        <button
          type="button"
          disabled={busy !== undefined || ca.state === 'error'}
          onClick={() => void run('export', async () => saveFile('berth-root-ca.pem', await actions.exportPem(), 'application/x-pem-file'))}
        >
          {busy === 'export' ? 'Exporting…' : 'Export PEM…'}
        </button>
        <button
          type="button"
          disabled={busy !== undefined || ca.state === 'error'}
          onClick={() =>
            void run('copy', async () => {
              const pem = await actions.exportPem();
              if (!navigator.clipboard) throw new Error('this window cannot write to the clipboard: use Export PEM instead');
              await navigator.clipboard.writeText(pem);
              setNote({ text: 'Root certificate (PEM) copied.' });
            })
          }
        >
          Copy PEM
        </button>
        {busy === 'trust' ? <span className="muted">Installing the root… (each store in turn; the system store may take a minute)</span> : null}
        {note?.text ? <span className="muted">{note.text}</span> : null}
      </div>
      {note?.error ? <div className="error-box" role="alert">{note.error}</div> : null}
      {confirming ? (
        <div className="warn-box" data-testid="trust-confirm" role="dialog" aria-label="trust the root">
          <p className="flush">
            <strong>Trust Berth’s root on this machine?</strong> Browsers and tools then accept every certificate Berth mints{ca.state === 'ok' && ca.nameConstraints ? ` (only for ${ca.nameConstraints.join(', ')})` : ''}.
            {ca.state === 'absent' ? ' Berth creates its CA first.' : ''}
          </p>
          {stores.length ? (
            <ul className="compact">
              {stores.map((s) => (
                <li key={s.store}>{s.label}</li>
              ))}
            </ul>
          ) : (
            <p>No trust store Berth knows was found here; nothing would change.</p>
          )}
          <p className="muted small-text">The Linux system store needs Berth to run as root; a store that cannot be changed reports why, and the others are still done.</p>
          <div className="row">
            <button
              type="button"
              className="primary"
              onClick={() => {
                setConfirming(false);
                void run('trust', actions.trust);
              }}
            >
              Trust the root
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}

function CaPill({ ca, stores }: { ca: CaView; stores: TrustStoreView[] }) {
  if (ca.state === 'absent') return <span className="pill muted">no CA yet</span>;
  if (ca.state === 'error') return <span className="pill bad">CA problem</span>;
  if (stores.some((s) => s.state === 'other-root')) return <span className="pill bad">a store trusts an older root</span>;
  const trusted = stores.filter((s) => s.state === 'trusted').length;
  if (trusted === 0) return <span className="pill warn">trusted nowhere yet</span>;
  return <span className="pill ok">trusted in {trusted === stores.length ? 'every store' : `${trusted} of ${stores.length} stores`}</span>;
}
