// Location building for the redirect action (elbv2-model.md 3.3), table-driven.
import { describe, expect, it } from 'vitest';
import { redirectSchema } from '../../../shared/model/index.js';
import { RedirectPlan, type RedirectSource } from '../../../main/alb/redirect.js';

const source: RedirectSource = { protocol: 'http', host: 'app.example.com', port: '8080', path: '/a/b', query: 'x=1' };

describe('redirect Location', () => {
  it.each([
    [{ protocol: 'HTTPS', port: 443 }, source, 'https://app.example.com/a/b?x=1'],
    [{ protocol: 'HTTPS' }, source, 'https://app.example.com:8080/a/b?x=1'],
    [{ port: 80 }, source, 'http://app.example.com/a/b?x=1'],
    [{ port: 443 }, source, 'http://app.example.com:443/a/b?x=1'],
    [{ host: 'new.#{host}' }, source, 'http://new.app.example.com:8080/a/b?x=1'],
    [{ path: '/v2/#{path}' }, source, 'http://app.example.com:8080/v2/a/b?x=1'],
    [{ path: '/#{host}/#{port}/#{path}' }, source, 'http://app.example.com:8080/app.example.com/8080/a/b?x=1'],
    [{ query: '#{query}&src=#{protocol}', protocol: 'HTTPS', port: 443 }, source, 'https://app.example.com/a/b?x=1&src=http'],
    [{ query: '', protocol: 'HTTPS', port: 443 }, source, 'https://app.example.com/a/b'],
    [{ protocol: 'HTTPS', port: 443 }, { ...source, query: '' }, 'https://app.example.com/a/b'],
    [{ path: '/fixed', port: 9000 }, source, 'http://app.example.com:9000/fixed?x=1'],
    [{ path: '/#{unknown}/#{path}', port: 9000 }, source, 'http://app.example.com:9000/#{unknown}/a/b?x=1'],
    [{ protocol: 'HTTPS', port: 443 }, { ...source, path: '/' }, 'https://app.example.com/?x=1'],
  ])('%j from %j → %s', (config, from, expected) => {
    const plan = new RedirectPlan(redirectSchema.parse({ statusCode: 'HTTP_301', ...config }));
    expect(plan.location(from)).toBe(expected);
  });

  it('maps the status codes', () => {
    expect(new RedirectPlan(redirectSchema.parse({ statusCode: 'HTTP_301', port: 1 })).status).toBe(301);
    expect(new RedirectPlan(redirectSchema.parse({ statusCode: 'HTTP_302', port: 1 })).status).toBe(302);
  });
});
