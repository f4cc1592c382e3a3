// The one step a container needs, as arguments and as a compose override: DNS or host entries, the
// CA files read-only at /etc/berth, and the variables each TLS stack reads.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeOverride, dockerRunArgs, servedNames, shellLine } from '../../../main/container-access/index.js';
import { firstAddress } from '../../../main/container-access/docker-networks.js';
import { configSchema } from '../../../shared/model/index.js';

const VARIABLES = ['NODE_EXTRA_CA_CERTS=/etc/berth/root.pem', 'SSL_CERT_FILE=/etc/berth/ca-bundle.pem', 'REQUESTS_CA_BUNDLE=/etc/berth/ca-bundle.pem', 'CURL_CA_BUNDLE=/etc/berth/ca-bundle.pem'];

describe('docker run arguments', () => {
  it('name the DNS server, mount the CA folder read-only and set the four variables', () => {
    expect(dockerRunArgs({ dns: '172.17.0.1', hosts: [], trustDir: '/data/containers' })).toEqual([
      '--dns', '172.17.0.1',
      '--volume', '/data/containers:/etc/berth:ro',
      ...VARIABLES.flatMap((v) => ['--env', v]),
    ]);
  });

  it('fall back to one --add-host per name where no DNS server runs', () => {
    const args = dockerRunArgs({ hosts: [{ name: 'api.demo.localhost', address: '172.17.0.1' }, { name: 'web.demo.localhost', address: '172.17.0.1' }], trustDir: '/d' });
    expect(args).not.toContain('--dns');
    expect(args.slice(0, 4)).toEqual(['--add-host', 'api.demo.localhost:172.17.0.1', '--add-host', 'web.demo.localhost:172.17.0.1']);
  });

  it('quote what a shell would split, and nothing else', () => {
    expect(shellLine(['--volume', '/Users/me/Library/Application Support/Berth/containers:/etc/berth:ro', '--dns', '10.0.0.1'])).toBe(
      "--volume '/Users/me/Library/Application Support/Berth/containers:/etc/berth:ro' --dns 10.0.0.1",
    );
    expect(shellLine(["it's"])).toBe(`'it'\\''s'`);
  });
});

describe('the compose override', () => {
  it('gives every service the same DNS, volume and environment', () => {
    const text = composeOverride(['web', 'api'], { dns: '172.18.0.1', hosts: [], trustDir: '/d/containers' });
    expect(text.startsWith('# Written by `berth containers env --format compose`')).toBe(true);
    const doc = parse(text) as { services: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.services)).toEqual(['web', 'api']);
    expect(doc.services.web).toEqual({
      dns: ['172.18.0.1'],
      volumes: ['/d/containers:/etc/berth:ro'],
      environment: Object.fromEntries(VARIABLES.map((v) => v.split('='))),
    });
  });

  it('uses extra_hosts where no DNS server runs', () => {
    const doc = parse(composeOverride(['web'], { hosts: [{ name: 'api.x.localhost', address: 'host-gateway' }], trustDir: '/d' })) as { services: { web: Record<string, unknown> } };
    expect(doc.services.web.extra_hosts).toEqual(['api.x.localhost:host-gateway']);
    expect(doc.services.web.dns).toBeUndefined();
  });
});

describe('the names Berth serves to containers', () => {
  const config = configSchema.parse({
    loadBalancers: [
      {
        name: 'web',
        listeners: [
          {
            port: 8080,
            protocol: 'HTTP',
            defaultAction: { fixedResponse: { statusCode: 404 } },
            rules: [
              { priority: 1, conditions: { hostHeader: ['api.demo.localhost', '*.shop.localhost'] }, action: { fixedResponse: { statusCode: 200 } } },
              { priority: 2, conditions: { pathPattern: ['/x'] }, action: { fixedResponse: { statusCode: 200 } } },
            ],
          },
        ],
      },
    ],
  });
  const names = servedNames(config);

  it.each([
    ['api.demo.localhost', true],
    ['API.demo.localhost.', true],
    ['cart.shop.localhost', true],
    ['shop.localhost', false],
    ['example.com', false],
  ])('%s → %s', (name, served) => expect(names.has(name)).toBe(served));

  it('lists only exact names for host entries (a wildcard cannot be one)', () => {
    expect(names.exact).toEqual(['api.demo.localhost']);
  });
});

describe("a network's gateway when Docker's IPAM does not name it", () => {
  it.each([
    ['172.18.0.0/16', '172.18.0.1'],
    ['172.31.240.0/24', '172.31.240.1'],
    ['10.1.2.128/25', '10.1.2.129'],
    ['fd00::/64', undefined],
    [undefined, undefined],
  ])('%s → %s', (subnet, gateway) => expect(firstAddress(subnet)).toBe(gateway));
});
