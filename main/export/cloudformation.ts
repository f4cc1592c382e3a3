// The AWS model → an AWS::ElasticLoadBalancingV2 CloudFormation template (elbv2-model.md 7.1):
// parameters for what only the user knows, outputs for DNS names and target group ARNs, and the
// Berth metadata that lets `berth import` restore the local-only settings.
import type { CertificateRef, ElbAction, ElbCondition, ElbListener, ElbRule, ElbTargetGroup } from './elb-model.js';
import type { ExportInput, ExportPlan } from './plan.js';
import { LOCAL_SETTINGS_VERSION } from './local-settings.js';

type Json = Record<string, unknown>;
const ref = (id: string) => ({ Ref: id });
const attributes = (attrs: Record<string, string>) => Object.entries(attrs).map(([Key, Value]) => ({ Key, Value }));

const PARAMETER_TYPES: Record<ExportInput['kind'], string> = {
  vpc: 'AWS::EC2::VPC::Id',
  subnets: 'List<AWS::EC2::Subnet::Id>',
  'security-groups': 'List<AWS::EC2::SecurityGroup::Id>',
  certificate: 'String',
};

export const CFN = {
  loadBalancer: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  listener: 'AWS::ElasticLoadBalancingV2::Listener',
  listenerRule: 'AWS::ElasticLoadBalancingV2::ListenerRule',
  listenerCertificate: 'AWS::ElasticLoadBalancingV2::ListenerCertificate',
  targetGroup: 'AWS::ElasticLoadBalancingV2::TargetGroup',
} as const;

/** The template as a JSON-shaped object; `warnings` go into the metadata when the format has no comments. */
export function cloudFormationTemplate(plan: ExportPlan, warnings?: string[]): Json {
  const { model } = plan;
  const parameters: Json = {};
  for (const input of plan.inputs) {
    parameters[input.key] = {
      Type: PARAMETER_TYPES[input.kind],
      Description: input.description,
      ...(input.kind === 'certificate' ? { AllowedPattern: '^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$', ConstraintDescription: 'an ACM certificate ARN' } : {}),
    };
  }
  const resources: Json = {};
  for (const lb of model.loadBalancers) {
    const sg = plan.securityGroups.get(lb.id);
    resources[lb.id] = {
      Type: CFN.loadBalancer,
      Properties: {
        Name: lb.name,
        Type: lb.type,
        Scheme: lb.scheme,
        Subnets: ref(plan.subnets.get(lb.id)!.key),
        ...(sg ? { SecurityGroups: ref(sg.key) } : {}),
        ...(Object.keys(lb.attributes).length ? { LoadBalancerAttributes: attributes(lb.attributes) } : {}),
      },
    };
    for (const l of model.listeners.filter((x) => x.loadBalancer === lb.id)) {
      resources[l.id] = { Type: CFN.listener, Properties: listenerProperties(l) };
      for (const r of model.rules.filter((x) => x.listener === l.id)) resources[r.id] = { Type: CFN.listenerRule, Properties: ruleProperties(r) };
      for (const c of model.listenerCertificates.filter((x) => x.listener === l.id)) {
        resources[c.id] = { Type: CFN.listenerCertificate, Properties: { ListenerArn: ref(l.id), Certificates: [certificate(c.certificate)] } };
      }
    }
  }
  for (const tg of model.targetGroups) resources[tg.id] = { Type: CFN.targetGroup, Properties: targetGroupProperties(tg, plan) };

  const outputs: Json = {};
  for (const lb of model.loadBalancers) outputs[`${lb.id}DnsName`] = { Description: `DNS name of load balancer ${lb.name}`, Value: { 'Fn::GetAtt': [lb.id, 'DNSName'] } };
  for (const tg of model.targetGroups) outputs[`${tg.id}Arn`] = { Description: `ARN of target group ${tg.name}`, Value: ref(tg.id) };

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'Load balancers and target groups exported by Berth (berth export --format cloudformation)',
    Metadata: {
      ...(warnings?.length ? { BerthWarnings: warnings } : {}),
      Berth: { version: LOCAL_SETTINGS_VERSION, local: plan.local },
    },
    Parameters: parameters,
    Resources: resources,
    ...(Object.keys(outputs).length ? { Outputs: outputs } : {}),
  };
}

