// The target groups a listener reaches and their targets: container, image, host port, health with
// AWS's reason, draining — or why there is nothing to send requests to.
import { isUnhealthy, type EngineState, type TargetState } from '../../../shared/model/index.js';
import { HealthPill } from '../../components/health-pill.js';

type Group = EngineState['targetGroups'][number];

export function GroupList({ names, groups, network = false }: { names: string[]; groups: Map<string, Group>; network?: boolean }) {
  if (names.length === 0) return null;
  return (
    <div className="groups">
      {names.map((name) => {
        const g = groups.get(name);
        const healthy = g?.targets.filter((t) => t.health === 'healthy').length ?? 0;
        const unchecked = g !== undefined && g.targets.length > 0 && g.targets.every((t) => t.reason === 'Target.HealthCheckDisabled');
        const traffic = network ? 'connections' : 'requests';
        return (
          <div key={name} className="group" data-testid={`group-${name}`}>
            <div className="row">
              <span className="muted">→</span>
              <strong>{name}</strong>
              <span className="muted">{g ? `${g.protocol} · ${unchecked ? `${g.targets.length} ${g.targets.length === 1 ? 'target' : 'targets'}, health checks off` : `${healthy}/${g.targets.length} healthy`}` : 'unknown target group'}</span>
            </div>
            {g && g.targets.length === 0 ? <div className="muted indent">no targets registered: {nothingToReach(g.protocol)} until a matching container starts</div> : null}
            {g && g.targets.length > 0 && healthy === 0 && g.targets.some((t) => isUnhealthy(t.health)) ? (
              <div className="warn-box indent">No healthy target: Berth fails open and sends {traffic} to all of them, as AWS does.</div>
            ) : null}
            {g?.targets.map((t) => <TargetLine key={t.id} target={t} />)}
          </div>
        );
      })}
    </div>
  );
}

function nothingToReach(protocol: string): string {
  if (protocol === 'UDP') return 'datagrams are dropped';
  if (protocol === 'TCP_UDP') return 'connections are reset and datagrams dropped';
  if (protocol === 'TCP' || protocol === 'TLS') return 'connections are reset';
  return 'requests get 503';
}

function TargetLine({ target: t }: { target: TargetState }) {
  const drainingFor = t.drainingUntil ? Math.max(0, Math.round((t.drainingUntil - Date.now()) / 1000)) : undefined;
  return (
    <div className="row indent target" data-testid={`target-${t.id}`}>
      <HealthPill health={t.health} reason={t.reason} description={t.description} />
      {t.stale ? (
        <span className="pill muted" title="Docker is unreachable: this target is from the last container list Berth saw and may be gone">
          stale
        </span>
      ) : null}
      <strong>{t.containerName ?? t.host}</strong>
      <span className="mono">
        {t.host}:{t.port}
        {t.udpPort !== undefined && t.udpPort !== t.port ? ` · udp ${t.udpPort}` : ''}
      </span>
      {t.image ? <span className="muted mono">{t.image}</span> : <span className="muted">{t.source}</span>}
      {t.reason ? <span className="muted">{t.description ? `${t.reason}: ${t.description}` : t.reason}</span> : null}
      {drainingFor !== undefined ? <span className="pill warn">draining {drainingFor}s</span> : null}
      {t.paused ? <span className="pill warn">container paused</span> : null}
      {t.inFlight ? <span className="muted">{t.inFlight} in flight</span> : null}
    </div>
  );
}
