// Requests/s and p50/p99 latency per target group and per target over the last minutes, as charts,
// with 5xx responses as red points and target health transitions as dashed vertical lines; network
// groups count connections (or flows) per second and have no response time.
import { useState } from 'react';
import type { GroupMetricsView } from '../../../shared/contract/index.js';
import { ErrorPanel, Loading } from '../../components/screen-state.js';
import { useEngine, useHealthLog, type HealthTransition } from '../../state/index.js';
import { GroupMetrics } from './group-metrics.js';
import { useMetrics } from './use-metrics.js';

const WINDOWS: [number, string][] = [
  [60, 'last minute'],
  [300, 'last 5 minutes'],
  [900, 'last 15 minutes'],
];

export function MetricsScreen() {
  const [windowSeconds, setWindow] = useState(300);
  const { metrics, error, loading } = useMetrics(windowSeconds);
  const health = useHealthLog();
  const { state } = useEngine();
  const protocols = new Map(state?.targetGroups.map((g) => [g.name, g.protocol]));
  return (
    <div data-testid="metrics">
      <div className="row toolbar">
        <select aria-label="time window" value={windowSeconds} onChange={(e) => setWindow(Number(e.target.value))}>
          {WINDOWS.map(([s, words]) => (
            <option key={s} value={s}>
              {words}
            </option>
          ))}
        </select>
        <span className="muted">per second · updated every 2 s</span>
      </div>
      {error && !metrics ? <ErrorPanel title="Metrics could not be loaded" message={error} /> : null}
      {error && metrics ? <div className="warn-box">Showing the last figures; the latest update failed: {error}</div> : null}
      {loading && !metrics ? <Loading what="metrics" /> : null}
      {metrics ? <MetricsView metrics={metrics} health={health} protocols={protocols} /> : null}
    </div>
  );
}

/** `protocols`: each target group's protocol, so network groups are shown as connections and flows. */
export function MetricsView({ metrics, health, protocols = new Map() }: { metrics: GroupMetricsView[]; health: readonly HealthTransition[]; protocols?: ReadonlyMap<string, string> }) {
  const groups = metrics.filter((m) => !m.target).sort((a, b) => a.targetGroup.localeCompare(b.targetGroup));
  if (groups.length === 0) {
    return (
      <div className="empty" data-testid="metrics-empty">
        <p>
          <strong>No requests or connections reached a target group in this window.</strong>
        </p>
        <p>Send some traffic through a listener — the charts fill within two seconds:</p>
        <pre>{'for i in $(seq 100); do curl -s -o /dev/null http://localhost:8080/; done'}</pre>
      </div>
    );
  }
  return (
    <>
      {groups.map((g) => (
        <GroupMetrics
          key={g.targetGroup}
          group={g}
          protocol={protocols.get(g.targetGroup)}
          targets={metrics.filter((m) => m.target && m.targetGroup === g.targetGroup)}
          health={health.filter((h) => h.targetGroup === g.targetGroup)}
        />
      ))}
    </>
  );
}
