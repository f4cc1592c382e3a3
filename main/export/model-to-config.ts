// Reads the AWS model back into berth.yaml terms. Used by both importers, and by every export to
// find out what the AWS resources cannot say (the difference becomes Berth metadata and warnings).
import { HEADER_MODIFICATION_ATTRIBUTES, headerModificationFromAttributes, TLS_HEADERS_ATTRIBUTE } from './header-attributes.js';
import type { BerthConfigInput } from '../../shared/model/index.js';
import type { ElbAction, ElbCondition, ElbListener, ElbModel, ElbRule, ElbTargetGroup, Where } from './elb-model.js';
import { APPLICATION_TG_PROTOCOLS } from './elb-model.js';

export interface ImportProblem {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  where?: Where;
}

type Json = Record<string, unknown>;

export interface ConfigDraft {
  input: BerthConfigInput;
  /** Which model resource each config object came from, by config path (`loadBalancers.0.listeners.1`). */
  origins: [path: string, where: Where | undefined][];
}

const LB_ATTRIBUTES = new Set(['idle_timeout.timeout_seconds', 'routing.http.preserve_host_header.enabled', 'routing.http.xff_header_processing.mode', 'routing.http2.enabled', TLS_HEADERS_ATTRIBUTE]);
const LISTENER_ATTRIBUTES = new Set(['tcp.idle_timeout.seconds', ...HEADER_MODIFICATION_ATTRIBUTES]);
const TG_ATTRIBUTES = new Set([
  'deregistration_delay.timeout_seconds', 'slow_start.duration_seconds', 'load_balancing.algorithm.type', 'stickiness.enabled', 'stickiness.type',
  'stickiness.lb_cookie.duration_seconds', 'stickiness.app_cookie.duration_seconds', 'stickiness.app_cookie.cookie_name', 'proxy_protocol_v2.enabled',
  'preserve_client_ip.enabled', 'deregistration_delay.connection_termination.enabled',
  'target_health_state.unhealthy.connection_termination.enabled', 'target_health_state.unhealthy.draining_interval_seconds',
]);

const num = (v: string | undefined) => (v === undefined || v.trim() === '' || Number.isNaN(Number(v)) ? undefined : Number(v));
const bool = (v: string | undefined) => (v === undefined ? undefined : v.toLowerCase() === 'true');
const defined = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function ignoredAttributes(attributes: Record<string, string>, known: Set<string>, where: Where | undefined, problems: ImportProblem[]): void {
  for (const [key, value] of Object.entries(attributes)) {
    if (!known.has(key)) problems.push({ severity: 'warning', code: 'unsupported-attribute', message: `attribute ${key} = ${value} has no Berth equivalent; ignored`, where });
  }
}

export function modelToConfig(model: ElbModel, problems: ImportProblem[]): ConfigDraft {
  const origins: ConfigDraft['origins'] = [];
  const tgName = new Map(model.targetGroups.map((tg) => [tg.id, tg.name]));

  const loadBalancers = model.loadBalancers.map((lb, li) => {
    origins.push([`loadBalancers.${li}`, lb.where]);
    ignoredAttributes(lb.attributes, LB_ATTRIBUTES, lb.where, problems);
    const listeners = model.listeners
      .filter((l) => l.loadBalancer === lb.id)
      .map((l, i) => listenerToConfig(l, model.rules.filter((r) => r.listener === l.id), tgName, `loadBalancers.${li}.listeners.${i}`, origins, problems));
    return defined({
      name: lb.name,
      type: lb.type,
      scheme: lb.scheme,
      idleTimeoutSeconds: num(lb.attributes['idle_timeout.timeout_seconds']),
      preserveHostHeader: bool(lb.attributes['routing.http.preserve_host_header.enabled']),
      http2Enabled: bool(lb.attributes['routing.http2.enabled']),
      xffHeaderProcessingMode: lb.attributes['routing.http.xff_header_processing.mode'],
      tlsVersionAndCipherSuiteHeaders: bool(lb.attributes[TLS_HEADERS_ATTRIBUTE]),
      listeners,
    });
  });
  const targetGroups = model.targetGroups.map((tg, i) => {
    origins.push([`targetGroups.${i}`, tg.where]);
    return targetGroupToConfig(tg, problems);
  });
  return { input: { loadBalancers, targetGroups } as BerthConfigInput, origins };
}

function listenerToConfig(l: ElbListener, rules: ElbRule[], tgName: Map<string, string>, path: string, origins: ConfigDraft['origins'], problems: ImportProblem[]): Json {
  origins.push([path, l.where]);
  ignoredAttributes(l.attributes, LISTENER_ATTRIBUTES, l.where, problems);
  const secure = l.protocol === 'HTTPS' || l.protocol === 'TLS';
  return defined({
    port: l.port,
    protocol: l.protocol,
    certificates: secure ? 'auto' : undefined,
    sslPolicy: l.sslPolicy,
    alpnPolicy: l.alpnPolicy,
    tcpIdleTimeoutSeconds: num(l.attributes['tcp.idle_timeout.seconds']),
    headerModification: headerModificationFromAttributes(l.attributes),
    defaultAction: actionToConfig(l.defaultActions, tgName, l.where, problems),
    rules: rules.map((r, i) => {
      origins.push([`${path}.rules.${i}`, r.where]);
      return { priority: r.priority, conditions: conditionsToConfig(r.conditions, r.where, problems), action: actionToConfig(r.actions, tgName, r.where, problems) };
    }),
  });
}

