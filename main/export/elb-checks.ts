// ELBv2 rules that only the AWS API enforces — CloudFormation's schemas and Terraform's provider
// accept these templates, and the stack then fails half-way through creation (elbv2-model.md 1–4).
// Run on every export (a bug guard) and on every import (a foreign template may break them).
import { compatibleTargetGroupProtocols } from '../../shared/model/index.js';
import type { ElbAction, ElbListener, ElbModel, ElbTargetGroup, Where } from './elb-model.js';
import { APPLICATION_TG_PROTOCOLS } from './elb-model.js';
import type { ImportProblem } from './model-to-config.js';

const APPLICATION_LISTENERS = new Set(['HTTP', 'HTTPS']);
const NETWORK_LISTENERS = new Set(['TCP', 'TLS', 'UDP', 'TCP_UDP']);
const SINGLE_CONDITIONS = ['host-header', 'path-pattern', 'http-request-method', 'source-ip'];

export function checkModel(model: ElbModel): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const error = (where: Where | undefined, id: string, message: string) => problems.push({ severity: 'error', code: 'elb-rule', message, where: where ?? { resource: id } });
  const lbs = new Map(model.loadBalancers.map((lb) => [lb.id, lb]));
  const listeners = new Map(model.listeners.map((l) => [l.id, l]));
  const tgs = new Map(model.targetGroups.map((tg) => [tg.id, tg]));
  const tgOwner = new Map<string, string>();

  const checkAction = (a: ElbAction, l: ElbListener, network: boolean, where: Where | undefined, id: string) => {
    if (network && a.type !== 'forward') return error(where, id, `a network listener can only forward, not ${a.type}`);
    if (a.type === 'redirect' && l.protocol === 'HTTPS' && a.protocol === 'HTTP') error(where, id, 'a redirect from HTTPS to HTTP is not allowed');
    if (a.type !== 'forward') return;
    if (network && a.stickiness?.enabled) error(where, id, 'target-group stickiness applies only to application load balancers');
    if (a.targetGroups.length > 5) error(where, id, 'a forward action names at most 5 target groups');
    if (a.targetGroups.length > 1 && a.targetGroups.every((g) => (g.weight ?? 1) === 0)) error(where, id, 'at least one target group of a weighted forward needs a weight above 0');
    for (const g of a.targetGroups) {
      if (g.weight !== undefined && (g.weight < 0 || g.weight > 999)) error(where, id, `weight ${g.weight} is outside 0–999`);
      const tg = tgs.get(g.targetGroup);
      if (!tg) {
        error(where, id, `forwards to ${g.targetGroup}, which is not a target group in this file`);
        continue;
      }
      const allowed = compatibleTargetGroupProtocols(l.protocol as never) ?? [];
      if (!allowed.includes(tg.protocol)) error(where, id, `${l.protocol} listeners cannot forward to the ${tg.protocol} target group ${tg.name} (allowed: ${allowed.join(', ')})`);
      if ((tg.protocolVersion === 'GRPC' || tg.protocolVersion === 'HTTP2') && l.protocol !== 'HTTPS') error(where, id, `${tg.protocolVersion} target group ${tg.name} can only be used by HTTPS listeners`);
      const owner = tgOwner.get(tg.id);
      if (owner && owner !== l.loadBalancer) error(where, id, `target group ${tg.name} is already used by another load balancer; a target group belongs to one load balancer`);
      tgOwner.set(tg.id, l.loadBalancer);
    }
  };

  for (const lb of model.loadBalancers) {
    if (/^internal-/i.test(lb.name)) error(lb.where, lb.id, `load balancer name ${lb.name} must not start with "internal-"`);
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(lb.name)) error(lb.where, lb.id, `load balancer name ${lb.name} must be 1–32 letters, digits and "-", not starting or ending with "-"`);
  }
  for (const tg of model.targetGroups) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(tg.name)) error(tg.where, tg.id, `target group name ${tg.name} must be 1–32 letters, digits and "-", not starting or ending with "-"`);
  }
  const ports = new Map<string, string>();
  for (const l of model.listeners) {
    const lb = lbs.get(l.loadBalancer);
    if (!lb) {
      error(l.where, l.id, `listener refers to ${l.loadBalancer}, which is not a load balancer in this file`);
      continue;
    }
    const network = lb.type === 'network';
    if (network ? !NETWORK_LISTENERS.has(l.protocol) : !APPLICATION_LISTENERS.has(l.protocol)) {
      error(l.where, l.id, `${l.protocol} listeners are not allowed on a${network ? ' network' : 'n application'} load balancer (${network ? 'TCP, TLS, UDP or TCP_UDP' : 'HTTP or HTTPS'})`);
    }
    const portKey = `${lb.id}:${l.port}`;
    if (ports.has(portKey)) error(l.where, l.id, `port ${l.port} of ${lb.name} already has the ${ports.get(portKey)} listener; a load balancer has one listener per port`);
    ports.set(portKey, l.protocol);
    const secure = l.protocol === 'HTTPS' || l.protocol === 'TLS';
    if (secure && l.certificates.length !== 1) error(l.where, l.id, `${l.protocol} listeners need exactly one default certificate`);
    if (!secure && l.certificates.length) error(l.where, l.id, `${l.protocol} listeners take no certificates`);
    if (!secure && l.sslPolicy) error(l.where, l.id, 'SslPolicy applies to HTTPS and TLS listeners only');
    if (l.alpnPolicy && l.protocol !== 'TLS') error(l.where, l.id, 'AlpnPolicy applies to TLS listeners only');
    const tcpIdle = l.attributes['tcp.idle_timeout.seconds'];
    if (tcpIdle !== undefined && l.protocol !== 'TCP' && l.protocol !== 'TCP_UDP') error(l.where, l.id, 'tcp.idle_timeout.seconds applies to TCP listeners only');
    if (l.defaultActions.length === 0) error(l.where, l.id, 'a listener needs a default action');
    for (const a of l.defaultActions) checkAction(a, l, network, l.where, l.id);
  }

  const priorities = new Map<string, string>();
  for (const r of model.rules) {
    const l = listeners.get(r.listener);
    if (!l) {
      error(r.where, r.id, `rule refers to ${r.listener}, which is not a listener in this file`);
      continue;
    }
    const network = lbs.get(l.loadBalancer)?.type === 'network';
    if (network) error(r.where, r.id, 'network listeners have no rules, only their default action');
    if (r.priority < 1 || r.priority > 50_000) error(r.where, r.id, `priority ${r.priority} is outside 1–50000`);
    const key = `${l.id}:${r.priority}`;
    if (priorities.has(key)) error(r.where, r.id, `priority ${r.priority} is already used by ${priorities.get(key)} on this listener`);
    priorities.set(key, r.id);
    if (r.conditions.length === 0) error(r.where, r.id, 'a rule needs at least one condition');
    for (const field of SINGLE_CONDITIONS) {
      if (r.conditions.filter((c) => c.field === field).length > 1) error(r.where, r.id, `a rule holds at most one ${field} condition`);
    }
    for (const a of r.actions) checkAction(a, l, network, r.where, r.id);
  }

  for (const c of model.listenerCertificates) {
    const l = listeners.get(c.listener);
    if (!l) error(c.where, c.id, `certificate list refers to ${c.listener}, which is not a listener in this file`);
    else if (l.protocol !== 'HTTPS' && l.protocol !== 'TLS') error(c.where, c.id, `${l.protocol} listeners have no certificate list`);
  }
  for (const tg of model.targetGroups) checkTargetGroup(tg, (m) => error(tg.where, tg.id, m));
  return problems;
}

