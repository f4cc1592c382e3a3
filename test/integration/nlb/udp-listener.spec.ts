// The UDP listener on loopback with in-process targets: replies to the right client, PROXY v2 on each
// datagram, idle expiry on a fake clock, flows moving when their target leaves, one flow's failure
// kept to itself, IPv6, bind errors and the records flows leave behind.
import * as dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { BerthError } from '../../../shared/errors.js';
import { eventually } from '../../helpers/eventually.js';
import { freePort } from '../../helpers/free-port.js';
import { cleanup, spec, startEchoTarget, startUdpListener, targetGroup, udpClient } from './udp-fixtures.js';

afterEach(cleanup);

const ipv6 = await new Promise<boolean>((resolve) => {
  const s = dgram.createSocket('udp6');
  s.once('error', () => resolve(false));
  s.bind(0, '::1', () => s.close(() => resolve(true)));
});

describe('UdpListener', () => {
  it('returns every reply to its own client, 50 clients at once', async () => {
    const [a, b] = await Promise.all([startEchoTarget('a'), startEchoTarget('b')]);
    const { listener, port } = await startUdpListener(targetGroup([a, b]));
    const clients = await Promise.all(Array.from({ length: 50 }, () => udpClient(port)));
    const replies = await Promise.all(clients.map((c, i) => c.ask(`hello-${i}`)));
    replies.forEach((reply, i) => expect(reply).toMatch(new RegExp(`^[ab] hello-${i}$`)));
    // Round robin over the flows: each target took half of them.
    expect(replies.filter((r) => r.startsWith('a ')).length).toBe(25);
    expect(listener.stats.flowsActive).toBe(50);
    expect(listener.stats.flowsCreated).toBe(50);
  });

  it('keeps a flow on its target while it lives', async () => {
    const [a, b] = await Promise.all([startEchoTarget('a'), startEchoTarget('b')]);
    const { port } = await startUdpListener(targetGroup([a, b]));
    const client = await udpClient(port);
    const first = (await client.ask('x-0')).split(' ')[0];
    for (let i = 1; i < 20; i++) expect((await client.ask(`x-${i}`)).split(' ')[0]).toBe(first);
  });

  it('prepends a PROXY v2 DGRAM header naming the client and the listener to each datagram', async () => {
    const a = await startEchoTarget('a');
    const { port } = await startUdpListener(targetGroup([a], { proxyProtocolV2: true }));
    const client = await udpClient(port);
    expect(await client.ask('one')).toBe('a one');
    expect(await client.ask('two')).toBe('a two');
    const datagrams = a.received.map((r) => r.data);
    expect(datagrams.length).toBeGreaterThanOrEqual(2);
    for (const d of datagrams) {
      expect(d.subarray(0, 12).toString('hex')).toBe('0d0a0d0a000d0a515549540a');
      expect(d[12]).toBe(0x21); // v2, PROXY
      expect(d[13]).toBe(0x12); // AF_INET, DGRAM
      expect(d.readUInt16BE(14)).toBe(12);
      expect([...d.subarray(16, 20)].join('.')).toBe('127.0.0.1');
      expect([...d.subarray(20, 24)].join('.')).toBe('127.0.0.1');
      expect(d.readUInt16BE(24)).toBe(client.port);
      expect(d.readUInt16BE(26)).toBe(port);
    }
    expect(datagrams.map((d) => d.subarray(28).toString())).toEqual(expect.arrayContaining(['one', 'two']));
  });

  it('expires a flow after the idle timeout (fake clock) and records it once', async () => {
    const a = await startEchoTarget('a');
    let clock = 1_000_000;
    const { listener, port, records } = await startUdpListener(targetGroup([a]), { udpIdleTimeoutSeconds: 30 }, { now: () => clock });
    const client = await udpClient(port);
    await client.ask('ping');
    clock += 29_000;
    listener.expireIdle();
    expect(listener.stats.flowsActive).toBe(1);
    await client.ask('again'); // activity: the 30 s start over
    clock += 29_000;
    listener.expireIdle();
    expect(listener.stats.flowsActive).toBe(1);
    clock += 1_000;
    listener.expireIdle();
    expect(listener.stats).toMatchObject({ flowsActive: 0, flowsExpired: 1 });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: 'udp', error: 'idle-timeout', target: 'a', targetGroup: 'udp', client: '127.0.0.1', durationMs: 59_000 });
    expect(records[0]!.packetsIn).toBeGreaterThanOrEqual(2);
    expect(records[0]!.packetsOut).toBeGreaterThanOrEqual(2);
    expect(records[0]!.bytesIn).toBeGreaterThanOrEqual(9);
    // The next datagram is a new flow.
    await client.ask('later');
    expect(listener.stats.flowsCreated).toBe(2);
  });

  it('expires idle flows on its own timer', async () => {
    const a = await startEchoTarget('a');
    const { listener, port, records } = await startUdpListener(targetGroup([a]), { udpIdleTimeoutSeconds: 1 });
    const client = await udpClient(port);
    await client.ask('ping');
    await eventually(() => expect(listener.stats.flowsActive).toBe(0), { timeoutMs: 15_000 });
    expect(records.map((r) => r.error)).toEqual(['idle-timeout']);
  });

  it('moves a flow to another target when its target leaves the group', async () => {
    const [a, b] = await Promise.all([startEchoTarget('a'), startEchoTarget('b')]);
    const group = targetGroup([a, b]);
    const { listener, port, records } = await startUdpListener(group);
    const client = await udpClient(port);
    const first = (await client.ask('before')).split(' ')[0]!;
    const other = first === 'a' ? b : a;
    group.setTargets([spec(other)]); // deregistered with a 0 s delay: 'unused' at once
    await eventually(() => expect(records.map((r) => r.error)).toEqual(['target-left']), { timeoutMs: 10_000 });
    expect(records[0]!.target).toBe(first);
    expect(await client.ask('after')).toBe(`${other.name} after`);
    expect(listener.stats.flowsRehomed).toBe(1);
  });

  it('keeps flows on a draining target until the deregistration delay is over', async () => {
    const [a, b] = await Promise.all([startEchoTarget('a'), startEchoTarget('b')]);
    const group = targetGroup([a, b], { deregistrationDelaySeconds: 2 });
    const { port, records } = await startUdpListener(group);
    const client = await udpClient(port);
    const first = (await client.ask('before')).split(' ')[0]!;
    const other = first === 'a' ? b : a;
    group.setTargets([spec(other)]);
    expect((await client.ask('draining')).split(' ')[0]).toBe(first);
    await eventually(() => expect(records.map((r) => r.error)).toEqual(['target-left']), { timeoutMs: 15_000 });
    expect(await client.ask('after')).toBe(`${other.name} after`);
  });

  it('a target that refuses datagrams affects only its own flows', async () => {
    const live = await startEchoTarget('live');
    const deadPort = await freePort('udp');
    const group = targetGroup([]);
    group.setTargets([{ id: 'dead', host: '127.0.0.1', port: deadPort, source: 'static' }, spec(live)]);
    const { listener, port } = await startUdpListener(group);
    const toDead = await udpClient(port);
    // Round robin: the first flow goes to "dead", the second to "live".
    toDead.socket.send('lost', port, '127.0.0.1');
    await eventually(() => expect(listener.stats.flowsActive).toBe(1));
    for (let i = 0; i < 20; i++) toDead.socket.send(`lost-${i}`, port, '127.0.0.1');
    const toLive = await udpClient(port);
    expect(await toLive.ask('hi')).toBe('live hi');
    expect(listener.stats.flowsActive).toBe(2);
    expect(await toLive.ask('still')).toBe('live still');
  });

  it('a target whose name does not resolve ends only its own flow, recorded as target-error', async () => {
    const live = await startEchoTarget('live');
    const group = targetGroup([]);
    group.setTargets([{ id: 'nowhere', host: 'nowhere.invalid', port: 9, source: 'static' }, spec(live)]);
    const { listener, port, records } = await startUdpListener(group);
    const lost = await udpClient(port);
    lost.socket.send('lost', port, '127.0.0.1');
    await eventually(() => expect(records.map((r) => [r.target, r.error])).toEqual([['nowhere', 'target-error']]), { timeoutMs: 15_000 });
    const toLive = await udpClient(port);
    expect(await toLive.ask('hi')).toBe('live hi');
    expect(listener.stats.flowsActive).toBe(1);
  });

  it('stops: every flow ends with "stopped" and the port is released', async () => {
    const a = await startEchoTarget('a');
    const { listener, port, records } = await startUdpListener(targetGroup([a]));
    const clients = await Promise.all([udpClient(port), udpClient(port), udpClient(port)]);
    await Promise.all(clients.map((c, i) => c.ask(`c${i}`)));
    await listener.stop();
    expect(records.map((r) => r.error)).toEqual(['stopped', 'stopped', 'stopped']);
    expect(listener.listening).toBe(false);
    const again = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.bind(port, '127.0.0.1', resolve);
    });
    again.close();
  });

  it('disabled closes the port; enabled serves again', async () => {
    const a = await startEchoTarget('a');
    const port = await freePort('udp');
    const { listener } = await startUdpListener(targetGroup([a]), { port });
    await listener.setEnabled(false);
    expect(listener.listening).toBe(false);
    await listener.setEnabled(true);
    const client = await udpClient(port);
    expect(await client.ask('back')).toBe('a back');
  });

  it('reports a port in use as LISTENER_BIND_FAILED naming the listener', async () => {
    const a = await startEchoTarget('a');
    const group = targetGroup([a]);
    const { port } = await startUdpListener(group);
    const error = await startUdpListener(group, { port }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(BerthError);
    expect(error).toMatchObject({ code: 'LISTENER_BIND_FAILED', where: { loadBalancer: 'nlb', listener: `${port}/UDP` } });
    expect((error as Error).message).toContain('already in use');
  });

  it.skipIf(!ipv6)('serves IPv6 clients on an IPv6 address, with an IPv6 PROXY header', async () => {
    const a = await startEchoTarget('a6', '::1');
    const { port, records, listener } = await startUdpListener(targetGroup([a], { proxyProtocolV2: true }), { address: '::1' });
    const client = await udpClient(port, '::1');
    expect(await client.ask('v6')).toBe('a6 v6');
    const d = a.received[0]!.data;
    expect(d[13]).toBe(0x22); // AF_INET6, DGRAM
    expect(d.readUInt16BE(14)).toBe(36);
    await listener.stop();
    expect(records[0]!.client).toBe('::1');
  });
});
