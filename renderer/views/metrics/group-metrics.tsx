// One target group's panel: headline figures, a requests/s chart (a line per target, 5xx as red
// points), a latency chart (p50 and p99) and a per-target table. A network group's records are
// connections or UDP flows, counted as they end: no status, no response time, so only their rate.
import { useMemo } from 'react';
import type { GroupMetricsView } from '../../../shared/contract/index.js';
import { TimeChart, type ChartMarker, type ChartSeries } from '../../components/time-chart.js';
import type { HealthTransition } from '../../state/index.js';

const PALETTE = ['--accent', '--info', '--ok', '--warn', '#d4658c', '#3aa5a0', '#8a7f3d'];

const NETWORK_PROTOCOLS = new Set(['TCP', 'TLS', 'UDP', 'TCP_UDP']);

export interface GroupMetricsProps {
  group: GroupMetricsView;
  targets: GroupMetricsView[];
  health: readonly HealthTransition[];
  /** The group's protocol; TCP, TLS, UDP and TCP_UDP groups are shown as connections or flows. */
  protocol?: string | undefined;
}

export function GroupMetrics({ group, targets, health, protocol }: GroupMetricsProps) {
  const network = protocol !== undefined && NETWORK_PROTOCOLS.has(protocol);
  const noun = protocol === 'UDP' ? 'flows' : protocol === 'TCP_UDP' ? 'connections and flows' : network ? 'connections' : 'requests';
  const perSecond = protocol === 'UDP' ? 'flows/s' : network ? 'connections/s' : 'requests/s';
  const times = useMemo(() => group.series.map((p) => p.at / 1000), [group.series]);
  const rate = useMemo<ChartSeries[]>(() => {
    const lines: ChartSeries[] = targets.length > 1 ? targets.map((t, i) => ({ label: t.target!, color: PALETTE[i % PALETTE.length]!, values: align(times, t) })) : [{ label: perSecond, color: '--accent', values: group.series.map((p) => p.requests) }];
    return network ? lines : [...lines, { label: '5xx/s', color: '--bad', points: true, values: group.series.map((p) => (p.errors5xx > 0 ? p.errors5xx : null)) }];
  }, [group.series, targets, times, network, perSecond]);
  const latency = useMemo<ChartSeries[]>(
    () => [
      { label: 'p50', color: '--accent', values: group.series.map((p) => (p.requests ? p.p50 : null)) },
      { label: 'p99', color: '--warn', values: group.series.map((p) => (p.requests ? p.p99 : null)) },
    ],
    [group.series],
  );
  const markers: ChartMarker[] = health.map((h) => ({ at: h.at / 1000, color: h.to === 'healthy' ? '--ok' : '--bad', label: `${h.target} ${h.from} → ${h.to}` }));
  if (network) return <NetworkGroupMetrics group={group} targets={targets} health={health} noun={noun} perSecond={perSecond} times={times} rate={rate} markers={markers} />;
  return (
    <section className="panel" aria-label={`metrics of ${group.targetGroup}`} data-testid={`metrics-${group.targetGroup}`}>
      <div className="row">
        <h2 className="flush">{group.targetGroup}</h2>
        <Figure label="requests/s" value={group.requestsPerSecond.toFixed(1)} />
        <Figure label="p50" value={`${group.p50.toFixed(1)} ms`} />
        <Figure label="p99" value={`${group.p99.toFixed(1)} ms`} />
        <Figure label="5xx" value={String(group.status5xx)} bad={group.status5xx > 0} />
        <Figure label="errors" value={String(group.errors)} bad={group.errors > 0} />
        <Figure label="in flight" value={String(group.inFlight ?? 0)} />
      </div>
      <div className="charts">
        <TimeChart title="requests per second" times={times} series={rate} markers={markers} unit="" />
        <TimeChart title="latency (ms)" times={times} series={latency} markers={markers} unit="" />
      </div>
      <HealthLine health={health} />
      <table className="grid">
        <thead>
          <tr>
            <th>target</th>
            <th className="num">requests</th>
            <th className="num">req/s</th>
            <th className="num">p50 ms</th>
            <th className="num">p99 ms</th>
            <th className="num">5xx</th>
            <th className="num">in flight</th>
          </tr>
        </thead>
        <tbody>
          {targets.map((t) => (
            <tr key={t.target}>
              <td className="mono">{t.target}</td>
              <td className="num">{t.requests}</td>
              <td className="num">{t.requestsPerSecond.toFixed(1)}</td>
              <td className="num">{t.p50.toFixed(1)}</td>
              <td className="num">{t.p99.toFixed(1)}</td>
              <td className={`num${t.status5xx ? ' status-5' : ''}`}>{t.status5xx}</td>
              <td className="num">{t.inFlight ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

interface NetworkGroupProps {
  group: GroupMetricsView;
  targets: GroupMetricsView[];
  health: readonly HealthTransition[];
  noun: string;
  perSecond: string;
  times: number[];
  rate: ChartSeries[];
  markers: ChartMarker[];
}

/** A connection's lifetime is not a response time and it has no status: rates and counts only. */
function NetworkGroupMetrics({ group, targets, health, noun, perSecond, times, rate, markers }: NetworkGroupProps) {
  return (
    <section className="panel" aria-label={`metrics of ${group.targetGroup}`} data-testid={`metrics-${group.targetGroup}`}>
      <div className="row">
        <h2 className="flush">{group.targetGroup}</h2>
        <Figure label={perSecond} value={group.requestsPerSecond.toFixed(1)} />
        <Figure label={noun} value={String(group.requests)} />
        <Figure label="open now" value={String(group.inFlight ?? 0)} />
        <span className="muted small-text grow">counted as they end; bytes, durations and close reasons are in Traffic (TCP / TLS / UDP)</span>
      </div>
      <HealthLine health={health} />
      {/* The chart as wide as an application group's two, the per-target table beside it. */}
      <div className="charts">
        <TimeChart title={`${noun} per second`} times={times} series={rate} markers={markers} unit="" />
      <table className="grid align-start">
        <thead>
          <tr>
            <th>target</th>
            <th className="num">{noun}</th>
            <th className="num">{perSecond}</th>
            <th className="num">open now</th>
          </tr>
        </thead>
        <tbody>
          {targets.map((t) => (
            <tr key={t.target}>
              <td className="mono">{t.target}</td>
              <td className="num">{t.requests}</td>
              <td className="num">{t.requestsPerSecond.toFixed(1)}</td>
              <td className="num">{t.inFlight ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </section>
  );
}

function HealthLine({ health }: { health: readonly HealthTransition[] }) {
  if (!health.length) return null;
  return <div className="muted small-text">Health: {health.slice(-5).map((h) => `${new Date(h.at).toLocaleTimeString()} ${h.target} ${h.from} → ${h.to}${h.reason ? ` (${h.reason})` : ''}`).join(' · ')}</div>;
}

function Figure({ label, value, bad }: { label: string; value: string; bad?: boolean }) {
  return (
    <div className="figure">
      <div className={`figure-value${bad ? ' status-5' : ''}`}>{value}</div>
      <div className="muted small-text">{label}</div>
    </div>
  );
}

/** A target's requests/s on the group's time axis. */
function align(times: number[], t: GroupMetricsView): number[] {
  const by = new Map(t.series.map((p) => [p.at / 1000, p.requests]));
  return times.map((s) => by.get(s) ?? 0);
}
