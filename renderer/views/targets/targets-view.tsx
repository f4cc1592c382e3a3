// Every discovered container: its published ports, labels, the groups it serves, the URLs that reach
// it (to click or copy), and the containers with published ports that no rule reaches.
import type { ContainerView, EngineState } from '../../../shared/model/index.js';
import { CopyButton } from '../../components/copy-button.js';
import { WithEngineState } from '../../components/screen-state.js';
import { routeUrls } from './route-urls.js';
import { ContainerAccessCard } from './container-access-card.js';

export function TargetsScreen() {
  return <WithEngineState>{(state) => <TargetsView state={state} />}</WithEngineState>;
}

export function TargetsView({ state }: { state: EngineState }) {
  const d = state.discovery;
  if (!d.connected && state.containers.length === 0) return <NoDocker state={state} />;
  const running = state.containers.filter((c) => c.state === 'running' || c.state === 'paused');
  if (running.length === 0) {
    return (
      <div className="empty" data-testid="targets-empty">
        <p>
          <strong>No containers are running</strong> on {d.endpoint}.
        </p>
        <p>Start one with a published port; it appears here the moment it starts:</p>
        <pre>docker run -d -p 8081 --name web -l dev.berth.host=web.localhost my-image</pre>
      </div>
    );
  }
  const servedBy = new Map<string, string[]>();
  for (const g of state.targetGroups) {
    for (const t of g.targets) if (t.containerId && t.health !== 'unused') servedBy.set(t.containerId, [...new Set([...(servedBy.get(t.containerId) ?? []), g.name])]);
  }
  const urls = routeUrls(state);
  const problems = new Map<string, string[]>();
  for (const p of state.problems) if (p.source === 'labels' && p.where) problems.set(p.where, [...(problems.get(p.where) ?? []), p.message]);
  const unreached = running.filter((c) => c.ports.length > 0 && !servedBy.has(c.id));
  return (
    <div data-testid="targets">
      {d.stale ? <div className="warn-box">Docker connection lost: showing the last known containers while Berth reconnects.</div> : null}
      {unreached.length > 0 ? (
        <div className="warn-box" data-testid="unreached">
          <strong>Not reached by any rule:</strong> {unreached.map((c) => c.name).join(', ')}. Add a target group that selects them (Edit), or label them, e.g. <code>dev.berth.host=NAME.localhost</code>.
        </div>
      ) : null}
      <table className="grid">
        <thead>
          <tr>
            <th>container</th>
            <th>published ports</th>
            <th>target groups</th>
            <th>URLs</th>
          </tr>
        </thead>
        <tbody>
          {running.map((c) => (
            <ContainerRow key={c.id} c={c} groups={servedBy.get(c.id) ?? []} urls={[...new Set((servedBy.get(c.id) ?? []).flatMap((g) => urls.get(g) ?? []))]} problems={problems.get(c.name) ?? []} />
          ))}
        </tbody>
      </table>
      {state.containerAccess ? <ContainerAccessCard access={state.containerAccess} /> : null}
    </div>
  );
}

function ContainerRow({ c, groups, urls, problems }: { c: ContainerView; groups: string[]; urls: string[]; problems: string[] }) {
  const labels = Object.entries(c.labels).filter(([k]) => !k.startsWith('com.docker.compose.config-hash'));
  return (
    <tr data-testid={`container-${c.name}`}>
      <td>
        <strong>{c.name}</strong>
        {c.state === 'paused' ? <span className="pill warn spaced">paused</span> : null}
        <div className="muted mono">{c.image}</div>
        {c.composeProject ? <div className="muted">compose {c.composeProject}/{c.composeService}</div> : null}
        {labels.length ? (
          <details>
            <summary className="muted">{labels.length} labels</summary>
            <div className="mono small-text">
              {labels.map(([k, v]) => (
                <div key={k}>
                  {k}={v}
                </div>
              ))}
            </div>
          </details>
        ) : null}
        {problems.map((p) => (
          <div key={p} className="error-box">
            {p}
          </div>
        ))}
      </td>
      <td className="mono">
        {c.ports.length === 0 ? <span className="muted">none published</span> : null}
        {c.ports.map((p) => (
          <div key={`${p.containerPort}/${p.protocol}/${p.hostIp}`}>
            {p.containerPort}/{p.protocol} → {p.hostIp}:{p.hostPort}
          </div>
        ))}
      </td>
      <td>{groups.length ? groups.join(', ') : c.ports.length ? <span className="pill warn">no rule reaches it</span> : <span className="muted">—</span>}</td>
      <td>
        {urls.map((u) => (
          <div key={u} className="row">
            {/^https?:/.test(u) ? (
              <a href={u} target="_blank" rel="noreferrer" className="mono">
                {u}
              </a>
            ) : (
              // tcp://, tls://, udp:// addresses are for a client, not the browser: copied, not opened.
              <span className="mono">{u}</span>
            )}
            <CopyButton text={u} label={`copy ${u}`} />
          </div>
        ))}
      </td>
    </tr>
  );
}

function NoDocker({ state }: { state: EngineState }) {
  const d = state.discovery;
  return (
    <div className="empty" data-testid="targets-no-docker">
      <p>
        <strong>Docker is not reachable.</strong> Berth looked at <code>{d.endpoint}</code> (from {d.source}).
      </p>
      {d.error ? <p className="mono">{d.error}</p> : null}
      {d.lookedAt?.length ? (
        <>
          <p>Where Berth looked, in order:</p>
          <ul className="mono small-text" data-testid="docker-looked-at">
            {d.lookedAt.map((place) => (
              <li key={place}>{place}</li>
            ))}
          </ul>
        </>
      ) : null}
      <p>Start Docker Desktop or the Docker daemon, or point Berth at your engine and restart it:</p>
      <pre>{'export DOCKER_HOST=unix:///var/run/docker.sock\nberth up            # or: berth up --docker-host unix:///path/to/docker.sock\ndocker context use NAME   # then restart berth up'}</pre>
      <p>Static targets in berth.yaml keep working meanwhile; Berth retries on its own.</p>
    </div>
  );
}
