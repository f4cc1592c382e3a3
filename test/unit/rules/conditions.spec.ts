// Every condition type against the edge cases elbv2-model.md 2.3 lists, one table per condition.
import { describe, expect, it } from 'vitest';
import type { Conditions } from '../../../shared/model/index.js';
import type { RuleRequest } from '../../../shared/rules/index.js';
import { matches } from './rule-fixtures.js';
import { listenerSchema } from '../../../shared/model/index.js';
import { compileRules } from '../../../shared/rules/index.js';

type Case = [condition: Partial<Conditions>, request: Partial<RuleRequest>, expected: boolean, why: string];

function table(cases: Case[]) {
  it.each(cases)('%j vs %j → %s (%s)', (condition, req, expected) => {
    expect(matches(condition, req)).toBe(expected);
  });
}

describe('host-header', () => {
  table([
    [{ hostHeader: ['example.com'] }, { host: 'example.com' }, true, 'exact'],
    [{ hostHeader: ['example.com'] }, { host: 'EXAMPLE.com' }, true, 'case-insensitive request'],
    [{ hostHeader: ['Example.COM'] }, { host: 'example.com' }, true, 'case-insensitive pattern'],
    [{ hostHeader: ['example.com'] }, { host: 'example.com:8080' }, true, 'port stripped before matching'],
    [{ hostHeader: ['example.com'] }, { host: 'www.example.com' }, false, 'anchored at the start'],
    [{ hostHeader: ['example.com'] }, { host: 'example.com.evil.net' }, false, 'anchored at the end'],
    [{ hostHeader: ['example.com'] }, { host: 'examplexcom' }, false, 'a dot is literal'],
    [{ hostHeader: ['*.example.com'] }, { host: 'test.example.com' }, true, 'AWS guide example'],
    [{ hostHeader: ['*.example.com'] }, { host: 'example.com' }, false, 'AWS guide example: the dot is required'],
    [{ hostHeader: ['*.example.com'] }, { host: 'a.b.example.com' }, true, '* spans dots'],
    [{ hostHeader: ['*.example.com'] }, { host: 'x.example.com:8443' }, true, 'wildcard with a port'],
    [{ hostHeader: ['api.*.com'] }, { host: 'api.x.y.com' }, true, 'inner * spans dots'],
    [{ hostHeader: ['?.example.com'] }, { host: 'a.example.com' }, true, '? is one character'],
    [{ hostHeader: ['?.example.com'] }, { host: 'ab.example.com' }, false, '? is exactly one character'],
    [{ hostHeader: ['?.example.com'] }, { host: '.example.com' }, false, '? is not zero characters'],
    [{ hostHeader: ['web.*'] }, { host: 'web.demo.localhost' }, true, 'trailing *'],
    [{ hostHeader: ['a.com', 'b.com'] }, { host: 'b.com' }, true, 'values are ORed'],
    [{ hostHeader: ['a.com', '*.b.com'] }, { host: 'x.b.com' }, true, 'exact and wildcard values together'],
    [{ hostHeader: ['example.com'] }, { host: '' }, false, 'no Host at all'],
  ]);
});

