// berth.yaml → the AWS model, plus what only the user can supply (VPC, subnets, security groups,
// certificate ARNs) and the local settings AWS cannot hold. Both exporters start here, so
// CloudFormation and Terraform always describe the same resources under matching names.
import { configSchema, type BerthConfig, type Listener, type LoadBalancer } from '../../shared/model/index.js';
import type { ElbListener, ElbLoadBalancer, ElbModel } from './elb-model.js';
import { emptyModel } from './elb-model.js';
import { NameRegistry, pascal, protocolWord, snake } from './names.js';
import { applyLocalEntries, deepEqual, diffConfigs, jsonClone, readLocalPath, type LocalEntry } from './local-settings.js';
import { modelToConfig, type ImportProblem } from './model-to-config.js';
import { localOnlyWarnings, warningForEntry, type ExportWarning } from './warnings.js';
import { actionToModel, conditionsToModel, targetGroupToModel } from './plan-resources.js';
import { headerModificationAttributes, TLS_HEADERS_ATTRIBUTE } from './header-attributes.js';

export type ExportFormat = 'cloudformation' | 'terraform';

/** A value the user supplies at deploy time: a CloudFormation parameter / Terraform variable. */
export interface ExportInput {
  /** CloudFormation parameter name (also the key CertificateRef.parameter uses). */
  key: string;
  tfName: string;
  kind: 'vpc' | 'subnets' | 'security-groups' | 'certificate';
  description: string;
}

export interface ExportPlan {
  model: ElbModel;
  inputs: ExportInput[];
  subnets: Map<string, ExportInput>;
  securityGroups: Map<string, ExportInput>;
  local: LocalEntry[];
  warnings: ExportWarning[];
  /** The config as exported: without what AWS cannot hold, shared target groups split per load balancer. */
  exported: BerthConfig;
}

/** AWS's default when a listener names none (API, CLI and CloudFormation alike). */
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

