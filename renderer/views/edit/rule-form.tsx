// Add or edit one rule: conditions and one action, checked by the shared ruleSchema as you save;
// problems the engine finds (duplicate priority, unknown group…) come back under the same fields.
import { useState, type FormEvent } from 'react';
import { FIXED_RESPONSE_CONTENT_TYPES, ruleSchema } from '../../../shared/model/index.js';
import { Field } from './field.js';
import { GeneralErrors } from './form-general-errors.js';
import { issuesToFields, type FieldErrors } from './form-errors.js';
import { ruleFromDraft, type ActionKind, type RuleDraft } from './rule-draft.js';

const FIELDS = new Set(['priority', 'name', 'conditions.hostHeader', 'conditions.pathPattern', 'conditions.httpRequestMethod', 'conditions.sourceIp', 'conditions.httpHeader', 'conditions.queryString', 'conditions.sni', 'action.forward', 'action.redirect', 'action.fixedResponse']);

export interface RuleFormProps {
  initial: RuleDraft;
  groups: string[];
  title: string;
  /** A network listener's rule: it matches the TLS name (SNI) only and can only forward. */
  network?: boolean;
  /** Resolves with field errors when the save was refused. */
  onSave: (rule: Record<string, unknown>) => Promise<FieldErrors | undefined>;
  onCancel: () => void;
}

