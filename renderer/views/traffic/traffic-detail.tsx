// One request or connection in detail: timings, where it went and why (the rule that took it, in
// words), the target's health now, and the request/response headers and bodies when they were captured.
import { useEffect, useState } from 'react';
import type { CapturedBody, EngineState, TrafficRecord } from '../../../shared/model/index.js';
import { HealthPill } from '../../components/health-pill.js';
import { actionInWords, conditionsInWords, whatListenerCarries } from '../../components/rule-words.js';
import { closeReasonWords, isHttp } from './traffic-filter.js';

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
  const http = isHttp(r);
  const facts: [string, unknown][] = [
    ['status', http ? (r.status ?? '—') : undefined],
    ['protocol', r.protocol],
    ['gRPC', r.grpcStatus === undefined ? undefined : grpcSummary(r.path, r.grpcStatus, r.bytesIn, r.bytesOut)],
    [http ? 'error' : 'ended by', http ? r.error : r.error ? `${r.error}: ${closeReasonWords(r.error)}` : 'both sides closed'],
    ['host', r.host],
    ['query', r.query],
    ['client', r.clientContainer ? `${r.clientContainer} (container, ${r.client})` : r.client],
    ['listener', `${r.loadBalancer} ${r.listener}`],
    ['started', new Date(r.startedAt).toISOString()],
    ['total', `${r.durationMs.toFixed(1)} ms`],
    ['connect', r.connectMs === undefined ? undefined : `${r.connectMs.toFixed(1)} ms`],
    ['first byte', r.firstByteMs === undefined ? undefined : `${r.firstByteMs.toFixed(1)} ms`],
    ['bytes in / out', `${r.bytesIn} / ${r.bytesOut}`],
    ['packets in / out', r.packetsIn === undefined && r.packetsOut === undefined ? undefined : `${r.packetsIn ?? 0} / ${r.packetsOut ?? 0}`],
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
      {http ? <Timing r={r} /> : null}
      <dl className="facts">
        {facts
          .filter(([, v]) => v !== undefined && v !== '')
          .map(([k, v]) => (
            <div key={k} className="fact">
              <dt className="muted">{k}</dt>
              <dd className={k === 'ended by' ? 'mono words' : 'mono'}>{String(v)}</dd>
            </div>
          ))}
      </dl>
      <h3>Why it went there</h3>
      <RuleExplanation r={r} state={state} />
      <h3>Target</h3>
      <TargetNow r={r} state={state} />
      <Headers title="Request headers" headers={r.requestHeaders} />
      <Headers title="Response headers" headers={r.responseHeaders} />
      {http && !r.requestHeaders && !r.responseHeaders ? (
        <p className="muted">
          No headers kept: the listener has <code>capture: {'{ headers: false }'}</code> in berth.yaml, or the record is older than the detail Berth keeps.
        </p>
      ) : null}
      <Body title="Request body" body={r.requestBody} />
      <Body title="Response body" body={r.responseBody} />
      {r.kind === 'http' && !r.requestBody && !r.responseBody ? (
        <p className="muted">
          Bodies are kept when the listener sets <code>capture: {'{ bodyBytes: N }'}</code> (up to 1048576).
        </p>
      ) : null}
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
  const listener = state?.config.loadBalancers.find((lb) => lb.name === r.loadBalancer)?.listeners.find((l) => `${l.port}/${l.protocol}` === r.listener);
  if (!isHttp(r) && (!r.rule || (r.rule === 'default' && listener?.rules.length === 0))) {
    // A network listener without sni rules sends everything to its default action.
    return (
      <p data-testid="detail-rule">
        {listener ? (
          <>
            The listener has no rules: {whatListenerCarries(listener.protocol)} goes to its <strong>default action</strong>, {actionInWords(listener.defaultAction)}.
          </>
        ) : (
          'The listener forwards every connection to its default action.'
        )}
      </p>
    );
  }
  if (!r.rule) return <p className="muted">{r.error ? `No rule decided: ${r.error}` : 'No rule recorded.'}</p>;
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
  if (!r.target) return <p className="muted">No target: {r.error ? (isHttp(r) ? r.error : closeReasonWords(r.error)) : 'answered by Berth itself (redirect or fixed response)'}.</p>;
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

/** Shown as text (React escapes it); long bodies are cut for the pane, and the cut is said. */
const SHOWN_CHARACTERS = 4096;

function Body({ title, body }: { title: string; body: CapturedBody | undefined }) {
  if (!body) return null;
  const shown = body.data.length > SHOWN_CHARACTERS ? body.data.slice(0, SHOWN_CHARACTERS) : body.data;
  const notes = [body.encoding === 'base64' ? 'binary, shown as base64' : '', body.truncated ? `first ${body.bytes} bytes kept` : '', shown.length < body.data.length ? `first ${SHOWN_CHARACTERS} characters shown` : ''].filter(Boolean);
  return (
    <>
      <h3>{title}</h3>
      <pre className="mono body" data-testid={title.toLowerCase().replace(' ', '-')}>
        {shown}
      </pre>
      {notes.length ? <p className="muted small-text">{notes.join(' · ')}</p> : null}
    </>
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

// gRPC status names (grpc/doc/statuscodes.md), for the detail's gRPC line.
const GRPC_STATUS = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];

/** `/package.Service/Method` → service and method, the status by name, the messages' bytes. */
function grpcSummary(path: string | undefined, status: number, bytesIn: number, bytesOut: number): string {
  const [, service, method] = /^\/([^/]+)\/([^/]+)$/.exec(path ?? '') ?? [];
  const call = service ? `${service} · ${method}` : (path ?? '');
  return `${call} · ${status} ${GRPC_STATUS[status] ?? ''} · ${bytesIn} B in / ${bytesOut} B out`;
}