export function planExport(config: BerthConfig, format: ExportFormat): ExportPlan {
  const warnings: ExportWarning[] = [];
  const { exportable, inserts } = splitExportable(config, warnings);
  const merges = splitSharedTargetGroups(exportable, warnings);
  const ids = new NameRegistry();
  const tfNames = new Map<string, NameRegistry>();
  const tf = (type: string, wanted: string) => (tfNames.get(type) ?? tfNames.set(type, new NameRegistry(64)).get(type)!).claim(wanted);
  const plan: ExportPlan = { model: emptyModel(), inputs: [], subnets: new Map(), securityGroups: new Map(), local: [], warnings, exported: exportable };
  const input = (kind: ExportInput['kind'], key: string, tfName: string, description: string): ExportInput => {
    const i = { key: ids.claim(key), tfName: tf('variable', tfName), kind, description };
    plan.inputs.push(i);
    return i;
  };
  if (config.targetGroups.length) input('vpc', 'VpcId', 'vpc_id', 'VPC the target groups belong to');

  const renames: LocalEntry[] = [];
  // Target groups are claimed first so that their names never depend on which rule mentions them.
  const tgIds = new Map(exportable.targetGroups.map((tg) => [tg.name, ids.claim(`${pascal(tg.name)}TargetGroup`)]));
  for (const lb of exportable.loadBalancers) {
    const lbRes: ElbLoadBalancer = {
      id: ids.claim(`${pascal(lb.name)}LoadBalancer`),
      tfName: tf('aws_lb', snake(lb.name)),
      name: awsLoadBalancerName(lb.name),
      type: lb.type,
      scheme: lb.scheme,
      attributes: lb.type === 'application'
        ? {
            'idle_timeout.timeout_seconds': String(lb.idleTimeoutSeconds),
            'routing.http.preserve_host_header.enabled': String(lb.preserveHostHeader),
            'routing.http.xff_header_processing.mode': lb.xffHeaderProcessingMode,
            // AWS's default is on: only the exception is written out.
            ...(lb.http2Enabled ? {} : { 'routing.http2.enabled': 'false' }),
            ...(lb.tlsVersionAndCipherSuiteHeaders !== undefined ? { [TLS_HEADERS_ATTRIBUTE]: String(lb.tlsVersionAndCipherSuiteHeaders) } : {}),
          }
        : {},
    };
    plan.model.loadBalancers.push(lbRes);
    if (lbRes.name !== lb.name) {
      renames.push({ path: `loadBalancers[${lbRes.name}].name`, value: lb.name });
      warnings.push({ code: 'renamed', path: `loadBalancers[${lb.name}].name`, message: `AWS load balancer names must not start with "internal-"; exported as ${lbRes.name} (use scheme: internal for an internal load balancer)` });
    }
    const zones = lb.type === 'application' ? ' (an application load balancer needs subnets in at least two Availability Zones)' : '';
    plan.subnets.set(lbRes.id, input('subnets', `${pascal(lb.name)}Subnets`, `${snake(lb.name)}_subnets`, `Subnets for load balancer ${lb.name}${zones}`));
    if (lb.type === 'application') {
      plan.securityGroups.set(lbRes.id, input('security-groups', `${pascal(lb.name)}SecurityGroups`, `${snake(lb.name)}_security_groups`, `Security groups for load balancer ${lb.name}`));
    }
    for (const listener of lb.listeners) addListener(plan, lb, lbRes, listener, { ids, tf, input, tgIds, format });
  }
  for (const tg of exportable.targetGroups) {
    plan.model.targetGroups.push(targetGroupToModel(tg, tgIds.get(tg.name)!, tf('aws_lb_target_group', snake(tg.name))));
  }

  const problems: ImportProblem[] = [];
  const rebuiltDraft = modelToConfig(plan.model, problems);
  const parsed = configSchema.safeParse(rebuiltDraft.input);
  if (!parsed.success || problems.length) {
    throw new Error(`export: the AWS model does not read back as a config: ${JSON.stringify(parsed.error?.issues ?? problems)}`);
  }
  const rebuilt = jsonClone(parsed.data);
  // Compare under the config's own names; the renames themselves are restored first on import.
  for (const r of renames) rebuilt.loadBalancers.find((lb) => `loadBalancers[${lb.name}].name` === r.path)!.name = r.value as string;
  const diffs = diffConfigs(jsonClone(exportable), rebuilt);
  for (const d of diffs) warnings.push(...warningForEntry(d, (path) => readLocalPath(rebuilt, path)));
  warnings.push(...localOnlyWarnings(config));
  plan.local = [...renames, ...diffs, ...merges, ...inserts];

  const check = jsonClone(parsed.data) as unknown as Record<string, unknown>;
  applyLocalEntries(check, plan.local);
  if (!deepEqual(check, jsonClone(config))) throw new Error('export: the Berth metadata does not restore the config; this is a bug');
  return plan;
}

/** AWS rejects load balancer names starting with `internal-` (it uses that prefix for internal DNS names). */
export function awsLoadBalancerName(name: string): string {
  return /^internal-/i.test(name) ? `${name.slice('internal-'.length)}-internal`.slice(0, 32) : name;
}

interface PlanContext {
  ids: NameRegistry;
  tf: (type: string, wanted: string) => string;
  input: (kind: ExportInput['kind'], key: string, tfName: string, description: string) => ExportInput;
  tgIds: Map<string, string>;
  format: ExportFormat;
}

