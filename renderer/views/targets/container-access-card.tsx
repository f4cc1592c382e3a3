// "Reach Berth from containers": the one step that lets a container call the listeners by name over
// HTTPS it trusts (docker run arguments, a compose override), and where Berth listens for containers.
import type { ContainerAccessView } from '../../../shared/model/index.js';
import { CopyButton } from '../../components/copy-button.js';

export function ContainerAccessCard({ access }: { access: ContainerAccessView }) {
  const dockerLine = `docker run ${access.dockerArgs} IMAGE`;
  const composeLine = 'berth containers env --format compose -o compose.berth.yaml\ndocker compose -f compose.yaml -f compose.berth.yaml up -d';
  return (
    <section className="panel access" data-testid="container-access" aria-labelledby="container-access-title">
      <h3 id="container-access-title">Reach Berth from containers</h3>
      {access.platform === 'off' ? (
        <p className="muted">No load balancer lets containers in (<code>containerAccess: false</code>).</p>
      ) : access.platform === 'desktop' ? (
        <p>Docker Desktop: containers reach Berth through <code>host-gateway</code>; the arguments below add one host entry per name.</p>
      ) : (
        <p>
          Containers call <code>https://NAME:PORT/</code> through Berth with the same names as on this machine.{' '}
          {access.dns.addresses.length ? (
            <>
              Berth answers those names on <code>{access.dns.addresses.join(', ')}</code> and listens there for{' '}
              {access.gateways.map((g) => g.subnets.join(', ')).join(', ') || 'the Docker networks'}.
            </>
          ) : null}
        </p>
      )}
      {access.dns.error ? (
        <div className="warn-box" data-testid="container-dns-problem">
          {access.dns.error}
          {access.dns.hint ? <p>{access.dns.hint}</p> : <p>Containers get host entries for the names known now; a name added later needs the container recreated.</p>}
        </div>
      ) : null}
      {access.problems.map((p) => (
        <div key={p} className="warn-box">
          {p}
        </div>
      ))}
      <div className="row">
        <strong>One container</strong>
        <CopyButton text={dockerLine} label="copy the docker run arguments" />
      </div>
      <pre className="code" data-testid="container-docker-args">{dockerLine}</pre>
      <div className="row">
        <strong>A compose project</strong>
        <CopyButton text={composeLine} label="copy the compose commands" />
      </div>
      <pre className="code">{composeLine}</pre>
      <p className="muted small-text">
        The CA files are mounted read-only at <code>/etc/berth</code>: <code>NODE_EXTRA_CA_CERTS</code> adds Berth&apos;s root to Node&apos;s;{' '}
        <code>SSL_CERT_FILE</code>, <code>REQUESTS_CA_BUNDLE</code> and <code>CURL_CA_BUNDLE</code> point at the public roots plus Berth&apos;s.
      </p>
    </section>
  );
}