describe('path-pattern', () => {
  table([
    [{ pathPattern: ['/api/*'] }, { path: '/api' }, false, '/api/* does not match /api'],
    [{ pathPattern: ['/api/*'] }, { path: '/api/' }, true, '* may be empty'],
    [{ pathPattern: ['/api/*'] }, { path: '/api/v1/users' }, true, '* spans /'],
    [{ pathPattern: ['/api*'] }, { path: '/api' }, true, '/api* matches /api'],
    [{ pathPattern: ['/api*'] }, { path: '/apix' }, true, '/api* matches /apix'],
    [{ pathPattern: ['/api*'] }, { path: '/api/x' }, true, '/api* matches /api/x'],
    [{ pathPattern: ['/API/*'] }, { path: '/api/x' }, false, 'case-sensitive'],
    [{ pathPattern: ['/img/*.png'] }, { path: '/img/a/b.png' }, true, '* then a literal suffix'],
    [{ pathPattern: ['/img/*.png'] }, { path: '/img/a/bxpng' }, false, 'the dot stays literal'],
    [{ pathPattern: ['/x/*/y'] }, { path: '/x/1/2/y' }, true, 'inner *'],
    [{ pathPattern: ['/x/*/y'] }, { path: '/x/y' }, false, 'inner * keeps both slashes'],
    [{ pathPattern: ['/a?c'] }, { path: '/abc' }, true, '? is one character'],
    [{ pathPattern: ['/a?c'] }, { path: '/a/c' }, true, '? matches a slash too'],
    [{ pathPattern: ['/a?c'] }, { path: '/ac' }, false, '? is not zero characters'],
    [{ pathPattern: ['/search'] }, { path: '/search', query: 'q=1' }, true, 'the query string is never part of the path'],
    [{ pathPattern: ['/search?q=1'] }, { path: '/search', query: 'q=1' }, false, 'a pattern cannot reach into the query'],
    [{ pathPattern: ['/search*'] }, { path: '/search', query: 'q=/x' }, true, 'query ignored with a wildcard too'],
    [{ pathPattern: ['/$v+1/*'] }, { path: '/$v+1/x' }, true, 'regex metacharacters are literal'],
    [{ pathPattern: ['/$v+1/*'] }, { path: '/$vv1/x' }, false, '+ is not a quantifier'],
    [{ pathPattern: ['/a*b*c'] }, { path: '/a-b-c' }, true, 'several stars'],
    [{ pathPattern: ['/a*b*c'] }, { path: '/a-c' }, false, 'several stars, a literal missing'],
    [{ pathPattern: ['*'] }, { path: '/anything/at/all' }, true, 'a lone * matches everything'],
    [{ pathPattern: ['/'] }, { path: '/index.html' }, false, '/ alone is exact'],
    [{ pathPattern: ['/users', '/users/*'] }, { path: '/users' }, true, 'the LBC prefix pair, first value'],
    [{ pathPattern: ['/users', '/users/*'] }, { path: '/users/7' }, true, 'the LBC prefix pair, second value'],
    [{ pathPattern: ['/users', '/users/*'] }, { path: '/usersx' }, false, 'the LBC prefix pair is not a string prefix'],
  ]);
});

describe('http-header', () => {
  table([
    [{ httpHeader: [{ name: 'X-Env', values: ['beta'] }] }, { headers: { 'x-env': 'BETA' } }, true, 'name and value case-insensitive'],
    [{ httpHeader: [{ name: 'x-env', values: ['beta'] }] }, { headers: { 'x-env': 'prod' } }, false, 'other value'],
    [{ httpHeader: [{ name: 'x-env', values: ['beta'] }] }, { headers: {} }, false, 'absent header'],
    [{ httpHeader: [{ name: 'x-env', values: ['beta'] }] }, { headers: { 'x-env': 'beta-2' } }, false, 'anchored'],
    [{ httpHeader: [{ name: 'x-env', values: ['b?ta'] }] }, { headers: { 'x-env': 'BETA' } }, true, '? wildcard'],
    [{ httpHeader: [{ name: 'User-Agent', values: ['*Mobile*'] }] }, { headers: { 'user-agent': 'Mozilla/5.0 (iPhone) mobile Safari' } }, true, 'contains'],
    [{ httpHeader: [{ name: 'x-env', values: ['beta'] }] }, { headers: { 'x-env': ['prod', 'beta'] } }, true, 'repeated headers are tried in order'],
    [{ httpHeader: [{ name: 'x-env', values: ['beta'] }] }, { headers: { 'x-env': 'prod, beta' } }, false, 'one header is one value, not a list'],
    [{ httpHeader: [{ name: 'x-env', values: ['prod, beta'] }] }, { headers: { 'x-env': ['prod', 'beta'] } }, false, 'repeated headers are not joined'],
    [{ httpHeader: [{ name: 'x-env', values: ['a', 'beta'] }] }, { headers: { 'x-env': 'beta' } }, true, 'values are ORed'],
    [{ httpHeader: [{ name: 'x-a', values: ['1'] }, { name: 'x-b', values: ['2'] }] }, { headers: { 'x-a': '1' } }, false, 'two header conditions are ANDed'],
    [{ httpHeader: [{ name: 'x-a', values: ['1'] }, { name: 'x-b', values: ['2'] }] }, { headers: { 'x-a': '1', 'x-b': '2' } }, true, 'both present'],
    [{ httpHeader: [{ name: 'x-a', values: ['*'] }] }, { headers: { 'x-a': '' } }, true, '* matches an empty value'],
  ]);
});

