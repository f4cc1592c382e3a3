// One request or connection in detail: timings, where it went and why (the rule that took it, in
// words), the target's health now, and the request/response headers when they were captured.
import { useEffect, useState } from 'react';
import type { EngineState, TrafficRecord } from '../../../shared/model/index.js';
import { HealthPill } from '../../components/health-pill.js';
import { actionInWords, conditionsInWords } from '../../components/rule-words.js';

export interface TrafficDetailProps {
  record: TrafficRecord;
  state?: EngineState | undefined;
  loadDetail?: ((id: number) => Promise<TrafficRecord | undefined>) | undefined;
  onClose: () => void;
}

export function TrafficDetail({ record, state, loadDetail, onClose }: TrafficDetailProps) {
  const [full, setFull] = useState<TrafficRecord>(record);
  useEffect(() => {
    setFull(record);
    let live = true;
    void loadDetail?.(record.id).then((r) => live && r && setFull(r));
    return () => {
      live = false;
    };
  }, [record, loadDetail]);
  const r = full;
  const facts: [string, unknown][] = [
    ['status', r.status ?? '—'],
    ['error', r.error],
    ['host', r.host],
    ['client', r.client],
    ['listener', `${r.loadBalancer} ${r.listener}`],
    ['started', new Date(r.startedAt).toISOString()],
    ['total', `${r.durationMs.toFixed(1)} ms`],
    ['connect', r.connectMs === undefined ? undefined : `${r.connectMs.toFixed(1)} ms`],
    ['first byte', r.firstByteMs === undefined ? undefined : `${r.firstByteMs.toFixed(1)} ms`],
    ['bytes in / out', `${r.bytesIn} / ${r.bytesOut}`],
    ['trace id', r.traceId],
  ];
  return (
    <aside className="panel detail" aria-label="request detail" data-testid="traffic-detail">
      <div className="row">
        <strong className="grow mono">{r.method ? `${r.method} ${r.path ?? ''}` : `${r.kind.toUpperCase()} ${r.kind === 'udp' ? 'flow' : 'connection'}`}</strong>
        <button type="button" onClick={onClose} aria-label="close detail">
          ✕
        </button>
      </div>
      <Timing r={r} />
      <dl className="facts">
        {facts
          .filter(([, v]) => v !== undefined && v !== '')
          .map(([k, v]) => (
            <div key={k} className="fact">
              <dt className="muted">{k}</dt>
              <dd className="mono">{String(v)}</dd>
            </div>
          ))}
      </dl>
      <h3>Why it went there</h3>
      <RuleExplanation r={r} state={state} />
      <h3>Target</h3>
      <TargetNow r={r} state={state} />
      <Headers title="Request headers" headers={r.requestHeaders} />
      <Headers title="Response headers" headers={r.responseHeaders} />
      {!r.requestHeaders && !r.responseHeaders ? <p className="muted">Headers are kept only when detail capture is on for the listener.</p> : null}
    </aside>
  );
}

function Timing({ r }: { r: TrafficRecord }) {
  if (r.durationMs <= 0) return null;
  const pct = (ms: number | undefined) => `${Math.min(100, ((ms ?? 0) / r.durationMs) * 100)}%`;
  return (
    <div className="timing" aria-label="timing" title="connect · waiting for the first byte · transfer">
      <span className="t-connect" style={{ width: pct(r.connectMs) }} />
      <span className="t-wait" style={{ width: pct((r.firstByteMs ?? 0) - (r.connectMs ?? 0)) }} />
      <span className="t-rest grow" />
    </div>
  );
}

function RuleExplanation({ r, state }: { r: TrafficRecord; state: EngineState | undefined }) {
  if (!r.rule) return <p className="muted">{r.error ? `No rule decided: ${r.error}` : 'No rule recorded (network listeners forward every connection).'}</p>;
  const listener = state?.config.loadBalancers.find((lb) => lb.name === r.loadBalancer)?.listeners.find((l) => `${l.port}/${l.protocol}` === r.listener);
  if (!listener) return <p>rule {r.rule}</p>;
  if (r.rule === 'default') return <p data-testid="detail-rule">No rule matched, so the <strong>default action</strong> applied: {actionInWords(listener.defaultAction)}.</p>;
  const rule = listener.rules.find((x) => String(x.priority) === r.rule);
  if (!rule) return <p>rule {r.rule} (no longer in the config)</p>;
  return (
    <p data-testid="detail-rule">
      <strong>Rule {rule.priority}</strong>
      {rule.name ? ` (${rule.name})` : ''} matched: {conditionsInWords(rule.conditions).join(' and ')} → {actionInWords(rule.action)}.
    </p>
  );
}

function TargetNow({ r, state }: { r: TrafficRecord; state: EngineState | undefined }) {
  if (!r.target) return <p className="muted">No target: {r.error ?? 'answered by Berth itself (redirect or fixed response)'}.</p>;
  const t = state?.targetGroups.find((g) => g.name === r.targetGroup)?.targets.find((x) => x.id === r.target);
  return (
    <div className="row">
      <span className="mono">{r.target}</span>
      <span className="muted">in {r.targetGroup}</span>
      {t ? <HealthPill health={t.health} reason={t.reason} description={t.description} /> : <span className="pill muted">gone</span>}
      {t?.containerName ? <span className="muted">{t.image}</span> : null}
    </div>
  );
}

function Headers({ title, headers }: { title: string; headers: Record<string, string | string[]> | undefined }) {
  if (!headers) return null;
  return (
    <>
      <h3>{title}</h3>
      <table className="grid mono headers">
        <tbody>
          {Object.entries(headers).map(([k, v]) => (
            <tr key={k}>
              <td className="muted">{k}</td>
              <td>{Array.isArray(v) ? v.join(', ') : v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
