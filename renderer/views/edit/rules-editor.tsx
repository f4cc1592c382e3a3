// A listener's rules in evaluation order with move up/down, edit, delete and add; a network listener's
// rules route TCP by TLS name (SNI), and only toward target groups its protocol may forward to.
import { useState } from 'react';
import type { BerthConfig } from '../../../shared/model/index.js';
import { compatibleTargetGroupProtocols } from '../../../shared/model/cross-checks.js';
import { actionInWords, conditionsInWords, whatListenerCarries } from '../../components/rule-words.js';
import { deleteRule, moveRule, putRule, type ListenerRef } from './config-edits.js';
import { draftFromRule, emptyDraft } from './rule-draft.js';
import { RuleForm } from './rule-form.js';
import type { ApplyEdit } from './edit-view.js';

export function RulesEditor({ config, apply }: { config: BerthConfig; apply: ApplyEdit }) {
  const listeners: ListenerRef[] = config.loadBalancers.flatMap((lb) => lb.listeners.map((l) => ({ loadBalancer: lb.name, listener: `${l.port}/${l.protocol}` })));
  const [chosen, setChosen] = useState(0);
  const [editing, setEditing] = useState<number | 'new' | undefined>();
  const [armed, setArmed] = useState<number>();
  const [error, setError] = useState<string>();
  const ref = listeners[Math.min(chosen, listeners.length - 1)];
  if (!ref) return <div className="empty">berth.yaml has no listeners yet. Add a load balancer with a listener to it first; its rules can then be edited here.</div>;
  const loadBalancer = config.loadBalancers.find((lb) => lb.name === ref.loadBalancer)!;
  const listener = loadBalancer.listeners.find((l) => `${l.port}/${l.protocol}` === ref.listener)!;
  const network = loadBalancer.type === 'network';
  // Network listeners take rules (by TLS name) on TCP only; UDP, TLS and TCP_UDP forward everything.
  const takesRules = !network || listener.protocol === 'TCP';
  const rules = [...listener.rules].sort((a, b) => a.priority - b.priority);
  // Only the groups this listener may forward to (AWS pairs listener and target-group protocols).
  const compatible = compatibleTargetGroupProtocols(listener.protocol);
  const groups = config.targetGroups.filter((g) => compatible.includes(g.protocol)).map((g) => g.name);
  const run = async (edit: ReturnType<typeof moveRule>) => {
    setError(undefined);
    if (!edit) return;
    const errors = await apply(edit);
    if (errors) setError(Object.values(errors).join('; '));
  };

  if (editing !== undefined) {
    const rule = editing === 'new' ? undefined : listener.rules.find((r) => r.priority === editing);
    const next = (rules[rules.length - 1]?.priority ?? 0) + 10;
    return (
      <RuleForm
        title={rule ? `Rule ${rule.priority} on ${ref.loadBalancer} ${ref.listener}` : `New rule on ${ref.loadBalancer} ${ref.listener}`}
        initial={rule ? draftFromRule(rule) : emptyDraft(next, groups[0], network)}
        groups={groups}
        network={network}
        onCancel={() => setEditing(undefined)}
        onSave={async (r) => {
          const errors = await apply(putRule(config, ref, rule?.priority, r));
          if (!errors) setEditing(undefined);
          return errors;
        }}
      />
    );
  }
  return (
    <div className="panel">
      <div className="row">
        <select aria-label="listener" value={chosen} onChange={(e) => setChosen(Number(e.target.value))}>
          {listeners.map((l, i) => (
            <option key={`${l.loadBalancer} ${l.listener}`} value={i}>
              {l.loadBalancer} · {l.listener}
            </option>
          ))}
        </select>
        <span className="grow" />
        {takesRules ? (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            + Add rule
          </button>
        ) : (
          <span className="muted" data-testid="no-rules-here">
            {listener.protocol} listeners have no rules: {whatListenerCarries(listener.protocol)} goes to the default action.
          </span>
        )}
      </div>
      {error ? (
        <div className="error-box" role="alert">
          {error}
        </div>
      ) : null}
      <table className="grid rules">
        <thead>
          <tr>
            <th className="w-prio">priority</th>
            <th>when</th>
            <th>then</th>
            <th className="w-actions" />
          </tr>
        </thead>
        <tbody>
          {rules.map((r, i) => (
            <tr key={r.priority} data-testid={`edit-rule-${r.priority}`}>
              <td className="mono">{r.priority}</td>
              <td>{conditionsInWords(r.conditions).join(' and ')}</td>
              <td>{actionInWords(r.action)}</td>
              <td>
                <div className="row tight">
                <button type="button" className="small" disabled={i === 0} onClick={() => void run(moveRule(config, ref, r.priority, -1))} aria-label={`move rule ${r.priority} up`}>
                  ↑
                </button>
                <button type="button" className="small" disabled={i === rules.length - 1} onClick={() => void run(moveRule(config, ref, r.priority, 1))} aria-label={`move rule ${r.priority} down`}>
                  ↓
                </button>
                <button type="button" className="small" onClick={() => setEditing(r.priority)} aria-label={`edit rule ${r.priority}`}>
                  edit
                </button>
                <button
                  type="button"
                  className={`small${armed === r.priority ? ' danger' : ''}`}
                  onClick={() => (armed === r.priority ? void run(deleteRule(config, ref, r.priority)).then(() => setArmed(undefined)) : setArmed(r.priority))}
                  aria-label={`delete rule ${r.priority}`}
                >
                  {armed === r.priority ? 'confirm delete' : 'delete'}
                </button>
                </div>
              </td>
            </tr>
          ))}
          <tr>
            <td className="mono muted">default</td>
            <td className="muted">{rules.length ? 'no rule above matched' : whatListenerCarries(listener.protocol)}</td>
            <td>{actionInWords(listener.defaultAction)}</td>
            <td />
          </tr>
        </tbody>
      </table>
    </div>
  );
}
