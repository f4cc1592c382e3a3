// Certificates: Berth's local CA (or that there is none yet), where it is trusted as `berth ca doctor`
// sees it, the certificates the store serves, and Trust / Untrust / Export through the contract;
// below, which HTTPS and TLS listeners take their certificates from the CA or from files.
import { useCallback, useEffect, useState } from 'react';
import type { CertificatesResult, TrustCaResult } from '../../../shared/contract/index.js';
import type { EngineState } from '../../../shared/model/index.js';
import { ErrorPanel, Loading } from '../../components/screen-state.js';
import { useClient, useEngine } from '../../state/index.js';
import { CaCard, type CaActions } from './ca-card.js';
import { CertificateTable, RuntimeVariables, TrustResults, TrustTable } from './certificate-tables.js';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function CertificatesScreen() {
  const client = useClient();
  const { state } = useEngine();
  const [loaded, setLoaded] = useState<{ result?: CertificatesResult; error?: string; loading: boolean }>({ loading: true });
  const [last, setLast] = useState<{ action: 'trust' | 'untrust'; result?: TrustCaResult; error?: string }>();
  const version = state?.version;
  const load = useCallback(() => {
    setLoaded((l) => ({ ...l, loading: true }));
    return client.call('getCertificates', {}).then(
      (result) => setLoaded({ result, loading: false }),
      (err: unknown) => setLoaded((l) => ({ ...l, loading: false, error: message(err) })),
    );
  }, [client]);
  // Again whenever the engine's state changes: a listener that starts may create the CA or mint.
  useEffect(() => {
    void load();
  }, [load, version]);

  const actions: CaActions = {
    trust: async () => {
      setLast(undefined);
      try {
        setLast({ action: 'trust', result: await client.call('trustCa', {}) });
      } catch (err) {
        setLast({ action: 'trust', error: message(err) });
      }
      await load();
    },
    untrust: async () => {
      setLast(undefined);
      try {
        setLast({ action: 'untrust', result: await client.call('untrustCa', {}) });
      } catch (err) {
        setLast({ action: 'untrust', error: message(err) });
      }
      await load();
    },
    exportPem: async () => {
      const out = await client.call('exportCa', {});
      // Exporting creates the CA when there was none: show it.
      if (out.created) await load();
      return out.certPem;
    },
  };

  const { result, error, loading } = loaded;
  return (
    <div data-testid="certificates">
      {loading && !result ? <Loading what="the certificates" /> : null}
      {error && !result ? <ErrorPanel title="Berth did not report its certificates" message={`${error} — is \`berth up\` still running?`} /> : null}
      {error && result ? <div className="warn-box">Showing the last known certificates; the latest refresh failed: {error}</div> : null}
      {result ? (
        <>
          <CaCard ca={result.ca} stores={result.stores} actions={actions} />
          {last ? <TrustResults action={last.action} result={last.result} error={last.error} /> : null}
          <TrustTable ca={result.ca} stores={result.stores} />
          <CertificateTable certificates={result.certificates} stats={result.stats} />
          <RuntimeVariables runtimes={result.runtimes} />
        </>
      ) : null}
      {state ? <ListenerCertificates state={state} /> : null}
    </div>
  );
}

export function ListenerCertificates({ state }: { state: EngineState }) {
  const secure = state.config.loadBalancers.flatMap((lb) => lb.listeners.filter((l) => l.protocol === 'HTTPS' || l.protocol === 'TLS').map((l) => ({ lb, l })));
  if (secure.length === 0) {
    return (
      <div className="panel">
        <h2 className="flush">Listeners with certificates</h2>
        <div className="empty compact" data-testid="certificates-empty">
          <p>
            <strong>No HTTPS or TLS listener.</strong> Add one and Berth mints a certificate per host name from its local CA:
          </p>
          <pre>{'listeners:\n  - port: 8443\n    protocol: HTTPS\n    certificates: auto\n    defaultAction: { forward: app }'}</pre>
        </div>
      </div>
    );
  }
  return (
    <div className="panel">
      <h2 className="flush">Listeners with certificates</h2>
      <table className="grid">
        <thead>
          <tr>
            <th>listener</th>
            <th>certificates</th>
            <th>host names</th>
            <th>policy</th>
          </tr>
        </thead>
        <tbody>
          {secure.map(({ lb, l }) => {
            const live = state.loadBalancers.find((x) => x.name === lb.name)?.listeners.find((x) => x.id === `${l.port}/${l.protocol}`);
            const named = [...l.rules.flatMap((r) => r.conditions.hostHeader ?? r.conditions.sni ?? []), ...(l.hostnames ?? [])];
            // What `auto` mints for: localhost, any *.localhost, and the names the listener lists.
            const names = [...new Set(l.certificates === 'auto' ? ['localhost', '*.localhost', ...named] : named)];
            return (
              <tr key={`${lb.name} ${l.port}`}>
                <td className="mono">
                  {lb.name} {l.port}/{l.protocol}
                  {live?.error ? <div className="error-box">{live.error}</div> : null}
                </td>
                <td>{l.certificates === 'auto' ? <span className="pill ok">auto (local CA)</span> : l.certificates ? l.certificates.map((c) => <div key={c.certFile} className="mono small-text">{c.certFile}</div>) : <span className="pill muted">none (pass-through)</span>}</td>
                <td className="mono small-text">{names.length ? names.join(', ') : '—'}</td>
                <td className="mono small-text">{l.sslPolicy ?? 'default'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
