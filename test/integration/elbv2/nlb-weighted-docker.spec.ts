// Weighted forwards on network listeners (AWS, 2025-11) through the real `berth up`: a TCP listener
// splits new connections 3:1 over two groups of real containers, a UDP listener splits new flows
// 1:1 and never uses a group of weight 0; an open connection and a live flow keep their group.
import * as net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TrafficRecord } from '../../../shared/model/index.js';
import { describeDocker, runId, startContainer, type TestContainer } from '../../helpers/docker.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { cleanup, udpClient } from '../nlb/udp-fixtures.js';
import { berthUp, type BerthUp } from './berth-up.js';

/** Opens a connection and resolves with the greeting line (the container's name) and the socket. */
function greet(port: number): Promise<{ name: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      data += d;
      const nl = data.indexOf('\n');
      if (nl >= 0) {
        socket.removeAllListeners('data');
        resolve({ name: data.slice(0, nl), socket });
      }
    });
    socket.on('error', reject);
    socket.setTimeout(20_000, () => reject(new Error('no greeting')));
  });
}

describeDocker('weighted forwards on network listeners', () => {
  const label = `t.nlbw.${runId}`;
  let berth: BerthUp;
  const tcp: Record<'blue' | 'green', TestContainer> = {} as never;
  const udp: Record<'one' | 'two' | 'off', TestContainer> = {} as never;
  let tcpPort: number;
  let udpPort: number;

  beforeAll(async () => {
    const tcpEcho = (color: string) => startContainer({ server: 'tcp-echo', ports: ['8081/tcp'], env: { GREETING: '{name}' }, labels: { [label]: color } });
    const udpEcho = (color: string) => startContainer({ server: 'udp-echo', ports: ['8081/udp'], env: { ECHO_NAME: '1' }, labels: { [label]: color } });
    [tcp.blue, tcp.green, udp.one, udp.two, udp.off] = await Promise.all([tcpEcho('blue'), tcpEcho('green'), udpEcho('one'), udpEcho('two'), udpEcho('off')]);
    tcpPort = await freePort();
    udpPort = await freePort('udp');
    const group = (name: string, protocol: string) => [
      `  - name: ${name}`,
      `    protocol: ${protocol}`,
      '    healthCheck: { enabled: false }',
      `    targets: { docker: { labels: { ${label}: ${name} }, containerPort: 8081 } }`,
    ];
    berth = await berthUp(
      [
        'loadBalancers:',
        '  - name: game',
        '    type: network',
        '    listeners:',
        `      - port: ${tcpPort}`,
        '        protocol: TCP',
        '        defaultAction: { forward: { targetGroups: [{ name: blue, weight: 3 }, { name: green, weight: 1 }] } }',
        `      - port: ${udpPort}`,
        '        protocol: UDP',
        '        defaultAction: { forward: { targetGroups: [{ name: one, weight: 500 }, { name: two, weight: 500 }, { name: off, weight: 0 }] } }',
        'targetGroups:',
        ...group('blue', 'TCP'),
        ...group('green', 'TCP'),
        ...group('one', 'UDP'),
        ...group('two', 'UDP'),
        ...group('off', 'UDP'),
        '',
      ].join('\n'),
    );
    await eventually(async () => {
      const groups = (await berth.state()).targetGroups;
      expect(groups.map((g) => [g.name, g.targets.length]).sort()).toEqual([['blue', 1], ['green', 1], ['off', 1], ['one', 1], ['two', 1]]);
    }, { timeoutMs: 30_000 });
  }, 180_000);

  afterAll(async () => {
    await cleanup();
    await berth?.stop();
  });

  it('splits 200 TCP connections 3:1 over the two groups, each connection staying on its container', async () => {
    const kept = await greet(tcpPort);
    const counts: Record<string, number> = {};
    for (let batch = 0; batch < 10; batch++) {
      const opened = await Promise.all(Array.from({ length: 20 }, () => greet(tcpPort)));
      for (const c of opened) {
        counts[c.name] = (counts[c.name] ?? 0) + 1;
        c.socket.destroy();
      }
    }
    // Berth picks by smooth weighted round robin: exact over every 4 connections, so ±1 over 200 here.
    expect(Math.abs((counts[tcp.blue.name] ?? 0) - 150)).toBeLessThanOrEqual(1);
    expect(Math.abs((counts[tcp.green.name] ?? 0) - 50)).toBeLessThanOrEqual(1);
    // The first connection, open all along, still echoes from the container it reached.
    const echoed = await new Promise<string>((resolve) => {
      kept.socket.once('data', (d: Buffer | string) => resolve(String(d)));
      kept.socket.write('still here');
    });
    expect(echoed).toBe('still here');
    expect([tcp.blue.name, tcp.green.name]).toContain(kept.name);
    kept.socket.destroy();
  }, 120_000);

  it('splits 100 UDP flows evenly over the weighted groups, none to weight 0, each flow staying put', async () => {
    const clients = await Promise.all(Array.from({ length: 100 }, () => udpClient(udpPort)));
    const first = await Promise.all(clients.map((c, i) => c.ask(`flow-${i}-${c.port}`, { timeoutMs: 30_000 })));
    const names = first.map((r) => r.split(' ')[0]!);
    const count = (n: string) => names.filter((x) => x === n).length;
    expect(count(udp.one.name) + count(udp.two.name)).toBe(100);
    expect(count(udp.off.name)).toBe(0);
    expect(Math.abs(count(udp.one.name) - 50)).toBeLessThanOrEqual(1);
    // A second datagram on each flow reaches the same container.
    const again = await Promise.all(clients.slice(0, 20).map((c, i) => c.ask(`again-${i}-${c.port}`, { timeoutMs: 30_000 })));
    expect(again.map((r) => r.split(' ')[0])).toEqual(names.slice(0, 20));
  }, 120_000);

  it('records the group each connection went to', async () => {
    const { records } = await berth.call<{ records: TrafficRecord[] }>('getTraffic', { limit: 1000 });
    const byGroup = (listener: string) => new Set(records.filter((r) => r.listener === listener).map((r) => r.targetGroup));
    expect(byGroup(`${tcpPort}/TCP`)).toEqual(new Set(['blue', 'green']));
  }, 60_000);
});
