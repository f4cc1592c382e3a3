// Certificates: which HTTPS and TLS listeners use Berth's local CA (`auto`) or files, and the host
// names `auto` mints for. CA status, trust per store and the minted certificates are not in the
// control contract yet, so this screen says so and shows the commands that do it.
import type { EngineState } from '../../../shared/model/index.js';
import { CopyButton } from '../../components/copy-button.js';
import { WithEngineState } from '../../components/screen-state.js';

export function CertificatesScreen() {
  return <WithEngineState>{(state) => <CertificatesView state={state} />}</WithEngineState>;
}

const COMMANDS: [string, string][] = [
  ['berth ca show', 'subject, fingerprints, validity and name constraints of the root'],
  ['berth ca doctor', 'trust status per store (OS, NSS/browsers) and the variables for Node, Python, curl…'],
  ['berth ca trust', 'install the root into the OS store and the browsers’ databases'],
  ['berth ca export -o berth-ca.pem', 'write the root certificate (PEM) to a file'],
  ['berth ca untrust', 'remove the root from every store that has it'],
];

export function CertificatesView({ state }: { state: EngineState }) {
  const secure = state.config.loadBalancers.flatMap((lb) => lb.listeners.filter((l) => l.protocol === 'HTTPS' || l.protocol === 'TLS').map((l) => ({ lb, l })));
  return (
    <div data-testid="certificates">
      <div className="panel">
        <h2 className="flush">Local certificate authority</h2>
        <p className="muted">
          CA status, trust per store and the list of minted certificates are not offered by Berth’s control API yet, so they cannot be shown or changed from here. Run these in a terminal:
        </p>
        <table className="grid">
          <tbody>
            {COMMANDS.map(([cmd, what]) => (
              <tr key={cmd}>
                <td className="mono nowrap">
                  {cmd} <CopyButton text={cmd} label={`copy ${cmd}`} />
                </td>
                <td className="muted">{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {secure.length === 0 ? (
        <div className="empty" data-testid="certificates-empty">
          <p>
            <strong>No HTTPS or TLS listener.</strong> Add one and Berth mints a certificate per host name from its local CA:
          </p>
          <pre>{'listeners:\n  - port: 8443\n    protocol: HTTPS\n    certificates: auto\n    defaultAction: { forward: app }'}</pre>
        </div>
      ) : (
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
                const names = [...new Set([...l.rules.flatMap((r) => r.conditions.hostHeader ?? r.conditions.sni ?? []), ...(l.hostnames ?? [])])];
                return (
                  <tr key={`${lb.name} ${l.port}`}>
                    <td className="mono">
                      {lb.name} {l.port}/{l.protocol}
                      {live?.error ? <div className="error-box">{live.error}</div> : null}
                    </td>
                    <td>{l.certificates === 'auto' ? <span className="pill ok">auto (local CA)</span> : l.certificates ? l.certificates.map((c) => <div key={c.certFile} className="mono small-text">{c.certFile}</div>) : <span className="pill muted">none (pass-through)</span>}</td>
                    <td className="mono small-text">{names.length ? names.join(', ') : l.certificates === 'auto' ? 'localhost and the address asked for' : '—'}</td>
                    <td className="mono small-text">{l.sslPolicy ?? 'default'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
