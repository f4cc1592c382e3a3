// The AWS model → Terraform (hashicorp/aws provider, elbv2-model.md 7.2): aws_lb, aws_lb_listener,
// aws_lb_listener_rule, aws_lb_listener_certificate and aws_lb_target_group, with variables for what
// only the user knows. Every health-check value is written out: the provider's own defaults
// (3/3 thresholds) differ from AWS's, and production should match the local design.
import type { CertificateRef, ElbAction, ElbCondition, ElbListener, ElbModel, ElbRule, ElbTargetGroup } from './elb-model.js';
import type { ExportPlan } from './plan.js';
import { LOCAL_SETTINGS_VERSION } from './local-settings.js';
import { attr, blank, block, comment, expr, writeHcl, type HclItem, type HclValue } from './hcl-writer.js';
import { NameRegistry } from './names.js';
import { HEADER_MODIFICATION_TF } from './header-attributes.js';

/** Attribute keys of the ELBv2 API → provider arguments, with the HCL type to write. */
export const TF_ATTRIBUTES: Record<string, [argument: string, kind: 'number' | 'bool' | 'string']> = {
  'idle_timeout.timeout_seconds': ['idle_timeout', 'number'],
  'routing.http.preserve_host_header.enabled': ['preserve_host_header', 'bool'],
  'routing.http.xff_header_processing.mode': ['xff_header_processing_mode', 'string'],
  'routing.http2.enabled': ['enable_http2', 'bool'],
  'tcp.idle_timeout.seconds': ['tcp_idle_timeout_seconds', 'number'],
  'deregistration_delay.timeout_seconds': ['deregistration_delay', 'number'],
  'slow_start.duration_seconds': ['slow_start', 'number'],
  'load_balancing.algorithm.type': ['load_balancing_algorithm_type', 'string'],
  'proxy_protocol_v2.enabled': ['proxy_protocol_v2', 'bool'],
  'preserve_client_ip.enabled': ['preserve_client_ip', 'bool'],
  'deregistration_delay.connection_termination.enabled': ['connection_termination', 'bool'],
  ...HEADER_MODIFICATION_TF,
};

/** Attribute keys that the provider takes inside aws_lb_target_group's `target_health_state` block. */
export const TF_TARGET_HEALTH_STATE: typeof TF_ATTRIBUTES = {
  'target_health_state.unhealthy.connection_termination.enabled': ['enable_unhealthy_connection_termination', 'bool'],
  'target_health_state.unhealthy.draining_interval_seconds': ['unhealthy_draining_interval', 'number'],
};

export const TF_PROVIDER_CONSTRAINT = '>= 6.0';
export const TF_METADATA_LOCAL = 'berth_metadata';

const typed = (value: string, kind: 'number' | 'bool' | 'string'): HclValue => (kind === 'number' ? Number(value) : kind === 'bool' ? value === 'true' : value);

function attributeArgs(attributes: Record<string, string>, arguments_ = TF_ATTRIBUTES): HclItem[] {
  return Object.entries(attributes).flatMap(([key, value]) => {
    const m = arguments_[key];
    return m ? [attr(m[0], typed(value, m[1]))] : [];
  });
}

/** Resource blocks separated by blank lines; nested blocks stay together, as in the provider's examples. */
function resource(type: string, name: string, args: HclItem[], blocks: HclItem[] = []): HclItem {
  const body: HclItem[] = [...args];
  for (const b of blocks) body.push(...(body.length ? [blank] : []), b);
  return block('resource', [type, name], body);
}

