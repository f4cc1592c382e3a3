// Conditions and actions in words, the way the overview and the route tester show them.
import type { Action, Conditions } from '../../shared/model/index.js';

const list = (values: readonly string[]) => values.map((v) => `"${v}"`).join(' or ');

export function conditionsInWords(c: Conditions): string[] {
  const out: string[] = [];
  if (c.hostHeader) out.push(`host is ${list(c.hostHeader)}`);
  if (c.pathPattern) out.push(`path is ${list(c.pathPattern)}`);
  if (c.hostHeaderRegex) out.push(`host matches ${c.hostHeaderRegex.map((r) => `/${r}/`).join(' or ')}`);
  if (c.pathPatternRegex) out.push(`path matches ${c.pathPatternRegex.map((r) => `/${r}/`).join(' or ')}`);
  if (c.httpRequestMethod) out.push(`method is ${c.httpRequestMethod.join(' or ')}`);
  for (const h of c.httpHeader ?? []) {
    out.push(h.regexValues ? `header ${h.name} matches ${h.regexValues.map((r) => `/${r}/`).join(' or ')}` : `header ${h.name} is ${list(h.values ?? [])}`);
  }
  if (c.queryString) out.push(`query has ${c.queryString.map((q) => (q.key ? `${q.key}=${q.value}` : `value ${q.value}`)).join(' or ')}`);
  if (c.sourceIp) out.push(`client IP in ${c.sourceIp.join(' or ')}`);
  if (c.sni) out.push(`TLS name (SNI) is ${list(c.sni)}`);
  return out;
}

export function actionInWords(a: Action): string {
  if (a.forward) {
    const groups = a.forward.targetGroups;
    if (groups.length === 1) return `forward to ${groups[0]!.name}`;
    const total = groups.reduce((n, g) => n + g.weight, 0) || 1;
    const split = groups.map((g) => `${g.name} ${Math.round((g.weight / total) * 100)}%`).join(', ');
    return `forward to ${split}${a.forward.stickiness?.enabled ? ` (group-sticky ${a.forward.stickiness.durationSeconds}s)` : ''}`;
  }
  if (a.redirect) {
    const r = a.redirect;
    return `redirect ${r.statusCode === 'HTTP_301' ? '301' : '302'} to ${r.protocol.toLowerCase()}://${r.host}:${r.port}${r.path}${r.query ? `?${r.query}` : ''}`;
  }
  if (a.fixedResponse) {
    const f = a.fixedResponse;
    if (f.contentType === 'text/html' && f.messageBody) return `respond ${f.statusCode} with an HTML page`;
    return `respond ${f.statusCode}${f.messageBody ? ` "${f.messageBody.length > 40 ? `${f.messageBody.slice(0, 40)}…` : f.messageBody}"` : ''}`;
  }
  return 'no action';
}

/** What a listener's default action takes when no rule decides: requests, connections or flows. */
export function whatListenerCarries(protocol: string): string {
  if (protocol === 'UDP') return 'every flow';
  if (protocol === 'TCP_UDP') return 'every connection and flow';
  if (protocol === 'TCP' || protocol === 'TLS') return 'every connection';
  return 'every request';
}

export function targetGroupsOf(a: Action): string[] {
  return a.forward ? a.forward.targetGroups.map((g) => g.name) : [];
}
