// A rule as the form edits it (text fields) and back: the form never builds config objects by hand
// elsewhere, and what it builds is checked by the shared ruleSchema before anything is sent.
import type { Rule } from '../../../shared/model/index.js';
import { splitList } from './form-errors.js';

export type ActionKind = 'forward' | 'redirect' | 'fixedResponse';

export interface RuleDraft {
  priority: string;
  name: string;
  enabled: boolean;
  host: string;
  path: string;
  methods: string;
  sourceIp: string;
  /** Network (TCP) listeners: the TLS names (SNI) a ClientHello may carry. */
  sni: string;
  /** RE2 patterns, one per line (a regex may hold commas). */
  hostRegex: string;
  pathRegex: string;
  /** `Name: v1, v2` per line. */
  headers: string;
  /** `key=value` or `=value` per line. */
  query: string;
  kind: ActionKind;
  forward: { name: string; weight: string }[];
  groupStickySeconds: string;
  redirect: { protocol: string; host: string; port: string; path: string; query: string; statusCode: string };
  fixed: { statusCode: string; contentType: string; messageBody: string };
}

/** `network`: a rule for a network listener, which routes by TLS name (SNI) only. */
export function emptyDraft(priority: number, group: string | undefined, network = false): RuleDraft {
  return {
    priority: String(priority),
    name: '',
    enabled: true,
    host: '',
    path: network ? '' : '/api/*',
    sni: '',
    hostRegex: '',
    pathRegex: '',
    methods: '',
    sourceIp: '',
    headers: '',
    query: '',
    kind: 'forward',
    forward: [{ name: group ?? '', weight: '1' }],
    groupStickySeconds: '',
    redirect: { protocol: 'HTTPS', host: '#{host}', port: '443', path: '/#{path}', query: '#{query}', statusCode: 'HTTP_301' },
    fixed: { statusCode: '200', contentType: 'text/plain', messageBody: '' },
  };
}

export function draftFromRule(r: Rule): RuleDraft {
  const c = r.conditions;
  const base = emptyDraft(r.priority, undefined);
  const a = r.action;
  return {
    ...base,
    name: r.name ?? '',
    enabled: r.enabled,
    host: (c.hostHeader ?? []).join(', '),
    path: (c.pathPattern ?? []).join(', '),
    methods: (c.httpRequestMethod ?? []).join(', '),
    sourceIp: (c.sourceIp ?? []).join(', '),
    sni: (c.sni ?? []).join(', '),
    hostRegex: (c.hostHeaderRegex ?? []).join('\n'),
    pathRegex: (c.pathPatternRegex ?? []).join('\n'),
    headers: (c.httpHeader ?? []).map((h) => (h.regexValues ? `${h.name} ~ ${h.regexValues.join(' ~ ')}` : `${h.name}: ${(h.values ?? []).join(', ')}`)).join('\n'),
    query: (c.queryString ?? []).map((q) => `${q.key ?? ''}=${q.value}`).join('\n'),
    kind: a.forward ? 'forward' : a.redirect ? 'redirect' : 'fixedResponse',
    forward: a.forward ? a.forward.targetGroups.map((g) => ({ name: g.name, weight: String(g.weight) })) : base.forward,
    groupStickySeconds: a.forward?.stickiness?.enabled ? String(a.forward.stickiness.durationSeconds) : '',
    redirect: a.redirect ? { ...a.redirect, port: String(a.redirect.port) } : base.redirect,
    fixed: a.fixedResponse ? { statusCode: String(a.fixedResponse.statusCode), contentType: a.fixedResponse.contentType ?? '', messageBody: a.fixedResponse.messageBody ?? '' } : base.fixed,
  };
}

const num = (s: string): number | string => (/^-?\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim());

/** The rule as berth.yaml would hold it (schema input), to be validated by ruleSchema. */
export function ruleFromDraft(d: RuleDraft): Record<string, unknown> {
  const conditions: Record<string, unknown> = {};
  const list = (key: string, text: string) => {
    const values = splitList(text);
    if (values.length) conditions[key] = values;
  };
  list('hostHeader', d.host);
  list('pathPattern', d.path);
  list('httpRequestMethod', d.methods);
  list('sourceIp', d.sourceIp);
  list('sni', d.sni);
  const lines = (key: string, text: string) => {
    const values = text.split('\n').map((l) => l.trim()).filter(Boolean);
    if (values.length) conditions[key] = values;
  };
  lines('hostHeaderRegex', d.hostRegex);
  lines('pathPatternRegex', d.pathRegex);
  const headers = d.headers
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      // `Name ~ regex ~ regex` asks for regexValues; `Name: a, b` for values.
      const tilde = line.indexOf('~');
      const i = line.indexOf(':');
      if (tilde >= 0 && (i < 0 || tilde < i)) {
        return { name: line.slice(0, tilde).trim(), regexValues: line.slice(tilde + 1).split('~').map((v) => v.trim()).filter(Boolean) };
      }
      return i < 0 ? { name: line, values: [] } : { name: line.slice(0, i).trim(), values: splitList(line.slice(i + 1)) };
    });
  if (headers.length) conditions.httpHeader = headers;
  const query = d.query
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const i = line.indexOf('=');
      const key = i < 0 ? '' : line.slice(0, i).trim();
      return { ...(key ? { key } : {}), value: i < 0 ? line : line.slice(i + 1).trim() };
    });
  if (query.length) conditions.queryString = query;

  let action: Record<string, unknown>;
  if (d.kind === 'forward') {
    const sticky = d.groupStickySeconds.trim();
    action = { forward: { targetGroups: d.forward.filter((g) => g.name).map((g) => ({ name: g.name, weight: num(g.weight || '1') })), ...(sticky ? { stickiness: { enabled: true, durationSeconds: num(sticky) } } : {}) } };
  } else if (d.kind === 'redirect') {
    action = { redirect: { ...d.redirect, port: num(d.redirect.port) } };
  } else {
    action = { fixedResponse: { statusCode: num(d.fixed.statusCode), ...(d.fixed.contentType ? { contentType: d.fixed.contentType } : {}), ...(d.fixed.messageBody ? { messageBody: d.fixed.messageBody } : {}) } };
  }
  return { priority: num(d.priority), ...(d.name.trim() ? { name: d.name.trim() } : {}), ...(d.enabled ? {} : { enabled: false }), conditions, action };
}