export function terraformText(plan: ExportPlan, warningBlock: string): string {
  const { model } = plan;
  const ref = refs(model);
  const items: HclItem[] = [
    comment('Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.\nlocal.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.'),
  ];
  if (warningBlock) items.push(blank, comment(warningBlock.split('\n').map((l) => l.replace(/^# ?/, '')).join('\n')));
  items.push(blank, block('terraform', [], [block('required_providers', [], [attr('aws', { source: 'hashicorp/aws', version: TF_PROVIDER_CONSTRAINT })])]));

  for (const input of plan.inputs) {
    const type = input.kind === 'subnets' || input.kind === 'security-groups' ? 'list(string)' : 'string';
    items.push(blank, block('variable', [input.tfName], [attr('description', input.description), attr('type', expr(type))]));
  }
  const variable = (key: string) => expr(`var.${plan.inputs.find((i) => i.key === key)!.tfName}`);
  const cert = (c: CertificateRef) => ('parameter' in c ? variable(c.parameter) : c.arn);

  for (const lb of model.loadBalancers) {
    const sg = plan.securityGroups.get(lb.id);
    items.push(blank, resource('aws_lb', lb.tfName, [
      attr('name', lb.name),
      attr('load_balancer_type', lb.type),
      attr('internal', lb.scheme === 'internal'),
      attr('subnets', variable(plan.subnets.get(lb.id)!.key)),
      ...(sg ? [attr('security_groups', variable(sg.key))] : []),
      ...attributeArgs(lb.attributes),
    ]));
    for (const l of model.listeners.filter((x) => x.loadBalancer === lb.id)) {
      items.push(blank, listenerResource(l, ref, cert));
      for (const r of model.rules.filter((x) => x.listener === l.id)) items.push(blank, ruleResource(r, ref));
      for (const c of model.listenerCertificates.filter((x) => x.listener === l.id)) {
        items.push(blank, resource('aws_lb_listener_certificate', c.tfName, [attr('listener_arn', ref(l.id)), attr('certificate_arn', cert(c.certificate))]));
      }
    }
  }
  for (const tg of model.targetGroups) items.push(blank, targetGroupResource(tg, variable(plan.inputs.find((i) => i.kind === 'vpc')!.key)));

  const outputs = new NameRegistry(64);
  for (const lb of model.loadBalancers) {
    items.push(blank, block('output', [outputs.claim(`${lb.tfName}_dns_name`)], [attr('description', `DNS name of load balancer ${lb.name}`), attr('value', expr(`aws_lb.${lb.tfName}.dns_name`))]));
  }
  for (const tg of model.targetGroups) {
    items.push(blank, block('output', [outputs.claim(`${tg.tfName}_target_group_arn`)], [attr('description', `ARN of target group ${tg.name}`), attr('value', ref(tg.id))]));
  }
  items.push(blank, comment("Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local."));
  items.push(block('locals', [], [attr(TF_METADATA_LOCAL, { version: LOCAL_SETTINGS_VERSION, local: plan.local as unknown as HclValue })]));
  return writeHcl(items);
}

type Ref = (id: string) => HclValue;

/** `aws_lb_target_group.users.arn` for a model id. */
export function refs(model: ElbModel): Ref {
  const byId = new Map<string, string>();
  for (const x of model.loadBalancers) byId.set(x.id, `aws_lb.${x.tfName}.arn`);
  for (const x of model.listeners) byId.set(x.id, `aws_lb_listener.${x.tfName}.arn`);
  for (const x of model.targetGroups) byId.set(x.id, `aws_lb_target_group.${x.tfName}.arn`);
  return (id) => expr(byId.get(id) ?? id);
}

function listenerResource(l: ElbListener, ref: Ref, cert: (c: CertificateRef) => HclValue): HclItem {
  return resource('aws_lb_listener', l.tfName, [
    attr('load_balancer_arn', ref(l.loadBalancer)),
    attr('port', l.port),
    attr('protocol', l.protocol),
    ...(l.sslPolicy ? [attr('ssl_policy', l.sslPolicy)] : []),
    ...(l.certificates[0] ? [attr('certificate_arn', cert(l.certificates[0]))] : []),
    ...(l.alpnPolicy ? [attr('alpn_policy', l.alpnPolicy)] : []),
    ...attributeArgs(l.attributes),
  ], l.defaultActions.map((a) => actionBlock('default_action', a, ref)));
}

function ruleResource(r: ElbRule, ref: Ref): HclItem {
  return resource('aws_lb_listener_rule', r.tfName, [attr('listener_arn', ref(r.listener)), attr('priority', r.priority)], [
    ...r.actions.map((a) => actionBlock('action', a, ref)),
    ...r.conditions.map(conditionBlock),
  ]);
}

function actionBlock(type: string, a: ElbAction, ref: Ref): HclItem {
  switch (a.type) {
    case 'forward': {
      const [only] = a.targetGroups;
      if (a.targetGroups.length === 1 && (only!.weight ?? 1) === 1 && !a.stickiness) {
        return block(type, [], [attr('type', 'forward'), attr('target_group_arn', ref(only!.targetGroup))]);
      }
      return block(type, [], [
        attr('type', 'forward'),
        block('forward', [], [
          ...a.targetGroups.map((g) => block('target_group', [], [attr('arn', ref(g.targetGroup)), attr('weight', g.weight ?? 1)])),
          ...(a.stickiness ? [block('stickiness', [], [attr('duration', a.stickiness.durationSeconds ?? 3600), attr('enabled', a.stickiness.enabled)])] : []),
        ]),
      ]);
    }
    case 'redirect':
      return block(type, [], [attr('type', 'redirect'), block('redirect', [], defined({ host: a.host, path: a.path, port: a.port, protocol: a.protocol, query: a.query, status_code: a.statusCode }))]);
    case 'fixed-response':
      return block(type, [], [attr('type', 'fixed-response'), block('fixed_response', [], defined({ content_type: a.contentType ?? 'text/plain', message_body: a.messageBody, status_code: a.statusCode }))]);
  }
}

function conditionBlock(c: ElbCondition): HclItem {
  switch (c.field) {
    case 'http-header':
      return block('condition', [], [block('http_header', [], [attr('http_header_name', c.name), conditionValues(c)])]);
    case 'query-string':
      return block('condition', [], c.pairs.map((p) => block('query_string', [], defined({ key: p.key, value: p.value }))));
    default:
      return block('condition', [], [block(c.field.replace(/-/g, '_'), [], [conditionValues(c)])]);
  }
}

/** `regex_values` for a regex condition (it conflicts with `values` in the provider), else `values`. */
function conditionValues(c: { values: string[]; regexValues?: string[] }): HclItem {
  return c.regexValues ? attr('regex_values', c.regexValues) : attr('values', c.values);
}

function targetGroupResource(tg: ElbTargetGroup, vpc: HclValue): HclItem {
  const hc = tg.healthCheck;
  const a = tg.attributes;
  const { stickiness, rest } = splitStickiness(a);
  const healthState = attributeArgs(a, TF_TARGET_HEALTH_STATE);
  const health = block('health_check', [], defined({
    enabled: hc.enabled,
    healthy_threshold: hc.healthyThresholdCount,
    interval: hc.intervalSeconds,
    matcher: hc.httpCode ?? hc.grpcCode,
    path: hc.path,
    port: hc.port,
    protocol: hc.protocol,
    timeout: hc.timeoutSeconds,
    unhealthy_threshold: hc.unhealthyThresholdCount,
  }));
  return resource('aws_lb_target_group', tg.tfName, [
    attr('name', tg.name),
    attr('port', tg.port ?? 80),
    attr('protocol', tg.protocol),
    ...(tg.protocolVersion ? [attr('protocol_version', tg.protocolVersion)] : []),
    attr('target_type', tg.targetType),
    attr('vpc_id', vpc),
    ...attributeArgs(rest),
  ], [health, ...(stickiness ? [stickiness] : []), ...(healthState.length ? [block('target_health_state', [], healthState)] : [])]);
}

function splitStickiness(a: Record<string, string>): { stickiness?: HclItem; rest: Record<string, string> } {
  const rest = Object.fromEntries(Object.entries(a).filter(([k]) => !k.startsWith('stickiness.')));
  const type = a['stickiness.type'];
  if (a['stickiness.enabled'] === undefined || !type) return { rest };
  const duration = a[type === 'app_cookie' ? 'stickiness.app_cookie.duration_seconds' : 'stickiness.lb_cookie.duration_seconds'];
  return {
    rest,
    stickiness: block('stickiness', [], defined({
      cookie_duration: duration === undefined ? undefined : Number(duration),
      cookie_name: a['stickiness.app_cookie.cookie_name'],
      enabled: a['stickiness.enabled'] === 'true',
      type,
    })),
  };
}

function defined(o: Record<string, HclValue | undefined>): HclItem[] {
  return Object.entries(o).flatMap(([k, v]) => (v === undefined ? [] : [attr(k, v)]));
}