describe('http-request-method', () => {
  table([
    [{ httpRequestMethod: ['GET'] }, { method: 'GET' }, true, 'exact'],
    [{ httpRequestMethod: ['GET'] }, { method: 'get' }, false, 'case-sensitive'],
    [{ httpRequestMethod: ['GET'] }, { method: 'HEAD' }, false, 'HEAD is not GET'],
    [{ httpRequestMethod: ['GET', 'HEAD'] }, { method: 'HEAD' }, true, 'values are ORed'],
    [{ httpRequestMethod: ['PURGE'] }, { method: 'PURGE' }, true, 'custom methods'],
    [{ httpRequestMethod: ['G*'] }, { method: 'GET' }, false, 'no wildcards for methods'],
  ]);
});

describe('query-string', () => {
  table([
    [{ queryString: [{ key: 'version', value: 'v1' }] }, { query: 'version=v1' }, true, 'one pair'],
    [{ queryString: [{ key: 'version', value: 'v1' }] }, { query: 'VERSION=V1' }, true, 'case-insensitive'],
    [{ queryString: [{ key: 'version', value: 'v1' }] }, { query: 'a=1&version=v1&b' }, true, 'among other pairs'],
    [{ queryString: [{ key: 'version', value: 'v1' }] }, { query: 'version=v2' }, false, 'other value'],
    [{ queryString: [{ key: 'version', value: 'v1' }] }, { query: 'version=v1x' }, false, 'anchored value'],
    [{ queryString: [{ key: 'a', value: '2' }] }, { query: 'a=1&b=2' }, false, 'key and value must be one pair'],
    [{ queryString: [{ key: 'version', value: 'v1' }] }, { query: '' }, false, 'no query string'],
    [{ queryString: [{ value: 'beta' }] }, { query: 'channel=beta' }, true, 'a pair without key matches under any key'],
    [{ queryString: [{ value: 'beta' }] }, { query: 'beta=1' }, false, 'a pair without key compares values only'],
    [{ queryString: [{ key: 'debug', value: '*' }] }, { query: 'debug' }, true, 'a bare key has an empty value'],
    [{ queryString: [{ key: 'debug', value: '*' }] }, { query: 'debug=' }, true, 'empty value'],
    [{ queryString: [{ key: 'debug', value: '*' }] }, { query: 'nodebug=1' }, false, 'anchored key'],
    [{ queryString: [{ key: 'v*', value: '1' }] }, { query: 'version=1' }, true, 'wildcard key'],
    [{ queryString: [{ key: 'q', value: 'hello world' }] }, { query: 'q=hello%20world' }, true, 'percent-decoded'],
    [{ queryString: [{ key: 'q', value: 'hello world' }] }, { query: 'q=hello+world' }, true, '+ is a space'],
    [{ queryString: [{ key: 'key', value: '1' }] }, { query: 'k%65y=1' }, true, 'keys are decoded too'],
    [{ queryString: [{ key: 'q', value: '%zz' }] }, { query: 'q=%zz' }, true, 'a malformed escape is kept as written'],
    [{ queryString: [{ key: 'q', value: 'a\\*' }] }, { query: 'q=a*' }, true, '\\* is a literal star'],
    [{ queryString: [{ key: 'q', value: 'a\\*' }] }, { query: 'q=ab' }, false, '\\* is not a wildcard'],
    [{ queryString: [{ key: 'q', value: 'a\\?' }] }, { query: 'q=a%3F' }, true, '\\? is a literal question mark'],
    [{ queryString: [{ key: 'q', value: 'a*' }] }, { query: 'q=ab' }, true, '* is a wildcard'],
    [{ queryString: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] }, { query: 'b=2' }, true, 'pairs are ORed'],
  ]);
});

