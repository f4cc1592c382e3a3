// The export fixtures cover every condition, action, listener protocol and target-group option, so
// the golden, validator and round-trip specs exercise all of the mapping.
import { describe, expect, it } from 'vitest';
import { LISTENER_PROTOCOLS, REQUEST_HEADER_NAMES, RESPONSE_HEADERS, TARGET_GROUP_PROTOCOLS, type Action, type BerthConfig } from '../../../shared/model/index.js';
import { FIXTURES, loadFixture } from './export-fixtures.js';

function features(config: BerthConfig): string[] {
  const out: string[] = [];
  const action = (a: Action, network = false) => {
    if (a.forward) out.push(a.forward.targetGroups.length > 1 ? 'forward:weighted' : 'forward:single', ...(a.forward.stickiness ? ['forward:stickiness'] : []));
    if (a.forward && network && a.forward.targetGroups.length > 1) out.push('forward:weighted:network');
    if (a.redirect) out.push('redirect');
    if (a.fixedResponse) out.push('fixedResponse', a.fixedResponse.contentType ? 'fixedResponse:contentType' : 'fixedResponse:noContentType');
  };
  for (const lb of config.loadBalancers) {
    out.push(`lb:type:${lb.type}`, `lb:scheme:${lb.scheme}`, `lb:xff:${lb.xffHeaderProcessingMode}`);
    if (lb.idleTimeoutSeconds !== 60) out.push('lb:idleTimeout');
    if (lb.preserveHostHeader) out.push('lb:preserveHostHeader');
    if (lb.tlsVersionAndCipherSuiteHeaders) out.push('lb:tlsVersionAndCipherSuiteHeaders');
    for (const l of lb.listeners) {
      out.push(`listener:${l.protocol}`);
      if (l.address !== '127.0.0.1') out.push('listener:address');
      if (!l.enabled) out.push('listener:disabled');
      if (l.name) out.push('listener:name');
      if (l.certificates) out.push(l.certificates === 'auto' ? 'listener:certificates:auto' : 'listener:certificates:files');
      for (const key of ['hostnames', 'sslPolicy', 'alpnPolicy', 'tcpIdleTimeoutSeconds', 'udpIdleTimeoutSeconds', 'udpMaxFlows'] as const) if (l[key] !== undefined) out.push(`listener:${key}`);
      action(l.defaultAction, lb.type === 'network');
      for (const [k, v] of Object.entries(l.headerModification ?? {})) {
        if (k === 'requestHeaderNames') for (const name of Object.keys(v as object)) out.push(`listener:headerModification:requestHeaderNames:${name}`);
        else out.push(`listener:headerModification:${k}`);
      }
      for (const r of l.rules) {
        if (!r.enabled) out.push('rule:disabled');
        if (r.name) out.push('rule:name');
        for (const [k, v] of Object.entries(r.conditions)) if (v !== undefined) out.push(`condition:${k}`);
        for (const q of r.conditions.queryString ?? []) out.push(q.key === undefined ? 'condition:queryString:anyKey' : 'condition:queryString:key');
        for (const h of r.conditions.httpHeader ?? []) if (h.regexValues) out.push('condition:httpHeader:regexValues');
        action(r.action);
      }
    }
  }
  for (const tg of config.targetGroups) {
    const hc = tg.healthCheck;
    out.push(`tg:protocol:${tg.protocol}`, `tg:version:${tg.protocolVersion}`, `tg:targetType:${tg.targetType}`, `tg:algorithm:${tg.loadBalancingAlgorithm}`, `tg:hc:${hc.protocol}`);
    if (tg.stickiness.enabled) out.push(`tg:stickiness:${tg.stickiness.type}`);
    if (tg.port === undefined) out.push('tg:noPort');
    if (tg.slowStartSeconds) out.push('tg:slowStart');
    if (tg.deregistrationDelaySeconds !== 300) out.push('tg:deregistrationDelay');
    if (tg.proxyProtocolV2) out.push('tg:proxyProtocolV2');
    if (tg.preserveClientIp !== undefined) out.push('tg:preserveClientIp');
    if (tg.connectionTermination !== undefined) out.push('tg:connectionTermination');
    if (tg.unhealthyConnectionTermination !== undefined) out.push('tg:unhealthyConnectionTermination');
    if (tg.unhealthyDrainingIntervalSeconds !== undefined) out.push(tg.unhealthyConnectionTermination === undefined ? 'tg:unhealthyDrainingIntervalSeconds:noTermination' : 'tg:unhealthyDrainingIntervalSeconds');
    if (!hc.enabled) out.push('tg:hc:disabled');
    if (hc.port !== 'traffic-port') out.push('tg:hc:port');
    for (const key of Object.keys(tg.targets.docker ?? {})) out.push(`docker:${key}`);
    if (tg.targets.static) out.push('targets:static');
  }
  return out;
}

