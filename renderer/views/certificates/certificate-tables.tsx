// The tables of the Certificates screen: trust per store with its reason, what the last trust or
// untrust did in each store, the certificates served, and the variables for runtimes that ignore
// the OS store.
import type { CaView, CertificatesResult, TrustCaResult, TrustStoreView } from '../../../shared/contract/index.js';
import { CopyButton } from '../../components/copy-button.js';

const STATE: Record<TrustStoreView['state'], [string, string]> = {
  trusted: ['trusted', 'ok'],
  'not-trusted': ['not trusted', 'muted'],
  'other-root': ['older root', 'bad'],
  unavailable: ['unavailable', 'warn'],
};

const OUTCOME: Record<TrustCaResult['results'][number]['outcome'], [string, string]> = {
  done: ['done', 'ok'],
  skipped: ['skipped', 'muted'],
  failed: ['failed', 'bad'],
};

export function TrustTable({ ca, stores }: { ca: CaView; stores: TrustStoreView[] }) {
  return (
    <div className="panel" data-testid="trust-stores">
      <h2 className="flush">Trust stores</h2>
      {stores.length === 0 ? (
        <p className="muted" data-testid="trust-none">
          No trust store Berth knows was found on this machine (Linux: update-ca-certificates or update-ca-trust; browsers: an NSS database in a Chromium or Firefox profile).
        </p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>store</th>
              <th>status</th>
              <th>why</th>
            </tr>
          </thead>
          <tbody>
            {stores.map((s) => (
              <tr key={s.store} data-testid={`store-${s.store}`}>
                <td>{s.label}</td>
                <td className="nowrap">
                  <span className={`pill ${STATE[s.state][1]}`}>{ca.state === 'absent' && s.state === 'not-trusted' ? 'no CA yet' : STATE[s.state][0]}</span>
                </td>
                <td className="mono small-text">{s.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {stores.some((s) => s.state === 'other-root') ? <div className="warn-box">A store trusts an older Berth root: Untrust, then Trust, replaces it with the current one.</div> : null}
    </div>
  );
}

export function TrustResults({ action, result, error }: { action: 'trust' | 'untrust'; result?: TrustCaResult | undefined; error?: string | undefined }) {
  const title = action === 'trust' ? 'Trust' : 'Untrust';
  if (error) return <ErrorBox title={`${title} failed`} message={error} />;
  if (!result) return null;
  const failed = result.results.filter((r) => r.outcome === 'failed').length;
  return (
    <div className="panel" data-testid="trust-results" role="status">
      <h2 className="flush">
        {title}: {result.results.length === 0 ? 'no store found, nothing changed' : failed ? `${failed} of ${result.results.length} stores failed` : 'done'}
      </h2>
      {result.results.length ? (
        <table className="grid">
          <tbody>
            {result.results.map((r) => (
              <tr key={r.store}>
                <td>{r.label}</td>
                <td className="nowrap">
                  <span className={`pill ${OUTCOME[r.outcome][1]}`}>{OUTCOME[r.outcome][0]}</span>
                </td>
                <td className="mono small-text">{r.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

function ErrorBox({ title, message }: { title: string; message: string }) {
  return (
    <div className="error-box" role="alert" data-testid="trust-error">
      <strong>{title}</strong>
      <div>{message}</div>
    </div>
  );
}

export function CertificateTable({ certificates, stats }: Pick<CertificatesResult, 'certificates' | 'stats'>) {
  return (
    <div className="panel" data-testid="served-certificates">
      <div className="row">
        <h2 className="flush grow">Certificates served</h2>
        <span className="muted small-text">
          {stats.minted} minted since start · {stats.loadedFromDisk} from the disk cache · {stats.renewed} renewed
        </span>
      </div>
      {certificates.length === 0 ? (
        <p className="muted" data-testid="certificates-none">
          None yet: Berth mints a certificate the first time a client asks an HTTPS or TLS listener for a host name, and keeps it on disk for the next start.
        </p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>names</th>
              <th>source</th>
              <th>serial</th>
              <th>expires</th>
            </tr>
          </thead>
          <tbody>
            {certificates.map((c) => (
              <tr key={`${c.source} ${c.serial}`} data-testid="served-certificate">
                <td className="mono">
                  {c.names.join(', ')}
                  {c.certFile ? <div className="muted small-text">{c.certFile}</div> : null}
                </td>
                <td>{c.source === 'minted' ? <span className="pill ok">minted</span> : <span className="pill info">your file</span>}</td>
                <td className="mono small-text ellipsis serial" title={c.serial}>
                  {c.serial}
                </td>
                <td className="nowrap">
                  {c.notAfter.slice(0, 10)} <Expiry notAfter={c.notAfter} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Expiry({ notAfter }: { notAfter: string }) {
  const days = Math.floor((new Date(notAfter).getTime() - Date.now()) / 86_400_000);
  if (days < 0) return <span className="pill bad">expired</span>;
  return <span className={days < 30 ? 'pill warn' : 'muted small-text'}>{days} days</span>;
}

export function RuntimeVariables({ runtimes }: Pick<CertificatesResult, 'runtimes'>) {
  if (runtimes.length === 0) return null;
  const lines = runtimes.map((r) => `export ${r.variable}=${/^[\w./@:-]+$/.test(r.value) ? r.value : `'${r.value.replace(/'/g, `'\\''`)}'`}`).join('\n');
  return (
    <details className="panel" data-testid="runtime-variables">
      <summary>
        <strong>Runtimes that ignore the OS store</strong> <span className="muted">— Node.js, Python, curl builds with their own bundle</span>
      </summary>
      <table className="grid">
        <tbody>
          {runtimes.map((r) => (
            <tr key={r.variable}>
              <td className="mono nowrap">{r.variable}</td>
              <td>
                {r.readers}
                {r.note ? <div className="muted small-text">{r.note}</div> : null}
              </td>
              <td className="nowrap">{r.current === 'has-root' ? <span className="pill ok">set, has the root</span> : r.current === 'lacks-root' ? <span className="pill bad">set, without the root</span> : <span className="pill muted">unset</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <strong className="grow small-text muted">For your shell profile</strong>
        <CopyButton text={lines} label="copy the export lines" />
      </div>
      <pre className="code">{lines}</pre>
    </details>
  );
}
