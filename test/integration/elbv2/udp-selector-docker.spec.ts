// A UDP target group whose docker selector names no `protocol` finds its containers' UDP ports
// (the selector's protocol defaults from the group), through the real `berth up` and `berth targets`.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDocker, runId, startContainer, type TestContainer } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { cleanup, udpClient } from '../nlb/udp-fixtures.js';
import { berthUp, type BerthUp } from './berth-up.js';

describeDocker('UDP selectors pick UDP ports', () => {
  const label = `t.udpsel.${runId}`;
  let berth: BerthUp;
  let echo: TestContainer;
  let port: number;

  beforeAll(async () => {
    echo = await startContainer({ server: 'udp-echo', ports: ['8081/udp'], env: { ECHO_NAME: '1' }, labels: { [label]: 'dns' } });
    port = await freePort('udp');
    berth = await berthUp(
      [
        'loadBalancers:',
        '  - name: nlb',
        '    type: network',
        '    listeners:',
        `      - { port: ${port}, protocol: UDP, defaultAction: { forward: dns } }`,
        'targetGroups:',
        '  - name: dns',
        '    protocol: UDP',
        '    healthCheck: { enabled: false }',
        '    targets:',
        `      docker: { labels: { ${label}: dns }, containerPort: 8081 }`,
        '',
      ].join('\n'),
    );
  }, 120_000);

  afterAll(async () => {
    await cleanup();
    await berth?.stop();
  });

  it('registers the container under its UDP host port and carries datagrams to it', async () => {
    await eventually(async () => {
      const group = (await berth.state()).targetGroups.find((g) => g.name === 'dns')!;
      expect(group.targets.map((t) => t.port)).toEqual([echo.hostPort('8081/udp')]);
    }, { timeoutMs: 30_000 });
    const client = await udpClient(port);
    expect(await client.ask(`hello-${runId}`)).toBe(`${echo.name} hello-${runId}`);
  }, 60_000);

  it('lists the UDP port in `berth targets`', async () => {
    const r = await berth.run(['targets', '-c', 'berth.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^dns\\s+${echo.name}:${echo.hostPort('8081/udp')}\\s+127\\.0\\.0\\.1:${echo.hostPort('8081/udp')}\\s+docker`, 'm'));
    expect(r.stdout).not.toContain('no targets');
  }, 60_000);
});
