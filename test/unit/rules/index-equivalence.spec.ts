// Property: the indexed match() picks the same rule as a plain linear scan written independently
// here (regular expressions built from AWS's description), and as explain(), over random configs.
import { describe, expect, it } from 'vitest';
import type { Conditions, Rule } from '../../../shared/model/index.js';
import { compileRules, type RuleRequest } from '../../../shared/rules/index.js';
import { DEFAULT, OK } from './rule-fixtures.js';

/** mulberry32: a seeded generator, so a failure names a reproducible seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const some = <T>(list: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(next() * max) }, () => pick(list)))];
  return { next, pick, some };
}

const HOST_PATTERNS = ['a.test', 'b.test', 'A.Test', 'x.a.test', '*.test', '*.a.test', '?.test', 'a.*', '*', 'c.other'];
const PATH_PATTERNS = ['/', '/a', '/a/*', '/a*', '/b/?', '*', '/a/b', '/*/b'];
const METHODS = ['GET', 'POST', 'HEAD'];
const HEADER_VALUES = ['1', '2', '*', '?'];
const QUERY_PAIRS = [{ key: 'v', value: '1' }, { key: 'v', value: '*' }, { value: '2' }, { key: 'w*', value: '?' }];
const CIDRS = ['127.0.0.0/8', '10.0.0.0/8', '::1/128'];

const REQ_HOSTS = ['a.test', 'A.test:8080', 'b.test', 'x.a.test', 'y.x.a.test', 'c.test', 'a.other', 'c.other', 'zz', ''];
const REQ_PATHS = ['/', '/a', '/a/', '/a/b', '/b/c', '/ab', '/x/b'];
const REQ_QUERIES = ['', 'v=1', 'v=3', 'x=2', 'w=1', 'wx=9&v=1', 'V=1'];
const REQ_SOURCES = ['127.0.0.1', '10.1.1.1', '::1', '192.168.0.1'];

function randomRule(r: ReturnType<typeof random>, priority: number): Rule {
  const c: Partial<Conditions> = {};
  const kinds = r.some(['host', 'host', 'path', 'method', 'header', 'query', 'source'], 3);
  for (const kind of kinds) {
    if (kind === 'host') c.hostHeader = r.some(HOST_PATTERNS, 3);
    if (kind === 'path') c.pathPattern = r.some(PATH_PATTERNS, 2);
    if (kind === 'method') c.httpRequestMethod = r.some(METHODS, 2);
    if (kind === 'header') c.httpHeader = [{ name: r.pick(['X-H', 'x-h', 'x-k']), values: r.some(HEADER_VALUES, 2) }];
    if (kind === 'query') c.queryString = r.some(QUERY_PAIRS, 2);
    if (kind === 'source') c.sourceIp = r.some(CIDRS, 2);
  }
  return { priority, enabled: r.next() > 0.15, conditions: c as Conditions, action: OK };
}

function randomRequest(r: ReturnType<typeof random>): RuleRequest {
  const headers: Record<string, string | string[]> = {};
  if (r.next() < 0.5) headers['x-h'] = r.next() < 0.3 ? [r.pick(['1', '2', '3']), r.pick(['1', '2', 'x'])] : r.pick(['1', '2', 'abc', '']);
  if (r.next() < 0.3) headers['x-k'] = r.pick(['1', '2']);
  return { method: r.pick(METHODS), host: r.pick(REQ_HOSTS), path: r.pick(REQ_PATHS), query: r.pick(REQ_QUERIES), headers, sourceIp: r.pick(REQ_SOURCES) };
}

// ---- the independent reference: regular expressions straight from AWS's wording ----
const globs = new Map<string, RegExp>();
const glob = (p: string, flags = '') => {
  const key = `${flags}:${p}`;
  let re = globs.get(key);
  if (!re) globs.set(key, (re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, `s${flags}`)));
  return re;
};
const v4 = (ip: string) => ip.replace(/^::ffff:/, '').split('.').reduce((n, o) => n * 256 + Number(o), 0);
function inCidr(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/');
  if (net!.includes(':') || ip.includes(':')) return net === '::1' && ip === '::1';
  const mask = Number(bits) === 0 ? 0 : 2 ** 32 - 2 ** (32 - Number(bits));
  return ((v4(ip) & mask) >>> 0) === ((v4(net!) & mask) >>> 0);
}
function referenceMatches(c: Conditions, q: RuleRequest): boolean {
  const host = q.host.replace(/:\d+$/, '');
  if (c.hostHeader && !c.hostHeader.some((p) => glob(p, 'i').test(host))) return false;
  if (c.pathPattern && !c.pathPattern.some((p) => glob(p).test(q.path))) return false;
  if (c.httpRequestMethod && !c.httpRequestMethod.includes(q.method)) return false;
  for (const h of c.httpHeader ?? []) {
    const raw = q.headers[h.name.toLowerCase()];
    const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    if (!values.some((v) => (h.values ?? []).some((p) => glob(p, 'i').test(v)))) return false;
  }
  if (c.queryString) {
    const pairs = q.query ? q.query.split('&').map((s) => [s.split('=')[0]!, s.split('=')[1] ?? '']) : [];
    if (!c.queryString.some((p) => pairs.some(([k, v]) => (p.key === undefined || glob(p.key, 'i').test(k!)) && glob(p.value, 'i').test(v!)))) return false;
  }
  if (c.sourceIp && !c.sourceIp.some((cidr) => inCidr(q.sourceIp, cidr))) return false;
  return true;
}
function referenceLabel(rules: Rule[], q: RuleRequest): string {
  const hit = [...rules].sort((a, b) => a.priority - b.priority).find((rule) => rule.enabled && referenceMatches(rule.conditions, q));
  return hit ? String(hit.priority) : 'default';
}

describe('indexed matching equals a linear scan', () => {
  // Normally about a second; the generous timeout is for a machine busy with other work.
  it('over 400 random configs × 60 random requests', { timeout: 120_000 }, () => {
    let checked = 0;
    let nonDefault = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const r = random(seed);
      const count = Math.floor(r.next() * 40);
      const priorities = [...new Set(Array.from({ length: count }, () => 1 + Math.floor(r.next() * 200)))];
      const rules = priorities.map((p) => randomRule(r, p));
      const matcher = compileRules({ rules, defaultAction: DEFAULT });
      for (let n = 0; n < 60; n++) {
        const q = randomRequest(r);
        const expected = referenceLabel(rules, q);
        const got = matcher.match(q).label;
        if (got !== expected) expect({ seed, request: q, got }).toEqual({ seed, request: q, got: expected });
        expect(matcher.explain(q).matched.label).toBe(expected);
        checked++;
        if (expected !== 'default') nonDefault++;
      }
    }
    expect(checked).toBe(24_000);
    // The generator must exercise real matches, not only the default.
    expect(nonDefault).toBeGreaterThan(checked / 4);
  });
});
