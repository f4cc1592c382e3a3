// Add or edit a target group: which containers (Docker selector) or host:port targets it holds, how
// it checks their health, and how it spreads requests; checked by the shared targetGroupSchema.
import { useState, type FormEvent } from 'react';
import { TARGET_GROUP_PROTOCOLS, targetGroupSchema, type TargetGroup } from '../../../shared/model/index.js';
import { Field } from './field.js';
import { GeneralErrors } from './form-general-errors.js';
import { issuesToFields, type FieldErrors } from './form-errors.js';
import { groupFromDraft, isNetworkProtocol, type TargetGroupDraft } from './target-group-draft.js';

const FIELDS = new Set(['name', 'protocol', 'loadBalancingAlgorithm', 'targets.docker.labels', 'targets.docker.containerName', 'targets.docker.image', 'targets.docker.composeProject', 'targets.docker.composeService', 'targets.docker.containerPort', 'targets.static', 'healthCheck.path', 'healthCheck.intervalSeconds', 'healthCheck.timeoutSeconds', 'healthCheck.healthyThresholdCount', 'healthCheck.unhealthyThresholdCount', 'healthCheck.matcher', 'deregistrationDelaySeconds', 'slowStartSeconds', 'stickiness.type', 'stickiness.durationSeconds', 'stickiness.cookieName']);

export interface TargetGroupFormProps {
  initial: TargetGroupDraft;
  original?: TargetGroup | undefined;
  title: string;
  onSave: (group: Record<string, unknown>) => Promise<FieldErrors | undefined>;
  onCancel: () => void;
}

export function TargetGroupForm({ initial, original, title, onSave, onCancel }: TargetGroupFormProps) {
  const [d, setD] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<TargetGroupDraft>) => setD({ ...d, ...patch });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const group = groupFromDraft(d, original);
    const parsed = targetGroupSchema.safeParse(group);
    if (!parsed.success) return setErrors(issuesToFields(parsed.error.issues));
    setBusy(true);
    const refused = await onSave(group).finally(() => setBusy(false));
    setErrors(refused ?? {});
  };
  const network = isNetworkProtocol(d.protocol);
  // Network groups check health over TCP unless berth.yaml asks for HTTP(S); a TCP check has no path or codes.
  const httpCheck = !network || (original !== undefined && original.protocol === d.protocol && original.healthCheck.protocol !== 'TCP');
  const setProtocol = (protocol: string) => {
    const toNetwork = isNetworkProtocol(protocol);
    // AWS: network groups stick by source IP only, application groups by cookie.
    set({ protocol, stickinessType: toNetwork ? 'source_ip' : d.stickinessType === 'source_ip' ? 'lb_cookie' : d.stickinessType });
  };
  type TextKey = { [K in keyof TargetGroupDraft]: TargetGroupDraft[K] extends string ? K : never }[keyof TargetGroupDraft];
  const input = (key: TextKey, label: string, field: string, hint?: string, narrow = true) => (
    <Field label={label} name={field} errors={errors} hint={hint}>
      <input aria-label={label} className={`mono${narrow ? ' narrow' : ''}`} value={d[key]} onChange={(e) => set({ [key]: e.target.value })} />
    </Field>
  );
  const choice = (key: TextKey, label: string, field: string, values: readonly string[]) => (
    <Field label={label} name={field} errors={errors}>
      <select aria-label={label} value={d[key]} onChange={(e) => set({ [key]: e.target.value })}>
        {values.map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
    </Field>
  );

  return (
    <form className="panel form" onSubmit={(e) => void submit(e)} aria-label={title} noValidate>
      <h2 className="flush">{title}</h2>
      <GeneralErrors errors={errors} fields={FIELDS} />
      <div className="form-grid">
        {input('name', 'name', 'name', 'letters, digits and "-"', false)}
        <Field label="protocol" name="protocol" errors={errors} hint={d.protocol === 'UDP' ? "selects the containers' UDP ports" : undefined}>
          <select aria-label="protocol" value={d.protocol} onChange={(e) => setProtocol(e.target.value)}>
            {TARGET_GROUP_PROTOCOLS.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </Field>
        {choice('algorithm', 'algorithm', 'loadBalancingAlgorithm', ['round_robin', 'least_outstanding_requests', 'weighted_random'])}
      </div>
      <h3>Targets</h3>
      <div className="form-grid">
        <Field label="container labels" name="targets.docker.labels" errors={errors} hint="one per line — app=web; every one must match">
          <textarea aria-label="container labels" className="mono" rows={2} value={d.labels} onChange={(e) => set({ labels: e.target.value })} />
        </Field>
        {input('containerName', 'container name', 'targets.docker.containerName', 'glob, e.g. web-*', false)}
        {input('image', 'image', 'targets.docker.image', 'glob, e.g. nginx:*', false)}
        {input('composeProject', 'compose project', 'targets.docker.composeProject', undefined, false)}
        {input('composeService', 'compose service', 'targets.docker.composeService', undefined, false)}
        {input('containerPort', 'container port', 'targets.docker.containerPort', 'the port inside the container')}
        <Field label="static targets" name="targets.static" errors={errors} hint="host:port, one per line">
          <textarea aria-label="static targets" className="mono" rows={2} value={d.staticTargets} onChange={(e) => set({ staticTargets: e.target.value })} />
        </Field>
      </div>
      <h3>Health check</h3>
      <div className="form-grid">
        <label className="field checkbox">
          <input type="checkbox" checked={d.healthEnabled} onChange={(e) => set({ healthEnabled: e.target.checked })} /> enabled
        </label>
        {httpCheck ? input('healthPath', 'path', 'healthCheck.path', undefined, false) : <span className="muted field">TCP check: connects to the target's port</span>}
        {input('healthInterval', 'interval s', 'healthCheck.intervalSeconds')}
        {input('healthTimeout', 'timeout s', 'healthCheck.timeoutSeconds')}
        {input('healthyThreshold', 'healthy after', 'healthCheck.healthyThresholdCount')}
        {input('unhealthyThreshold', 'unhealthy after', 'healthCheck.unhealthyThresholdCount')}
        {httpCheck ? input('matcher', 'success codes', 'healthCheck.matcher', '200 or 200-299') : null}
      </div>
      <h3>Behaviour</h3>
      <div className="form-grid">
        {input('deregistrationDelay', 'deregistration delay s', 'deregistrationDelaySeconds')}
        {input('slowStart', 'slow start s', 'slowStartSeconds', '0 or 30–900')}
        <label className="field checkbox">
          <input type="checkbox" checked={d.stickinessEnabled} onChange={(e) => set({ stickinessEnabled: e.target.checked })} /> sticky sessions
        </label>
        {choice('stickinessType', 'stickiness type', 'stickiness.type', network ? ['source_ip'] : ['lb_cookie', 'app_cookie'])}
        {network ? null : input('stickinessSeconds', 'stickiness s', 'stickiness.durationSeconds')}
        {network ? null : input('cookieName', 'app cookie', 'stickiness.cookieName', undefined, false)}
      </div>
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