function addListener(plan: ExportPlan, lb: LoadBalancer, lbRes: ElbLoadBalancer, l: Listener, ctx: PlanContext): void {
  const base = `${pascal(lb.name)}${pascal(protocolWord(l.protocol))}${l.port}`;
  const tfBase = snake(lb.name, protocolWord(l.protocol), l.port);
  const tgRef = (name: string) => ctx.tgIds.get(name) ?? name;
  const res: ElbListener = {
    id: ctx.ids.claim(`${base}Listener`),
    tfName: ctx.tf('aws_lb_listener', tfBase),
    loadBalancer: lbRes.id,
    port: l.port,
    protocol: l.protocol,
    certificates: [],
    attributes: {
      ...(l.tcpIdleTimeoutSeconds !== undefined ? { 'tcp.idle_timeout.seconds': String(l.tcpIdleTimeoutSeconds) } : {}),
      ...headerModificationAttributes(l.headerModification),
    },
    defaultActions: [actionToModel(l.defaultAction, tgRef)],
  };
  const path = `loadBalancers[${lb.name}].listeners[${l.port}]`;
  if (l.protocol === 'HTTPS' || l.protocol === 'TLS') {
    res.sslPolicy = l.sslPolicy ?? DEFAULT_SSL_POLICY;
    if (!l.sslPolicy) plan.warnings.push({ code: 'ssl-policy-default', path: `${path}.sslPolicy`, message: `no sslPolicy set; exported AWS's default ${DEFAULT_SSL_POLICY} explicitly` });
    const count = Array.isArray(l.certificates) ? l.certificates.length : 1;
    const names: string[] = [];
    for (let n = 1; n <= count; n++) {
      const suffix = n === 1 ? '' : String(n);
      const cert = ctx.input('certificate', `${base}CertificateArn${suffix}`, `${tfBase}_certificate_arn${suffix ? `_${suffix}` : ''}`,
        `ACM certificate ARN for the ${l.protocol} listener on port ${l.port} of ${lb.name}${n === 1 ? ' (default certificate)' : ' (SNI certificate list)'}`);
      names.push(ctx.format === 'cloudformation' ? `parameter ${cert.key}` : `variable ${cert.tfName}`);
      if (n === 1) res.certificates.push({ parameter: cert.key });
      else plan.model.listenerCertificates.push({ id: ctx.ids.claim(`${base}Certificate${n}`), tfName: ctx.tf('aws_lb_listener_certificate', `${tfBase}_${n}`), listener: res.id, certificate: { parameter: cert.key } });
    }
    const local = l.certificates === undefined || l.certificates === 'auto' ? "Berth's local CA (auto)" : `local PEM files (${l.certificates.map((c) => c.certFile).join(', ')})`;
    plan.warnings.push({ code: 'certificate-parameter', path: `${path}.certificates`, message: `served locally from ${local}; on AWS supply ACM certificate ARNs in ${names.join(', ')}` });
  }
  if (l.alpnPolicy) res.alpnPolicy = l.alpnPolicy;
  plan.model.listeners.push(res);
  for (const rule of l.rules) {
    plan.model.rules.push({
      id: ctx.ids.claim(`${base}Rule${rule.priority}`),
      tfName: ctx.tf('aws_lb_listener_rule', `${tfBase}_rule_${rule.priority}`),
      listener: res.id,
      priority: rule.priority,
      conditions: conditionsToModel(rule.conditions),
      actions: [actionToModel(rule.action, tgRef)],
    });
  }
}

/**
 * AWS associates a target group with one load balancer (elbv2-model.md 4.1, ALB and NLB alike), while
 * Berth lets several share one. Every further load balancer forwarding to a group gets its own copy
 * (same settings, same targets; ECS registers the tasks with each), and the metadata merges them back.
 */