describe('source-ip', () => {
  table([
    [{ sourceIp: ['127.0.0.0/8'] }, { sourceIp: '127.0.0.1' }, true, 'IPv4 in block'],
    [{ sourceIp: ['127.0.0.0/8'] }, { sourceIp: '::ffff:127.0.0.1' }, true, 'IPv4-mapped IPv6 socket address'],
    [{ sourceIp: ['127.0.0.0/8'] }, { sourceIp: '10.0.0.1' }, false, 'outside'],
    [{ sourceIp: ['10.0.0.0/8', '192.168.0.0/16'] }, { sourceIp: '192.168.1.1' }, true, 'values are ORed'],
    [{ sourceIp: ['::1/128'] }, { sourceIp: '::1' }, true, 'IPv6'],
    [{ sourceIp: ['::1/128'] }, { sourceIp: '127.0.0.1' }, false, 'families differ'],
    [{ sourceIp: ['10.1.2.3/32'] }, { sourceIp: '10.1.2.3' }, true, '/32'],
    [{ sourceIp: ['127.0.0.0/8'] }, { sourceIp: 'not-an-ip' }, false, 'garbage'],
    [{ sourceIp: ['127.0.0.0/8'] }, { sourceIp: '10.0.0.1', headers: { 'x-forwarded-for': '127.0.0.1' } }, false, 'X-Forwarded-For is never consulted'],
  ]);
});

describe('conditions combined', () => {
  table([
    [{ hostHeader: ['api.example.com'], pathPattern: ['/users*'] }, { host: 'api.example.com', path: '/users/1' }, true, 'AND, both match'],
    [{ hostHeader: ['api.example.com'], pathPattern: ['/users*'] }, { host: 'api.example.com', path: '/orders' }, false, 'AND, path fails'],
    [{ hostHeader: ['api.example.com'], pathPattern: ['/users*'] }, { host: 'www.example.com', path: '/users' }, false, 'AND, host fails'],
    [{ httpRequestMethod: ['POST'], queryString: [{ key: 'x', value: '1' }], sourceIp: ['127.0.0.0/8'] }, { method: 'POST', query: 'x=1' }, true, 'three conditions'],
  ]);
});

describe('regex conditions (RE2, AWS Oct 2025)', () => {
  table([
    [{ hostHeaderRegex: ['^api-[0-9]+\\.app\\.localhost$'] }, { host: 'api-12.app.localhost' }, true, 'anchored host regex'],
    [{ hostHeaderRegex: ['^api-[0-9]+\\.app\\.localhost$'] }, { host: 'api-x.app.localhost' }, false, 'digits only'],
    [{ hostHeaderRegex: ['^shop\\.localhost$'] }, { host: 'shop.localhost:8080' }, true, 'the port is not part of the host matched'],
    [{ hostHeaderRegex: ['app'] }, { host: 'my.app.localhost' }, true, 'unanchored finds the pattern anywhere'],
    [{ pathPatternRegex: ['^/v[0-9]+/users/[0-9]+$'] }, { path: '/v2/users/42' }, true, 'path regex'],
    [{ pathPatternRegex: ['^/v[0-9]+/users/[0-9]+$'] }, { path: '/v2/users/42/orders' }, false, '$ anchors the end'],
    [{ pathPatternRegex: ['^/API'] }, { path: '/api' }, false, 'case-sensitive'],
    [{ httpHeader: [{ name: 'X-Build', regexValues: ['^[0-9a-f]{7}$'] }] }, { headers: { 'x-build': 'abc1234' } }, true, 'header regex'],
    [{ httpHeader: [{ name: 'X-Build', regexValues: ['^[0-9a-f]{7}$'] }] }, { headers: { 'x-build': ['nope', 'abc1234'] } }, true, 'repeated headers tried in order'],
    [{ httpHeader: [{ name: 'X-Build', regexValues: ['^[0-9a-f]{7}$'] }] }, { headers: {} }, false, 'absent header'],
  ]);

  it('explains a regex miss in words', () => {
    const matcher = compileRules(
      listenerSchema.parse({ port: 80, protocol: 'HTTP', defaultAction: { fixedResponse: { statusCode: 404 } }, rules: [{ priority: 1, conditions: { pathPatternRegex: ['^/v[0-9]+/'] }, action: { fixedResponse: { statusCode: 200 } } }] }),
    );
    const explained = matcher.explain({ method: 'GET', host: 'a.localhost', path: '/beta/x', query: '', headers: {}, sourceIp: '127.0.0.1' });
    expect(JSON.stringify(explained)).toContain('the path \\"/beta/x\\" matches no regex of \\"^/v[0-9]+/\\"');
  });
});
