// Route tester: a URL, method, headers and source IP in; the rule that matches and why each rule
// above it did not, from the engine's explain() (the same matcher the listeners use).
import { useState, type FormEvent } from 'react';
import type { ExplainResult, MethodInput } from '../../../shared/contract/index.js';
import type { EngineState } from '../../../shared/model/index.js';
import { actionInWords } from '../../components/rule-words.js';
import { useClient, useEngine } from '../../state/index.js';

export type ExplainInput = MethodInput<'explain'>;

export function RouteTesterScreen() {
  const client = useClient();
  const { state } = useEngine();
  return <RouteTesterView explain={(input) => client.call('explain', input)} state={state} />;
}

export function RouteTesterView({ explain, state }: { explain: (input: ExplainInput) => Promise<ExplainResult>; state?: EngineState | undefined }) {
  const [url, setUrl] = useState(() => exampleUrl(state));
  const [method, setMethod] = useState('GET');
  const [headers, setHeaders] = useState('');
  const [sourceIp, setSourceIp] = useState('127.0.0.1');
  const [result, setResult] = useState<ExplainResult | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const parsed: Record<string, string> = {};
    for (const line of headers.split('\n')) {
      const i = line.indexOf(':');
      if (i > 0) parsed[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
    try {
      setResult(await explain({ method, url, headers: parsed, ...(sourceIp.trim() ? { sourceIp: sourceIp.trim() } : {}) }));
    } catch (err) {
      setResult(undefined);
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="route-tester">
      <form className="panel" onSubmit={(e) => void submit(e)} aria-label="route tester">
        <div className="row">
          <select aria-label="method" value={method} onChange={(e) => setMethod(e.target.value)}>
            {['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
          <input aria-label="url" className="grow mono" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="http://app.localhost:8080/api/users" />
          <label className="row tight">
            <span className="muted">source IP</span>
            <input aria-label="source ip" className="mono narrow" value={sourceIp} onChange={(e) => setSourceIp(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={busy || !url.trim()}>
            {busy ? 'Testing…' : 'Test route'}
          </button>
        </div>
        <textarea aria-label="headers" className="mono full" rows={2} placeholder={'Headers, one per line — X-Env: beta'} value={headers} onChange={(e) => setHeaders(e.target.value)} />
      </form>
      {error ? (
        <div className="error-box" role="alert">
          {error}
        </div>
      ) : null}
      {!result && !error ? <p className="muted">Enter a URL that a listener serves and press Test route: Berth shows which rule takes it and why every rule above it did not.</p> : null}
      {result ? <Verdict result={result} /> : null}
    </div>
  );
}

function Verdict({ result }: { result: ExplainResult }) {
  const x = result.explanation;
  if (!x) return <div className="warn-box" data-testid="route-result">{result.reason ?? 'No listener takes this URL.'}</div>;
  return (
    <div className="panel" data-testid="route-result">
      <p className="verdict">
        Matched <strong data-testid="matched-rule">{x.matched.priority === undefined ? 'the default action' : `rule ${x.matched.priority}`}</strong>
        {x.matched.name ? ` (${x.matched.name})` : ''} on {result.loadBalancer} {result.listener}: {actionInWords(x.matched.action)}
      </p>
      <table className="grid">
        <thead>
          <tr>
            <th className="w-prio">rule</th>
            <th className="w-result">result</th>
            <th>why</th>
          </tr>
        </thead>
        <tbody>
          {x.rules.map((r) => (
            <tr key={r.priority} data-testid={`verdict-${r.priority}`}>
              <td className="mono">
                {r.priority}
                {r.name ? <div className="muted small-text">{r.name}</div> : null}
              </td>
              <td>{r.outcome === 'matched' ? <span className="pill ok">matched</span> : r.outcome === 'disabled' ? <span className="pill muted">switched off</span> : <span className="pill bad">no match</span>}</td>
              <td>{r.outcome === 'failed' ? r.failures.map((f) => <div key={f.message}>{f.message}</div>) : r.outcome === 'disabled' ? 'skipped: the rule is off' : 'every condition holds'}</td>
            </tr>
          ))}
          {x.matched.priority === undefined ? (
            <tr>
              <td className="mono">default</td>
              <td>
                <span className="pill ok">applied</span>
              </td>
              <td>no rule matched</td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function exampleUrl(state: EngineState | undefined): string {
  for (const lb of state?.config.loadBalancers ?? []) {
    for (const l of lb.listeners) {
      if (l.protocol !== 'HTTP' && l.protocol !== 'HTTPS') continue;
      const rule = [...l.rules].sort((a, b) => a.priority - b.priority).find((r) => r.conditions.hostHeader?.some((h) => !/[*?]/.test(h)));
      const host = rule?.conditions.hostHeader?.find((h) => !/[*?]/.test(h)) ?? 'localhost';
      const path = rule?.conditions.pathPattern?.[0]?.replace(/[*?].*$/, '') || '/';
      return `${l.protocol.toLowerCase()}://${host}:${l.port}${path}`;
    }
  }
  return 'http://localhost:8080/';
}