function splitSharedTargetGroups(exportable: BerthConfig, warnings: ExportWarning[]): LocalEntry[] {
  const entries: LocalEntry[] = [];
  const taken = new Set(exportable.targetGroups.map((tg) => tg.name));
  const owner = new Map<string, string>();
  const copies = new Map<string, string>();
  const originals = exportable.targetGroups.map((tg) => jsonClone(tg));
  for (const lb of exportable.loadBalancers) {
    for (const l of lb.listeners) {
      const lp = `loadBalancers[${lb.name}].listeners[${l.port}]`;
      const actions = [{ path: `${lp}.defaultAction`, action: l.defaultAction }, ...l.rules.map((r) => ({ path: `${lp}.rules[${r.priority}].action`, action: r.action }))];
      for (const { path, action } of actions) {
        const forward = action.forward;
        if (!forward) continue;
        const before = jsonClone(forward.targetGroups);
        for (const ref of forward.targetGroups) {
          const first = owner.get(ref.name) ?? (owner.set(ref.name, lb.name), lb.name);
          if (first === lb.name) continue;
          const key = `${ref.name}\0${lb.name}`;
          let copy = copies.get(key);
          if (!copy) {
            copy = copyName(ref.name, lb.name, taken);
            copies.set(key, copy);
            exportable.targetGroups.push({ ...jsonClone(originals.find((tg) => tg.name === ref.name)!), name: copy });
            entries.push({ path: `targetGroups[${copy}]`, remove: true });
            warnings.push({ code: 'target-group-split', path: `targetGroups[${ref.name}]`, message: `serves load balancers ${first} and ${lb.name}; AWS associates a target group with one load balancer, so ${lb.name} forwards to the copy ${copy} (same settings and targets) — berth import merges them back` });
          }
          ref.name = copy;
        }
        if (!deepEqual(before, forward.targetGroups)) entries.push({ path: `${path}.forward.targetGroups`, value: before });
      }
    }
  }
  return entries;
}

/** `api` used by load balancer `admin` → `api-admin`, within AWS's 32 characters and unique. */
function copyName(group: string, lb: string, taken: Set<string>): string {
  const base = `${group}-${lb}`.slice(0, 32).replace(/-+$/, '');
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 31 - String(n).length).replace(/-+$/, '')}-${n}`;
  taken.add(name);
  return name;
}

/** Drops what AWS cannot hold at all (disabled items, SNI rules, a second listener on a port) as inserts. */
function splitExportable(config: BerthConfig, warnings: ExportWarning[]): { exportable: BerthConfig; inserts: LocalEntry[] } {
  const exportable = jsonClone(config);
  const inserts: LocalEntry[] = [];
  exportable.loadBalancers.forEach((lb, li) => {
    const ports = new Map<number, string>();
    const original = config.loadBalancers[li]!;
    lb.listeners = lb.listeners.filter((l, i) => {
      const lp = `loadBalancers[${lb.name}].listeners`;
      const why = !l.enabled ? 'disabled locally' : ports.has(l.port) ? `port ${l.port} is taken by the ${ports.get(l.port)} listener; AWS allows one listener per port (TCP_UDP serves both on one port)` : undefined;
      if (why) {
        inserts.push({ path: lp, insertAt: i, value: jsonClone(original.listeners[i]) });
        warnings.push({ code: 'listener-not-exported', path: `${lp}[${l.port}]`, message: `${l.protocol} listener not exported: ${why}` });
        return false;
      }
      ports.set(l.port, l.protocol);
      l.rules = l.rules.filter((r, j) => {
        const sni = lb.type === 'network';
        if (r.enabled && !sni) return true;
        inserts.push({ path: `${lp}[${l.port}].rules`, insertAt: j, value: jsonClone(original.listeners[i]!.rules[j]) });
        warnings.push(sni
          ? { code: 'sni-routing', path: `${lp}[${l.port}].rules[${r.priority}]`, message: `routes TLS pass-through by SNI (${(r.conditions.sni ?? []).join(', ')}); AWS network listeners have no rules, so it is not exported — on AWS give each service its own listener, or terminate TLS on an application load balancer` }
          : { code: 'rule-not-exported', path: `${lp}[${l.port}].rules[${r.priority}]`, message: 'disabled locally; not exported' });
        return false;
      });
      return true;
    });
  });
  return { exportable, inserts };
}
