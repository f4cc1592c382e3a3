// Config objects → AWS model pieces: actions, conditions and target groups, in the ELBv2 API's terms
// (elbv2-model.md sections 3, 2.3 and 4; attribute keys as in section 7).
import type { Action, Conditions, TargetGroup } from '../../shared/model/index.js';
import type { ElbAction, ElbCondition, ElbTargetGroup } from './elb-model.js';
import { APPLICATION_TG_PROTOCOLS } from './elb-model.js';

export function actionToModel(action: Action, tgRef: (name: string) => string): ElbAction {
  if (action.forward) {
    const f = action.forward;
    return {
      type: 'forward',
      targetGroups: f.targetGroups.map((g) => ({ targetGroup: tgRef(g.name), weight: g.weight })),
      ...(f.stickiness ? { stickiness: { enabled: f.stickiness.enabled, durationSeconds: f.stickiness.durationSeconds } } : {}),
    };
  }
  if (action.redirect) {
    const r = action.redirect;
    return { type: 'redirect', protocol: r.protocol, port: r.port, host: r.host, path: r.path, query: r.query, statusCode: r.statusCode };
  }
  const f = action.fixedResponse!;
  // Terraform requires a content type and AWS documents no default: text/plain is what a bare body is.
  return { type: 'fixed-response', statusCode: f.statusCode, contentType: f.contentType ?? 'text/plain', ...(f.messageBody !== undefined ? { messageBody: f.messageBody } : {}) };
}

export function conditionsToModel(c: Conditions): ElbCondition[] {
  const out: ElbCondition[] = [];
  if (c.hostHeader) out.push({ field: 'host-header', values: c.hostHeader });
  if (c.hostHeaderRegex) out.push({ field: 'host-header', values: [], regexValues: c.hostHeaderRegex });
  if (c.pathPattern) out.push({ field: 'path-pattern', values: c.pathPattern });
  if (c.pathPatternRegex) out.push({ field: 'path-pattern', values: [], regexValues: c.pathPatternRegex });
  for (const h of c.httpHeader ?? []) {
    out.push(h.regexValues ? { field: 'http-header', name: h.name, values: [], regexValues: h.regexValues } : { field: 'http-header', name: h.name, values: h.values ?? [] });
  }
  if (c.httpRequestMethod) out.push({ field: 'http-request-method', values: c.httpRequestMethod });
  if (c.queryString) out.push({ field: 'query-string', pairs: c.queryString.map((q) => (q.key === undefined ? { value: q.value } : { key: q.key, value: q.value })) });
  if (c.sourceIp) out.push({ field: 'source-ip', values: c.sourceIp });
  return out;
}

/** AWS needs a port on every instance/ip target group; ECS then registers each task's own host port. */
export function exportedPort(tg: TargetGroup): number {
  if (tg.port !== undefined) return tg.port;
  if (tg.targets.docker) return tg.targets.docker.containerPort;
  const first = tg.targets.static?.[0];
  if (first) return Number(first.slice(first.lastIndexOf(':') + 1));
  return tg.protocol === 'HTTPS' || tg.protocol === 'TLS' ? 443 : 80;
}

export function targetGroupToModel(tg: TargetGroup, id: string, tfName: string): ElbTargetGroup {
  const l7 = APPLICATION_TG_PROTOCOLS.has(tg.protocol);
  const hc = tg.healthCheck;
  const httpCheck = hc.protocol !== 'TCP';
  const grpc = l7 && tg.protocolVersion === 'GRPC';
  const attributes: Record<string, string> = { 'deregistration_delay.timeout_seconds': String(tg.deregistrationDelaySeconds) };
  const s = tg.stickiness;
  if (l7) {
    attributes['slow_start.duration_seconds'] = String(tg.slowStartSeconds);
    attributes['load_balancing.algorithm.type'] = tg.loadBalancingAlgorithm;
    attributes['stickiness.enabled'] = String(s.enabled);
    attributes['stickiness.type'] = s.type;
    if (s.type === 'app_cookie') {
      attributes['stickiness.app_cookie.duration_seconds'] = String(s.durationSeconds);
      if (s.cookieName) attributes['stickiness.app_cookie.cookie_name'] = s.cookieName;
    } else {
      attributes['stickiness.lb_cookie.duration_seconds'] = String(s.durationSeconds);
    }
  } else {
    attributes['proxy_protocol_v2.enabled'] = String(tg.proxyProtocolV2);
    if (tg.preserveClientIp !== undefined) attributes['preserve_client_ip.enabled'] = String(tg.preserveClientIp);
    if (tg.connectionTermination !== undefined) attributes['deregistration_delay.connection_termination.enabled'] = String(tg.connectionTermination);
    // Terraform's target_health_state block requires the termination flag, so a draining interval
    // alone (only 0 is allowed then) goes out with AWS's default beside it, in every format alike.
    const drain = tg.unhealthyDrainingIntervalSeconds;
    if (tg.unhealthyConnectionTermination !== undefined || drain !== undefined) attributes['target_health_state.unhealthy.connection_termination.enabled'] = String(tg.unhealthyConnectionTermination ?? true);
    if (drain !== undefined) attributes['target_health_state.unhealthy.draining_interval_seconds'] = String(drain);
    // Network groups know only source_ip stickiness; the untouched default says nothing to export.
    if (s.enabled || s.type === 'source_ip') {
      attributes['stickiness.enabled'] = String(s.enabled);
      attributes['stickiness.type'] = 'source_ip';
    }
  }
  return {
    id,
    tfName,
    name: tg.name,
    protocol: tg.protocol,
    port: exportedPort(tg),
    ...(l7 ? { protocolVersion: tg.protocolVersion } : {}),
    targetType: tg.targetType,
    healthCheck: {
      // AWS cannot switch health checks off for instance and ip targets.
      enabled: true,
      protocol: hc.protocol,
      port: String(hc.port),
      ...(httpCheck ? { path: hc.path } : {}),
      intervalSeconds: hc.intervalSeconds,
      timeoutSeconds: hc.timeoutSeconds,
      healthyThresholdCount: hc.healthyThresholdCount,
      unhealthyThresholdCount: hc.unhealthyThresholdCount,
      // On GRPC groups Berth's matcher holds gRPC codes, as AWS's GrpcCode does.
      ...(httpCheck ? (grpc ? { grpcCode: hc.matcher } : { httpCode: hc.matcher }) : {}),
    },
    attributes,
  };
}
