// A listener's rules in priority order, in words, each with its runtime switch; the default last.
import type { Listener } from '../../../shared/model/index.js';
import { Switch } from '../../components/switch.js';
import { actionInWords, conditionsInWords, whatListenerCarries } from '../../components/rule-words.js';

export interface RuleTableProps {
  listener: Listener;
  zeroConfig: boolean;
  onToggle: (priority: number, on: boolean) => void;
  errors: Record<string, string>;
  errorKey: string;
}

export function RuleTable({ listener, zeroConfig, onToggle, errors, errorKey }: RuleTableProps) {
  const rules = [...listener.rules].sort((a, b) => a.priority - b.priority);
  if (rules.length === 0 && zeroConfig) {
    return (
      <div className="empty compact" data-testid="no-rules">
        <p>No container publishes a port yet. Start one and it gets its own URL on this listener at once:</p>
        <pre>{`docker run -d -p 8081 --name web my-image\ncurl http://web.localhost:${listener.port}/`}</pre>
      </div>
    );
  }
  return (
    <table className="grid rules">
      <thead>
        <tr>
          <th className="w-switch">on</th>
          <th className="w-prio">priority</th>
          <th>when</th>
          <th>then</th>
        </tr>
      </thead>
      <tbody>
        {rules.map((r) => (
          <tr key={r.priority} className={r.enabled ? undefined : 'off'} data-testid={`rule-${r.priority}`}>
            <td>
              <Switch on={r.enabled} label={`rule ${r.priority}`} onChange={(on) => onToggle(r.priority, on)} />
            </td>
            <td className="mono">
              {r.priority}
              {r.name ? <div className="muted small-text">{r.name}</div> : null}
            </td>
            <td>{conditionsInWords(r.conditions).join(' and ')}</td>
            <td>
              {actionInWords(r.action)}
              {errors[`${errorKey} ${r.priority}`] ? <div className="error-box">{errors[`${errorKey} ${r.priority}`]}</div> : null}
            </td>
          </tr>
        ))}
        <tr>
          <td />
          <td className="mono muted">default</td>
          <td className="muted">{rules.length ? 'no rule above matched' : defaultWords(listener.protocol)}</td>
          <td>{actionInWords(listener.defaultAction)}</td>
        </tr>
      </tbody>
    </table>
  );
}

function defaultWords(protocol: string): string {
  if (protocol === 'HTTP' || protocol === 'HTTPS') return 'every request (no rules yet: add one in Edit)';
  // Network listeners route by rules only on TCP, by the TLS name (SNI) a client sends.
  return protocol === 'TCP' ? `${whatListenerCarries(protocol)} (add an sni rule in Edit to route TLS by name)` : whatListenerCarries(protocol);
}