describe('export fixtures', () => {
  const all = new Set(FIXTURES.flatMap((f) => features(loadFixture(f))));

  it('are at least 15 configs', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(15);
  });

  it.each([
    ...LISTENER_PROTOCOLS.map((p) => `listener:${p}`),
    ...['hostHeader', 'pathPattern', 'httpHeader', 'httpRequestMethod', 'queryString', 'sourceIp', 'sni'].map((c) => `condition:${c}`),
    'condition:queryString:key', 'condition:queryString:anyKey',
    'condition:hostHeaderRegex', 'condition:pathPatternRegex', 'condition:httpHeader:regexValues',
    'forward:single', 'forward:weighted', 'forward:weighted:network', 'forward:stickiness', 'redirect', 'fixedResponse:contentType', 'fixedResponse:noContentType',
    ...TARGET_GROUP_PROTOCOLS.map((p) => `tg:protocol:${p}`),
    'tg:version:HTTP1', 'tg:version:HTTP2', 'tg:version:GRPC', 'tg:targetType:instance', 'tg:targetType:ip',
    'tg:algorithm:round_robin', 'tg:algorithm:least_outstanding_requests', 'tg:algorithm:weighted_random',
    'tg:stickiness:lb_cookie', 'tg:stickiness:app_cookie', 'tg:stickiness:source_ip',
    'tg:hc:HTTP', 'tg:hc:HTTPS', 'tg:hc:TCP', 'tg:hc:disabled', 'tg:hc:port', 'tg:noPort',
    'tg:slowStart', 'tg:deregistrationDelay', 'tg:proxyProtocolV2', 'tg:preserveClientIp', 'tg:connectionTermination',
    'tg:unhealthyConnectionTermination', 'tg:unhealthyDrainingIntervalSeconds', 'tg:unhealthyDrainingIntervalSeconds:noTermination',
    'docker:labels', 'docker:composeProject', 'docker:composeService', 'docker:containerName', 'docker:image', 'docker:protocol', 'targets:static',
    'lb:type:application', 'lb:type:network', 'lb:scheme:internal', 'lb:xff:append', 'lb:xff:preserve', 'lb:xff:remove', 'lb:idleTimeout', 'lb:preserveHostHeader',
    'listener:address', 'listener:disabled', 'listener:name', 'listener:certificates:auto', 'listener:certificates:files', 'listener:hostnames',
    'listener:sslPolicy', 'listener:alpnPolicy', 'listener:tcpIdleTimeoutSeconds', 'listener:udpIdleTimeoutSeconds', 'listener:udpMaxFlows',
    'rule:disabled', 'rule:name', 'lb:tlsVersionAndCipherSuiteHeaders',
    ...['server', ...Object.keys(RESPONSE_HEADERS)].map((k) => `listener:headerModification:${k}`),
    ...Object.keys(REQUEST_HEADER_NAMES).map((k) => `listener:headerModification:requestHeaderNames:${k}`),
  ])('cover %s', (feature) => {
    expect(all.has(feature)).toBe(true);
  });
});