function actionToConfig(actions: ElbAction[], tgName: Map<string, string>, where: Where | undefined, problems: ImportProblem[]): Json {
  if (actions.length !== 1) {
    problems.push({ severity: 'error', code: 'unsupported-action', message: `expected one forward, redirect or fixed-response action, found ${actions.length}`, where });
  }
  const a = actions[actions.length - 1];
  if (!a) return {};
  switch (a.type) {
    case 'forward':
      return {
        forward: defined({
          targetGroups: a.targetGroups.map((g) => ({ name: tgName.get(g.targetGroup) ?? g.targetGroup, weight: g.weight ?? 1 })),
          stickiness: a.stickiness ? defined({ enabled: a.stickiness.enabled, durationSeconds: a.stickiness.durationSeconds }) : undefined,
        }),
      };
    case 'redirect':
      return { redirect: defined({ protocol: a.protocol, port: a.port, host: a.host, path: a.path, query: a.query, statusCode: a.statusCode }) };
    case 'fixed-response':
      return { fixedResponse: defined({ statusCode: a.statusCode, contentType: a.contentType, messageBody: a.messageBody }) };
  }
}

function conditionsToConfig(conditions: ElbCondition[], where: Where | undefined, problems: ImportProblem[]): Json {
  const out: Json = {};
  const single = (key: string, values: unknown) => {
    if (out[key] !== undefined) problems.push({ severity: 'error', code: 'duplicate-condition', message: `a rule holds at most one ${key} condition; the later one is ignored`, where });
    else out[key] = values;
  };
  for (const c of conditions) {
    switch (c.field) {
      case 'host-header':
        if (c.regexValues) single('hostHeaderRegex', c.regexValues);
        else single('hostHeader', c.values);
        break;
      case 'path-pattern':
        if (c.regexValues) single('pathPatternRegex', c.regexValues);
        else single('pathPattern', c.values);
        break;
      case 'http-request-method':
        single('httpRequestMethod', c.values);
        break;
      case 'source-ip':
        single('sourceIp', c.values);
        break;
      case 'http-header':
        out.httpHeader = [...((out.httpHeader as unknown[]) ?? []), c.regexValues ? { name: c.name, regexValues: c.regexValues } : { name: c.name, values: c.values }];
        break;
      case 'query-string':
        // Berth holds one query-string condition; a second one is ANDed on AWS and can't be merged.
        single('queryString', c.pairs.map((p) => defined({ key: p.key, value: p.value })));
        break;
    }
  }
  return out;
}

function targetGroupToConfig(tg: ElbTargetGroup, problems: ImportProblem[]): Json {
  const a = tg.attributes;
  ignoredAttributes(a, TG_ATTRIBUTES, tg.where, problems);
  const l7 = APPLICATION_TG_PROTOCOLS.has(tg.protocol);
  const hc = tg.healthCheck;
  const type = a['stickiness.type'];
  const stickinessType = type === 'source_ip' || type === 'app_cookie' ? type : 'lb_cookie';
  const duration = num(a[stickinessType === 'app_cookie' ? 'stickiness.app_cookie.duration_seconds' : 'stickiness.lb_cookie.duration_seconds']);
  // Berth requires timeout < interval; AWS's own defaults can break that (NLB: 10 s interval, 10 s timeout).
  let timeoutSeconds = hc.timeoutSeconds;
  const interval = hc.intervalSeconds ?? 30;
  const defaultTimeout = l7 ? 5 : (hc.protocol ?? 'TCP') === 'HTTP' ? 6 : 10;
  if (timeoutSeconds === undefined && defaultTimeout >= interval) {
    timeoutSeconds = Math.max(2, interval - 1);
    problems.push({ severity: 'warning', code: 'health-check-timeout', message: `no health-check timeout; AWS's default (${defaultTimeout} s) is not shorter than the ${interval} s interval, as Berth requires: imported ${timeoutSeconds} s`, where: tg.where });
  }
  return defined({
    name: tg.name,
    protocol: tg.protocol,
    port: tg.port,
    protocolVersion: l7 ? tg.protocolVersion : undefined,
    targetType: tg.targetType,
    loadBalancingAlgorithm: a['load_balancing.algorithm.type'],
    deregistrationDelaySeconds: num(a['deregistration_delay.timeout_seconds']),
    slowStartSeconds: num(a['slow_start.duration_seconds']),
    healthCheck: defined({
      enabled: hc.enabled,
      protocol: hc.protocol,
      port: hc.port === undefined || hc.port === 'traffic-port' ? hc.port : num(hc.port),
      path: hc.path,
      intervalSeconds: hc.intervalSeconds,
      timeoutSeconds,
      healthyThresholdCount: hc.healthyThresholdCount,
      unhealthyThresholdCount: hc.unhealthyThresholdCount,
      // GRPC groups: Berth's matcher holds gRPC codes, as AWS's GrpcCode does.
      matcher: l7 && tg.protocolVersion === 'GRPC' ? hc.grpcCode : hc.httpCode,
    }),
    stickiness: defined({
      enabled: bool(a['stickiness.enabled']) ?? false,
      type: stickinessType,
      durationSeconds: duration,
      cookieName: a['stickiness.app_cookie.cookie_name'],
    }),
    proxyProtocolV2: bool(a['proxy_protocol_v2.enabled']),
    preserveClientIp: bool(a['preserve_client_ip.enabled']),
    connectionTermination: bool(a['deregistration_delay.connection_termination.enabled']),
    unhealthyConnectionTermination: bool(a['target_health_state.unhealthy.connection_termination.enabled']),
    unhealthyDrainingIntervalSeconds: num(a['target_health_state.unhealthy.draining_interval_seconds']),
    targets: {},
  });
}