export function RuleForm({ initial, groups, title, network = false, onSave, onCancel }: RuleFormProps) {
  const [d, setD] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<RuleDraft>) => setD({ ...d, ...patch });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const rule = ruleFromDraft(d);
    const parsed = ruleSchema.safeParse(rule);
    if (!parsed.success) return setErrors(issuesToFields(parsed.error.issues));
    setBusy(true);
    const refused = await onSave(rule).finally(() => setBusy(false));
    setErrors(refused ?? {});
  };
  const text = (key: 'host' | 'path' | 'methods' | 'sourceIp' | 'sni', label: string, field: string, hint: string) => (
    <Field label={label} name={field} errors={errors} hint={hint}>
      <input aria-label={label} className="mono" value={d[key]} onChange={(e) => set({ [key]: e.target.value })} />
    </Field>
  );

  return (
    <form className="panel form" onSubmit={(e) => void submit(e)} aria-label={title} noValidate>
      <h2 className="flush">{title}</h2>
      <GeneralErrors errors={errors} fields={FIELDS} />
      <div className="form-grid">
        <Field label="priority" name="priority" errors={errors} hint="1–50000; lower runs first">
          <input aria-label="priority" className="mono narrow" inputMode="numeric" value={d.priority} onChange={(e) => set({ priority: e.target.value })} />
        </Field>
        <Field label="name" name="name" errors={errors}>
          <input aria-label="name" value={d.name} onChange={(e) => set({ name: e.target.value })} />
        </Field>
        <label className="field checkbox">
          <input type="checkbox" checked={d.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> enabled
        </label>
      </div>
      <h3>When (all must hold)</h3>
      {network ? (
        <div className="form-grid">
          {text('sni', 'TLS name (SNI)', 'conditions.sni', 'the server name a TLS client sends, e.g. db.localhost, *.db.localhost; the connection passes through still encrypted')}
        </div>
      ) : (
      <div className="form-grid">
        {text('host', 'host header', 'conditions.hostHeader', 'e.g. api.app.localhost, *.app.localhost')}
        {text('path', 'path pattern', 'conditions.pathPattern', 'e.g. /api/*')}
        <Field label="host regex" name="conditions.hostHeaderRegex" errors={errors} hint="RE2, one per line, instead of host header — e.g. ^api-[0-9]+\.app\.localhost$">
          <textarea aria-label="host regex" className="mono" rows={1} value={d.hostRegex} onChange={(e) => set({ hostRegex: e.target.value })} />
        </Field>
        <Field label="path regex" name="conditions.pathPatternRegex" errors={errors} hint="RE2, one per line, instead of path pattern — e.g. ^/v[0-9]+/users$">
          <textarea aria-label="path regex" className="mono" rows={1} value={d.pathRegex} onChange={(e) => set({ pathRegex: e.target.value })} />
        </Field>
        {text('methods', 'methods', 'conditions.httpRequestMethod', 'e.g. GET, POST')}
        {text('sourceIp', 'source IP', 'conditions.sourceIp', 'CIDR, e.g. 127.0.0.0/8')}
        <Field label="headers" name="conditions.httpHeader" errors={errors} hint="one per line — X-Env: beta, canary (X-Env ~ ^beta-[0-9]+$ for RE2)">
          <textarea aria-label="headers" className="mono" rows={2} value={d.headers} onChange={(e) => set({ headers: e.target.value })} />
        </Field>
        <Field label="query string" name="conditions.queryString" errors={errors} hint="one per line — version=2">
          <textarea aria-label="query string" className="mono" rows={2} value={d.query} onChange={(e) => set({ query: e.target.value })} />
        </Field>
      </div>
      )}
      <h3>Then</h3>
      <div className="tabs" role="radiogroup" aria-label="action">
        {((network ? ['forward'] : ['forward', 'redirect', 'fixedResponse']) as ActionKind[]).map((k) => (
          <button key={k} type="button" role="radio" aria-checked={d.kind === k} className={d.kind === k ? 'active' : ''} onClick={() => set({ kind: k })}>
            {k === 'fixedResponse' ? 'fixed response' : k}
          </button>
        ))}
      </div>
      {d.kind === 'forward' ? <ForwardFields d={d} set={set} groups={groups} errors={errors} network={network} /> : null}
      {d.kind === 'redirect' ? (
        <Field label="redirect" name="action.redirect" errors={errors} hint="#{protocol}, #{host}, #{port}, #{path}, #{query} keep the request's own">
          <div className="row">
            <select aria-label="redirect protocol" value={d.redirect.protocol} onChange={(e) => set({ redirect: { ...d.redirect, protocol: e.target.value } })}>
              {['#{protocol}', 'HTTP', 'HTTPS'].map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
            {(['host', 'port', 'path', 'query'] as const).map((k) => (
              <input key={k} aria-label={`redirect ${k}`} className="mono narrow" value={d.redirect[k]} onChange={(e) => set({ redirect: { ...d.redirect, [k]: e.target.value } })} />
            ))}
            <select aria-label="redirect status" value={d.redirect.statusCode} onChange={(e) => set({ redirect: { ...d.redirect, statusCode: e.target.value } })}>
              <option value="HTTP_301">301 permanent</option>
              <option value="HTTP_302">302 found</option>
            </select>
          </div>
        </Field>
      ) : null}
      {d.kind === 'fixedResponse' ? (
        <Field label="fixed response" name="action.fixedResponse" errors={errors} hint="status 2XX, 4XX or 5XX; body up to 1024 bytes">
          <div className="row">
            <input aria-label="status code" className="mono narrow" value={d.fixed.statusCode} onChange={(e) => set({ fixed: { ...d.fixed, statusCode: e.target.value } })} />
            <select aria-label="content type" value={d.fixed.contentType} onChange={(e) => set({ fixed: { ...d.fixed, contentType: e.target.value } })}>
              <option value="">(none)</option>
              {FIXED_RESPONSE_CONTENT_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
            <input aria-label="body" className="grow" value={d.fixed.messageBody} onChange={(e) => set({ fixed: { ...d.fixed, messageBody: e.target.value } })} />
          </div>
        </Field>
      ) : null}
      <div className="row actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save to berth.yaml'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

interface ForwardFieldsProps {
  d: RuleDraft;
  set: (p: Partial<RuleDraft>) => void;
  groups: string[];
  errors: FieldErrors;
  /** Network listeners split new connections and flows by weight; group stickiness is a cookie, so not theirs. */
  network: boolean;
}

function ForwardFields({ d, set, groups, errors, network }: ForwardFieldsProps) {
  const update = (i: number, patch: Partial<{ name: string; weight: string }>) => set({ forward: d.forward.map((g, j) => (j === i ? { ...g, ...patch } : g)) });
  return (
    <Field label="forward to" name="action.forward" errors={errors} hint={d.forward.length > 1 ? `weights split the ${network ? 'new connections and flows' : 'requests'} (0–999)` : undefined}>
      <div>
        {d.forward.map((g, i) => (
          <div key={i} className="row">
            <select aria-label={`target group ${i + 1}`} value={g.name} onChange={(e) => update(i, { name: e.target.value })}>
              <option value="">choose a target group</option>
              {[...new Set([...groups, g.name].filter(Boolean))].map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
            <input aria-label={`weight ${i + 1}`} className="mono narrow" value={g.weight} onChange={(e) => update(i, { weight: e.target.value })} />
            {d.forward.length > 1 ? (
              <button type="button" onClick={() => set({ forward: d.forward.filter((_, j) => j !== i) })} aria-label={`remove target group ${i + 1}`}>
                remove
              </button>
            ) : null}
          </div>
        ))}
        <div className="row">
          <button type="button" onClick={() => set({ forward: [...d.forward, { name: '', weight: '1' }] })}>
            + weighted group
          </button>
          {network ? null : (
            <input aria-label="group stickiness seconds" className="mono narrow" placeholder="sticky s" value={d.groupStickySeconds} onChange={(e) => set({ groupStickySeconds: e.target.value })} />
          )}
        </div>
      </div>
    </Field>
  );
}
