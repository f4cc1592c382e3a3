// A CloudFormation template (YAML or JSON) → the AWS model. Reads the five ELBv2 resource types and
// the loadBalancers entries of ECS services; everything else is reported with its line and column,
// never skipped in silence. Refs between resources become model ids; parameters fall back to their
// defaults (reported), other intrinsic functions are reported as unsupported.
import { parseTemplate } from './cfn-yaml.js';
import { emptyModel, type CertificateRef, type ElbAction, type ElbCondition, type ElbModel, type Where } from './elb-model.js';
import { localSettingsSchema, type LocalEntry } from './local-settings.js';
import type { ImportProblem } from './model-to-config.js';
import { awsName } from './names.js';
import { CFN } from './cloudformation.js';

export interface ReadResult {
  model: ElbModel;
  local?: LocalEntry[];
  problems: ImportProblem[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

const KNOWN: Record<string, string[]> = {
  [CFN.loadBalancer]: ['Name', 'Type', 'Scheme', 'Subnets', 'SubnetMappings', 'SecurityGroups', 'IpAddressType', 'LoadBalancerAttributes', 'Tags'],
  [CFN.listener]: ['LoadBalancerArn', 'Port', 'Protocol', 'SslPolicy', 'Certificates', 'AlpnPolicy', 'ListenerAttributes', 'DefaultActions', 'Tags'],
  [CFN.listenerRule]: ['ListenerArn', 'Priority', 'Conditions', 'Actions', 'Tags'],
  [CFN.listenerCertificate]: ['ListenerArn', 'Certificates'],
  [CFN.targetGroup]: ['Name', 'Protocol', 'Port', 'ProtocolVersion', 'TargetType', 'VpcId', 'IpAddressType', 'HealthCheckEnabled', 'HealthCheckProtocol', 'HealthCheckPort', 'HealthCheckPath',
    'HealthCheckIntervalSeconds', 'HealthCheckTimeoutSeconds', 'HealthyThresholdCount', 'UnhealthyThresholdCount', 'Matcher', 'TargetGroupAttributes', 'Targets', 'Tags'],
};

export function readCloudFormation(text: string): ReadResult {
  const parsed = parseTemplate(text);
  const model = emptyModel();
  const problems: ImportProblem[] = parsed.errors.map((e) => ({ severity: 'error', code: 'syntax', message: e.message, where: { line: e.line, column: e.column } }));
  const root = parsed.template;
  if (problems.length) return { model, problems };
  if (!isObject(root) || !isObject(root.Resources)) {
    problems.push({ severity: 'error', code: 'not-a-template', message: 'no Resources section: this is not a CloudFormation template', where: { line: 1, column: 1 } });
    return { model, problems };
  }
  const parameters = isObject(root.Parameters) ? root.Parameters : {};
  const at = (path: (string | number)[], resource?: string, inner?: string): Where => ({ ...parsed.position(path), ...(resource ? { resource } : {}), ...(inner ? { path: inner } : {}) });
  const problem = (severity: ImportProblem['severity'], code: string, message: string, where: Where) => problems.push({ severity, code, message, where });

  let local: LocalEntry[] | undefined;
  const meta = isObject(root.Metadata) ? root.Metadata.Berth : undefined;
  if (meta !== undefined) {
    const m = localSettingsSchema.safeParse(meta);
    if (m.success) local = m.data.local as LocalEntry[];
    else problem('warning', 'bad-metadata', `Metadata.Berth is not in the form Berth writes (${m.error.issues[0]?.message}); ignored`, at(['Metadata', 'Berth']));
  }

  for (const [id, resource] of Object.entries(root.Resources)) {
    const base = ['Resources', id];
    const where = at(base, id);
    if (!isObject(resource) || typeof resource.Type !== 'string') {
      problem('error', 'bad-resource', 'a resource needs a Type', where);
      continue;
    }
    const type = resource.Type;
    const props = isObject(resource.Properties) ? resource.Properties : {};
    const prop = (name: string) => at([...base, 'Properties', name], id, name);
    if (resource.Condition !== undefined) problem('warning', 'conditional-resource', `condition ${String(resource.Condition)} is ignored: the resource is imported as if it were always created`, at([...base, 'Condition'], id));
    for (const key of Object.keys(props)) {
      if (KNOWN[type] && !KNOWN[type].includes(key)) problem('warning', 'unsupported-property', `${key} has no Berth equivalent; ignored`, prop(key));
    }
    /** A literal, or a parameter's default; other intrinsic functions are reported. */
    const value = (v: unknown, name: string): unknown => {
      if (!isObject(v)) return v;
      const p = typeof v.Ref === 'string' ? parameters[v.Ref] : undefined;
      if (isObject(p) && p.Default !== undefined) {
        problem('warning', 'parameter-default', `uses parameter ${String(v.Ref)}; imported its default ${JSON.stringify(p.Default)}`, prop(name));
        return p.Default;
      }
      problem('error', 'unsupported-intrinsic', `${Object.keys(v)[0]} cannot be resolved offline; set a literal value`, prop(name));
      return undefined;
    };
    const str = (name: string) => {
      const v = value(props[name], name);
      return v === undefined ? undefined : String(v);
    };
    const num = (name: string) => {
      const v = value(props[name], name);
      return v === undefined || Number.isNaN(Number(v)) ? undefined : Number(v);
    };
    const target = (v: unknown, name: string): string | undefined => {
      if (isObject(v) && typeof v.Ref === 'string' && isObject(root.Resources as Json) && (root.Resources as Json)[v.Ref]) return v.Ref;
      const getAtt = isObject(v) ? v['Fn::GetAtt'] : undefined;
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
      problem('error', 'external-reference', `${name} must refer to a resource of this template`, prop(name));
      return undefined;
    };
    const attributes = (name: string): Record<string, string> =>
      Object.fromEntries(list(props[name]).filter(isObject).map((a) => [String(a.Key), String(value(a.Value, name))]));
    const certificate = (c: unknown): CertificateRef | undefined => {
      const arn = isObject(c) ? c.CertificateArn : undefined;
      if (typeof arn === 'string') return { arn };
      if (isObject(arn) && typeof arn.Ref === 'string') return { parameter: arn.Ref };
      return undefined;
    };

    switch (type) {
      case CFN.loadBalancer: {
        const lbType = str('Type') ?? 'application';
        if (lbType !== 'application' && lbType !== 'network') {
          problem('error', 'unsupported-load-balancer', `${lbType} load balancers have no Berth equivalent; skipped`, prop('Type'));
          break;
        }
        const name = str('Name') ?? awsName(id);
        if (props.Name === undefined) problem('warning', 'derived-name', `no Name; imported as "${name}"`, where);
        model.loadBalancers.push({ id, tfName: id, where, name, type: lbType, scheme: str('Scheme') === 'internal' ? 'internal' : 'internet-facing', attributes: attributes('LoadBalancerAttributes') });
        break;
      }
      case CFN.listener: {
        const lb = target(props.LoadBalancerArn, 'LoadBalancerArn');
        if (!lb) break;
        const certificates = list(props.Certificates).map(certificate).filter((c): c is CertificateRef => c !== undefined);
        const alpn = list(props.AlpnPolicy)[0];
        model.listeners.push({
          id, tfName: id, where, loadBalancer: lb, port: num('Port') ?? 0, protocol: str('Protocol') ?? '', certificates,
          ...(str('SslPolicy') ? { sslPolicy: str('SslPolicy') } : {}),
          ...(typeof alpn === 'string' ? { alpnPolicy: alpn } : {}),
          attributes: attributes('ListenerAttributes'),
          defaultActions: actions(list(props.DefaultActions), (i) => at([...base, 'Properties', 'DefaultActions', i], id, `DefaultActions[${i}]`)),
        });
        break;
      }
      case CFN.listenerRule: {
        const listener = target(props.ListenerArn, 'ListenerArn');
        if (!listener) break;
        if (props.Transforms !== undefined) problem('error', 'unsupported-transform', 'rule transforms (host and URL rewrites) have no Berth equivalent; ignored', prop('Transforms'));
        const conditions = list(props.Conditions).map((c, i) => condition(c, at([...base, 'Properties', 'Conditions', i], id, `Conditions[${i}]`)));
        if (conditions.some((c) => c === undefined)) {
          // Dropping one of ANDed conditions would make the rule catch more requests than on AWS.
          problem('error', 'rule-skipped', 'rule not imported: it uses a condition Berth cannot evaluate', where);
          break;
        }
        model.rules.push({
          id, tfName: id, where, listener, priority: num('Priority') ?? 0, conditions: conditions as ElbCondition[],
          actions: actions(list(props.Actions), (i) => at([...base, 'Properties', 'Actions', i], id, `Actions[${i}]`)),
        });
        break;
      }
      case CFN.listenerCertificate: {
        const listener = target(props.ListenerArn, 'ListenerArn');
        list(props.Certificates).forEach((c, i) => {
          const cert = certificate(c);
          if (listener && cert) model.listenerCertificates.push({ id: i ? `${id}${i + 1}` : id, tfName: id, where, listener, certificate: cert });
        });
        break;
      }
      case CFN.targetGroup: {
        const targetType = str('TargetType') ?? 'instance';
        if (targetType !== 'instance' && targetType !== 'ip') {
          problem('error', 'unsupported-target-type', `${targetType} target groups have no Berth equivalent; skipped`, prop('TargetType'));
          break;
        }
        if (props.Targets !== undefined) problem('warning', 'registered-targets', 'registered targets are not imported: Berth fills target groups from Docker (see targets.docker)', prop('Targets'));
        const name = str('Name') ?? awsName(id);
        if (props.Name === undefined) problem('warning', 'derived-name', `no Name; imported as "${name}"`, where);
        const matcher = isObject(props.Matcher) ? props.Matcher : {};
        const bool = (n: string) => (props[n] === undefined ? undefined : String(value(props[n], n)) === 'true');
        model.targetGroups.push({
          id, tfName: id, where, name, protocol: str('Protocol') ?? '', port: num('Port'), targetType,
          ...(str('ProtocolVersion') ? { protocolVersion: str('ProtocolVersion') } : {}),
          healthCheck: {
            enabled: bool('HealthCheckEnabled'), protocol: str('HealthCheckProtocol'), port: str('HealthCheckPort'), path: str('HealthCheckPath'),
            intervalSeconds: num('HealthCheckIntervalSeconds'), timeoutSeconds: num('HealthCheckTimeoutSeconds'),
            healthyThresholdCount: num('HealthyThresholdCount'), unhealthyThresholdCount: num('UnhealthyThresholdCount'),
            httpCode: matcher.HttpCode === undefined ? undefined : String(matcher.HttpCode), grpcCode: matcher.GrpcCode === undefined ? undefined : String(matcher.GrpcCode),
          },
          attributes: attributes('TargetGroupAttributes'),
        });
        break;
      }
      case 'AWS::ECS::Service':
        list(props.LoadBalancers).filter(isObject).forEach((b) => {
          const tg = isObject(b.TargetGroupArn) && typeof b.TargetGroupArn.Ref === 'string' ? b.TargetGroupArn.Ref : undefined;
          if (tg && typeof b.ContainerName === 'string' && b.ContainerPort !== undefined) model.ecsBindings.push({ targetGroup: tg, containerName: b.ContainerName, containerPort: Number(b.ContainerPort) });
        });
        break;
      case 'AWS::ECS::TaskDefinition':
        break;
      default:
        problem('warning', 'unsupported-resource', `${type} is not a load-balancing resource; ignored`, at([...base, 'Type'], id));
    }
  }
  return { model, problems, ...(local ? { local } : {}) };

  function actions(raw: unknown[], where: (i: number) => Where): ElbAction[] {
    const ordered = raw.map((a, i) => ({ a, i })).filter((x): x is { a: Json; i: number } => isObject(x.a)).sort((x, y) => Number(x.a.Order ?? x.i) - Number(y.a.Order ?? y.i));
    return ordered.flatMap(({ a, i }): ElbAction[] => {
      const type = String(a.Type);
      const ref = (v: unknown) => (isObject(v) && typeof v.Ref === 'string' ? v.Ref : isObject(v) && Array.isArray(v['Fn::GetAtt']) ? String(v['Fn::GetAtt'][0]) : String(v));
      if (type === 'forward') {
        const fc = isObject(a.ForwardConfig) ? a.ForwardConfig : undefined;
        const groups = fc ? list(fc.TargetGroups).filter(isObject).map((g) => ({ targetGroup: ref(g.TargetGroupArn), ...(g.Weight !== undefined ? { weight: Number(g.Weight) } : {}) })) : [{ targetGroup: ref(a.TargetGroupArn) }];
        const s = fc && isObject(fc.TargetGroupStickinessConfig) ? fc.TargetGroupStickinessConfig : undefined;
        return [{ type: 'forward', targetGroups: groups, ...(s ? { stickiness: { enabled: String(s.Enabled) === 'true', ...(s.DurationSeconds !== undefined ? { durationSeconds: Number(s.DurationSeconds) } : {}) } } : {}) }];
      }
      const text = (o: Json, k: string) => (o[k] === undefined ? undefined : String(o[k]));
      if (type === 'redirect' && isObject(a.RedirectConfig)) {
        const r = a.RedirectConfig;
        return [{ type: 'redirect', protocol: text(r, 'Protocol'), port: text(r, 'Port'), host: text(r, 'Host'), path: text(r, 'Path'), query: text(r, 'Query'), statusCode: String(r.StatusCode) }];
      }
      if (type === 'fixed-response' && isObject(a.FixedResponseConfig)) {
        const f = a.FixedResponseConfig;
        return [{ type: 'fixed-response', statusCode: String(f.StatusCode), ...(f.ContentType !== undefined ? { contentType: String(f.ContentType) } : {}), ...(f.MessageBody !== undefined ? { messageBody: String(f.MessageBody) } : {}) }];
      }
      problems.push({ severity: 'warning', code: 'unsupported-action', message: `${type} actions have no Berth equivalent (Berth does not authenticate); not imported`, where: where(i) });
      return [];
    });
  }

  function condition(c: unknown, where: Where): ElbCondition | undefined {
    if (!isObject(c)) return undefined;
    const field = String(c.Field);
    const config = Object.entries(c).find(([k]) => k.endsWith('Config'))?.[1];
    const cfg = isObject(config) ? config : {};
    const regex = cfg.RegexValues !== undefined ? { regexValues: list(cfg.RegexValues).map(String) } : {};
    const values = list(cfg.Values ?? c.Values).map(String);
    switch (field) {
      case 'host-header':
      case 'path-pattern':
        return { field, values, ...regex };
      case 'http-request-method':
      case 'source-ip':
        return { field, values };
      case 'http-header':
        return { field, name: String(cfg.HttpHeaderName), values, ...regex };
      case 'query-string':
        return { field, pairs: list(cfg.Values).filter(isObject).map((p) => ({ ...(p.Key !== undefined ? { key: String(p.Key) } : {}), value: String(p.Value) })) };
    }
    problems.push({ severity: 'error', code: 'unsupported-condition', message: `${field} conditions have no Berth equivalent`, where });
    return undefined;
  }
}