function checkTargetGroup(tg: ElbTargetGroup, error: (message: string) => void): void {
  const l7 = APPLICATION_TG_PROTOCOLS.has(tg.protocol);
  const hc = tg.healthCheck;
  const a = tg.attributes;
  if (hc.enabled === false && (tg.targetType === 'instance' || tg.targetType === 'ip')) error('health checks cannot be disabled for instance and ip targets');
  if (l7 && hc.protocol === 'TCP') error('HTTP and HTTPS target groups cannot use TCP health checks');
  if (hc.protocol && !['HTTP', 'HTTPS', 'TCP'].includes(hc.protocol)) error(`${hc.protocol} is not a health-check protocol (HTTP, HTTPS or TCP)`);
  if (hc.protocol === 'TCP' && (hc.path !== undefined || hc.httpCode !== undefined || hc.grpcCode !== undefined)) error('a TCP health check takes no path and no matcher');
  if (hc.intervalSeconds !== undefined && hc.timeoutSeconds !== undefined && hc.timeoutSeconds >= hc.intervalSeconds) error('the health-check timeout must be shorter than the interval');
  if (!l7 && tg.protocolVersion) error('ProtocolVersion applies to HTTP and HTTPS target groups only');
  if (hc.grpcCode !== undefined && tg.protocolVersion !== 'GRPC') error('a gRPC matcher needs ProtocolVersion GRPC');
  if (tg.protocolVersion === 'GRPC' && hc.httpCode !== undefined) error('a GRPC target group is matched by gRPC codes, not HTTP codes');
  const slow = Number(a['slow_start.duration_seconds'] ?? 0);
  if (slow && !l7) error('slow start applies to HTTP and HTTPS target groups only');
  if (slow && a['load_balancing.algorithm.type'] === 'least_outstanding_requests') error('slow start cannot be combined with least_outstanding_requests');
  if (a['load_balancing.algorithm.type'] && !l7) error('load_balancing.algorithm.type applies to HTTP and HTTPS target groups only');
  if (a['proxy_protocol_v2.enabled'] !== undefined && l7) error('proxy protocol v2 applies to network target groups only');
  const type = a['stickiness.type'];
  if (type === 'source_ip' && l7) error('source_ip stickiness is for network target groups');
  if ((type === 'lb_cookie' || type === 'app_cookie') && !l7) error(`${type} stickiness is for HTTP and HTTPS target groups`);
  if (type === 'app_cookie' && !a['stickiness.app_cookie.cookie_name']) error('app_cookie stickiness needs stickiness.app_cookie.cookie_name');
  if (tg.port === undefined) error('instance and ip target groups need a port');
}