function certificate(c: CertificateRef): Json {
  return { CertificateArn: 'parameter' in c ? ref(c.parameter) : c.arn };
}

function listenerProperties(l: ElbListener): Json {
  return {
    LoadBalancerArn: ref(l.loadBalancer),
    Port: l.port,
    Protocol: l.protocol,
    ...(l.sslPolicy ? { SslPolicy: l.sslPolicy } : {}),
    ...(l.certificates.length ? { Certificates: [certificate(l.certificates[0]!)] } : {}),
    ...(l.alpnPolicy ? { AlpnPolicy: [l.alpnPolicy] } : {}),
    ...(Object.keys(l.attributes).length ? { ListenerAttributes: attributes(l.attributes) } : {}),
    DefaultActions: l.defaultActions.map(action),
  };
}

function ruleProperties(r: ElbRule): Json {
  return { ListenerArn: ref(r.listener), Priority: r.priority, Conditions: r.conditions.map(condition), Actions: r.actions.map(action) };
}

export function action(a: ElbAction): Json {
  switch (a.type) {
    case 'forward': {
      const [only] = a.targetGroups;
      if (a.targetGroups.length === 1 && (only!.weight ?? 1) === 1 && !a.stickiness) return { Type: 'forward', TargetGroupArn: ref(only!.targetGroup) };
      return {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: a.targetGroups.map((g) => ({ TargetGroupArn: ref(g.targetGroup), Weight: g.weight ?? 1 })),
          ...(a.stickiness ? { TargetGroupStickinessConfig: { Enabled: a.stickiness.enabled, ...(a.stickiness.durationSeconds !== undefined ? { DurationSeconds: a.stickiness.durationSeconds } : {}) } } : {}),
        },
      };
    }
    case 'redirect':
      return {
        Type: 'redirect',
        RedirectConfig: defined({ Protocol: a.protocol, Port: a.port, Host: a.host, Path: a.path, Query: a.query, StatusCode: a.statusCode }),
      };
    case 'fixed-response':
      return { Type: 'fixed-response', FixedResponseConfig: defined({ StatusCode: a.statusCode, ContentType: a.contentType, MessageBody: a.messageBody }) };
  }
}

const CONDITION_CONFIG: Record<ElbCondition['field'], string> = {
  'host-header': 'HostHeaderConfig',
  'path-pattern': 'PathPatternConfig',
  'http-header': 'HttpHeaderConfig',
  'http-request-method': 'HttpRequestMethodConfig',
  'query-string': 'QueryStringConfig',
  'source-ip': 'SourceIpConfig',
};

function condition(c: ElbCondition): Json {
  const values = 'regexValues' in c && c.regexValues ? { RegexValues: c.regexValues } : c.field === 'query-string' ? {} : { Values: c.values };
  const config =
    c.field === 'http-header' ? { HttpHeaderName: c.name, ...values }
    : c.field === 'query-string' ? { Values: c.pairs.map((p) => defined({ Key: p.key, Value: p.value })) }
    : values;
  return { Field: c.field, [CONDITION_CONFIG[c.field]]: config };
}

function targetGroupProperties(tg: ElbTargetGroup, plan: ExportPlan): Json {
  const hc = tg.healthCheck;
  const vpc = plan.inputs.find((i) => i.kind === 'vpc')!;
  return defined({
    Name: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    ProtocolVersion: tg.protocolVersion,
    TargetType: tg.targetType,
    VpcId: ref(vpc.key),
    HealthCheckEnabled: hc.enabled,
    HealthCheckProtocol: hc.protocol,
    HealthCheckPort: hc.port,
    HealthCheckPath: hc.path,
    HealthCheckIntervalSeconds: hc.intervalSeconds,
    HealthCheckTimeoutSeconds: hc.timeoutSeconds,
    HealthyThresholdCount: hc.healthyThresholdCount,
    UnhealthyThresholdCount: hc.unhealthyThresholdCount,
    Matcher: hc.httpCode !== undefined ? { HttpCode: hc.httpCode } : hc.grpcCode !== undefined ? { GrpcCode: hc.grpcCode } : undefined,
    TargetGroupAttributes: attributes(tg.attributes),
  });
}

function defined(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
