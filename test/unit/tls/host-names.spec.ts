import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { compileNamePolicy, defaultCertificateNames, isPermittedDnsName, normalizeServername, permittedNames } from '../../../main/tls/index.js';
import { nameConstraintsExtension } from '../../../main/tls/name-constraints.js';

describe('server names', () => {
  it('normalises case and a trailing dot, and rejects what no certificate can hold', () => {
    expect(normalizeServername('API.Demo.Localhost.')).toBe('api.demo.localhost');
    for (const bad of ['', undefined, '127.0.0.1', 'a..b', '-a.localhost', 'a b.localhost', '*.localhost', `${'a'.repeat(64)}.localhost`]) {
      expect(normalizeServername(bad)).toBeUndefined();
    }
  });
});

describe('which certificate an allowed name gets', () => {
  const policy = compileNamePolicy(['api.demo.localhost', '*.localhost', '*.app.localhost', 'svc-*.test']);

  it('exact names and multi-label matches of *.localhost get exact certificates', () => {
    expect(policy.namesFor('api.demo.localhost')).toEqual({ key: 'api.demo.localhost', dnsNames: ['api.demo.localhost'], ipAddresses: [] });
    expect(policy.namesFor('a.b.c.localhost')?.dnsNames).toEqual(['a.b.c.localhost']);
    expect(policy.namesFor('svc-orders.test')?.dnsNames).toEqual(['svc-orders.test']);
  });

  it('one label under a listed *.a.b pattern shares the wildcard certificate', () => {
    expect(policy.namesFor('web.app.localhost')).toEqual({ key: '*.app.localhost', dnsNames: ['*.app.localhost'], ipAddresses: [] });
    expect(policy.namesFor('deep.web.app.localhost')?.dnsNames).toEqual(['deep.web.app.localhost']);
  });

  it('names outside the patterns are not allowed', () => {
    expect(policy.namesFor('example.com')).toBeUndefined();
    expect(policy.namesFor('localhost.example.com')).toBeUndefined();
    expect(compileNamePolicy([]).namesFor('a.localhost')).toBeUndefined();
  });

  it('the default certificate covers localhost and the loopback addresses', () => {
    expect(defaultCertificateNames()).toEqual({ key: '@default-localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] });
    expect(defaultCertificateNames('app.test').dnsNames).toEqual(['app.test']);
  });
});

describe('name constraints', () => {
  const permitted = permittedNames(['dev.example.com']);

  it('permit local names and configured suffixes by whole labels', () => {
    for (const ok of ['localhost', 'a.localhost', '*.app.localhost', 'x.test', 'svc.internal', 'api.dev.example.com']) expect(isPermittedDnsName(ok, permitted)).toBe(true);
    for (const no of ['example.com', 'notlocalhost', 'localhost.evil.com', 'mytest', 'dev.example.com.evil.io']) expect(isPermittedDnsName(no, permitted)).toBe(false);
    expect(isPermittedDnsName('example.com', undefined)).toBe(true);
  });

  it('encode as RFC 5280 NameConstraints: permitted dNSName and loopback iPAddress subtrees', () => {
    const ext = nameConstraintsExtension(permitted);
    const seq = forge.asn1.fromDer(forge.asn1.toDer(ext.value).getBytes());
    const permittedTrees = (seq.value as forge.asn1.Asn1[])[0]!;
    expect(permittedTrees.type).toBe(0);
    const bases = (permittedTrees.value as forge.asn1.Asn1[]).map((s) => (s.value as forge.asn1.Asn1[])[0]!);
    expect(bases.filter((g) => g.type === 2).map((g) => g.value)).toEqual(['localhost', 'test', 'internal', 'dev.example.com']);
    const ranges = bases.filter((g) => g.type === 7).map((g) => forge.util.bytesToHex(g.value as string));
    expect(ranges).toEqual(['7f000000ff000000', `${'00'.repeat(15)}01${'ff'.repeat(16)}`]);
    expect(ext.critical).toBe(true);
  });
});
