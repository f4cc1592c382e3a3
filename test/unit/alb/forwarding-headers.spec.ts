// Trace ids and the Host header as AWS forwards them (elbv2-model.md 5.3).
import { describe, expect, it } from 'vitest';
import { forwardedHost, newTraceId, traceHeader, type ForwardingPolicy } from '../../../main/alb/forwarding-headers.js';
import type { RequestHead } from '../../../main/alb/request-head.js';

const policy = (port: number, preserveHost = false): ForwardingPolicy => ({ port, portText: String(port), proto: 'http', fallbackHost: '127.0.0.1', xff: 'append', preserveHost });
const head = (host: string, absoluteAuthority?: string) => ({ host, hostCount: host ? 1 : 0, absoluteAuthority, routingHost: absoluteAuthority ?? host }) as RequestHead;

describe('forwarded Host', () => {
  it.each([
    [8080, 'App.Example.com', undefined, false, 'app.example.com:8080'],
    [8080, 'app.example.com:9000', undefined, false, 'app.example.com:9000'],
    [80, 'app.example.com:9000', undefined, false, 'app.example.com'],
    [443, 'App.Example.com', undefined, false, 'app.example.com'],
    [8080, '[::1]', undefined, false, '[::1]:8080'],
    [8080, '[::1]:9000', undefined, false, '[::1]:9000'],
    [80, '[::1]:9000', undefined, false, '[::1]'],
    [8080, 'b.example.com', 'A.example.com', false, 'a.example.com:8080'],
    [8080, '', undefined, false, '127.0.0.1:8080'],
    [8080, 'App.Example.com', undefined, true, 'App.Example.com'],
  ])('listener %i, Host %j, absolute %j, preserve %j → %j', (port, host, absolute, preserve, expected) => {
    expect(forwardedHost(head(host, absolute), policy(port, preserve))).toBe(expected);
  });
});

describe('X-Amzn-Trace-Id', () => {
  const now = Date.UTC(2026, 0, 1);
  const id = /1-[0-9a-f]{8}-[0-9a-f]{24}/.source;

  it('makes ids of the AWS shape with the epoch seconds, all different', () => {
    const ids = Array.from({ length: 5000 }, () => newTraceId(now));
    expect(ids[0]).toMatch(new RegExp(`^${id}$`));
    expect(ids[0]!.slice(2, 10)).toBe((now / 1000).toString(16));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    [undefined, `^Root=(${id})$`, 'new'],
    ['', `^Root=(${id})$`, 'new'],
    ['Root=1-5759e988-bd862e3fe1be46a994272793', `^Self=${id};Root=(1-5759e988-bd862e3fe1be46a994272793)$`, 'kept'],
    ['Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1', `^Self=${id};Root=(1-5759e988-bd862e3fe1be46a994272793);Sampled=1$`, 'kept'],
    ['Self=1-67891234-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678;CalledFrom=app', `^Self=${id};Root=(1-67891233-abcdef012345678912345678);CalledFrom=app$`, 'kept'],
    ['CalledFrom=app', `^Root=(${id});CalledFrom=app$`, 'new'],
    [`Root=1-5759e988-bd862e3fe1be46a994272793;X=${'y'.repeat(8000)}`, `^Root=(${id})$`, 'new'],
  ])('%j → %s', (incoming, shape, root) => {
    const { header, root: recorded } = traceHeader(incoming, now);
    const m = new RegExp(shape).exec(header);
    expect(m, header).not.toBeNull();
    expect(recorded).toBe(m![1]);
    if (root === 'kept') expect(recorded).toBe(incoming!.match(/Root=([^;]+)/)![1]);
  });
});
