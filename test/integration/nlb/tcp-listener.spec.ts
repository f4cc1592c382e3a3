// The TCP listener over loopback sockets: forwarding and its traffic record, half-close, failover
// while targets refuse, the idle timeout, a slow reader's bounded buffers, deregistration with and
// without connection termination, live updates, switching off and on, and bind failures.
import * as net from 'node:net';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BerthError } from '../../../shared/errors.js';
import { eventually } from '../../helpers/eventually.js';
import { cleanup, exchange, onCleanup, pattern, refusedPort, serve, sha256, startEcho, startListener, targetGroup } from './nlb-fixtures.js';

afterEach(cleanup);

const forward = (name: string) => ({ forward: name });

describe('TCP listener', () => {
  it('forwards bytes both ways and records the connection', async () => {
    const echo = await startEcho('echo-1');
    const group = targetGroup('echo', [echo]);
    const { port, records } = await startListener({ defaultAction: forward('echo') }, [group]);
    const payload = pattern(1_000_000);
    const { data, ended } = await exchange(port, payload);
    expect(ended).toBe('end');
    expect(sha256(data)).toBe(sha256(payload));
    await eventually(() => expect(records).toHaveLength(1));
    const r = records[0]!;
    expect(r).toMatchObject({ kind: 'tcp', loadBalancer: 'test-nlb', listener: `${port}/TCP`, rule: 'default', targetGroup: 'echo', target: 'echo-1', client: '127.0.0.1', bytesIn: payload.length, bytesOut: payload.length });
    expect(r.error).toBeUndefined();
    expect(r.connectMs).toBeGreaterThanOrEqual(0);
    expect(r.durationMs).toBeGreaterThanOrEqual(r.connectMs!);
    expect(group.snapshot()[0]!.inFlight).toBe(0);
  });

  it('honours half-close: after the client ends, the target can still send the rest', async () => {
    const echo = await startEcho('echo-1', { tail: 'and the rest', tailDelayMs: 300 });
    const { port } = await startListener({ defaultAction: forward('echo') }, [targetGroup('echo', [echo])]);
    const { data, ended } = await exchange(port, 'hello ');
    expect([data.toString(), ended]).toEqual(['hello and the rest', 'end']);
  });

  it('counts the connection in flight on its target while it is open', async () => {
    const echo = await startEcho('echo-1');
    const group = targetGroup('echo', [echo]);
    const { port } = await startListener({ defaultAction: forward('echo') }, [group]);
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await eventually(() => expect(group.snapshot()[0]!.inFlight).toBe(1));
    socket.destroy();
    await eventually(() => expect(group.snapshot()[0]!.inFlight).toBe(0));
  });

  it('fails over to another target when the first refuses, before any byte was sent', async () => {
    const echo = await startEcho('echo-1');
    const dead = { id: 'dead', host: '127.0.0.1', port: await refusedPort() };
    const group = targetGroup('pair', [dead, echo]);
    const { port, records } = await startListener({ defaultAction: forward('pair') }, [group]);
    for (let i = 0; i < 6; i++) {
      const { data } = await exchange(port, `ping ${i}`);
      expect(data.toString()).toBe(`ping ${i}`);
    }
    await eventually(() => expect(records).toHaveLength(6));
    expect(records.every((r) => r.target === 'echo-1' && r.error === undefined)).toBe(true);
    expect(echo.accepted).toBe(6);
  });

  it('gives up with target-refused when every target refuses, and no-target for an empty group', async () => {
    const dead = [1, 2].map(async (n) => ({ id: `dead-${n}`, host: '127.0.0.1', port: await refusedPort() }));
    const refused = targetGroup('refused', await Promise.all(dead));
    const empty = targetGroup('empty', []);
    const a = await startListener({ defaultAction: forward('refused') }, [refused]);
    const b = await startListener({ defaultAction: forward('empty') }, [empty]);
    expect((await exchange(a.port, 'x')).data.length).toBe(0);
    expect((await exchange(b.port, 'x')).data.length).toBe(0);
    await eventually(() => expect([a.records[0]?.error, b.records[0]?.error]).toEqual(['target-refused', 'no-target']));
    expect(b.records[0]!.target).toBeUndefined();
    expect(refused.snapshot().map((t) => t.inFlight)).toEqual([0, 0]);
  });

  it('closes a silent connection at the idle timeout', async () => {
    const echo = await startEcho('echo-1');
    const { port, records } = await startListener({ defaultAction: forward('echo') }, [targetGroup('echo', [echo])], { idleTimeoutMs: 600 });
    const socket = net.connect(port, '127.0.0.1');
    const closed = new Promise<string>((resolve) => {
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      socket.on('close', () => resolve('close'));
    });
    socket.write('hi');
    await new Promise((resolve) => socket.once('data', resolve));
    // Nothing more from either side: Berth cuts the connection (a reset, as an NLB does).
    expect(['ECONNRESET', 'close']).toContain(await closed);
    await eventually(() => expect(records[0]?.error).toBe('idle-timeout'));
    expect(records[0]!.durationMs).toBeGreaterThanOrEqual(500);
  });

  it('a slow reader holds Berth to bounded buffers while the target keeps writing 256 MB', async () => {
    const total = 256 * 1024 * 1024;
    const block = pattern(256 * 1024, 7);
    let accepted = 0;
    const source = await serve('source', net.createServer((socket) => {
      // Writes as fast as the connection takes them: backpressure is the only brake.
      const pump = () => {
        while (accepted < total) {
          accepted += block.length;
          if (!socket.write(block)) return void socket.once('drain', pump);
        }
        socket.end();
      };
      pump();
    }));
    const { port, listener } = await startListener({ defaultAction: forward('source') }, [targetGroup('source', [source])]);
    const client = net.connect({ port, host: '127.0.0.1' });
    client.on('error', () => undefined);
    onCleanup(() => client.destroy());
    client.pause();
    await new Promise((resolve) => client.once('connect', resolve));
    // Wait until the target is stuck: what it has handed over stops growing.
    let last = -1;
    await eventually(() => {
      const now = accepted;
      const stable = now === last;
      last = now;
      expect(stable && now > 0).toBe(true);
    }, { timeoutMs: 30_000, intervalMs: 300 });
    const buffered = listener.bufferedBytes();
    console.log(`[slow reader] target handed over ${(accepted / 1048576).toFixed(1)} MB of 256 MB; Berth buffers ${(buffered / 1024).toFixed(0)} KiB`);
    expect(buffered).toBeLessThan(2 * 1024 * 1024);
    expect(accepted).toBeLessThan(64 * 1024 * 1024);
    // Reading again, every byte arrives intact.
    const hash = createHash('sha256');
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      client.on('data', (c: Buffer) => {
        hash.update(c);
        received += c.length;
      });
      client.once('end', resolve);
      client.once('error', reject);
      client.resume();
    });
    const expected = createHash('sha256');
    for (let at = 0; at < total; at += block.length) expected.update(block);
    expect(received).toBe(total);
    expect(hash.digest('hex')).toBe(expected.digest('hex'));
  }, 120_000);

  it('after the deregistration delay, connectionTermination closes connections to the target', async () => {
    const echo = await startEcho('echo-1');
    const group = targetGroup('echo', [echo], { deregistrationDelaySeconds: 1, connectionTermination: true });
    const { port, records } = await startListener({ defaultAction: forward('echo') }, [group]);
    const socket = net.connect(port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write('x');
    await new Promise((resolve) => socket.once('data', resolve));
    group.setTargets([]);
    // Draining: no new connections.
    const fresh = await exchange(port, 'y');
    expect(fresh.data.length).toBe(0);
    await eventually(() => expect(records.find((r) => r.error === 'no-target')).toBeDefined());
    // The open one still works during the delay, and is closed when it ends.
    socket.write('z');
    await new Promise((resolve) => socket.once('data', resolve));
    await closed;
    await eventually(() => expect(records.find((r) => r.target === 'echo-1')?.error).toBe('deregistered'));
  });

  it('without connectionTermination (the AWS default for TCP) connections outlive the delay', async () => {
    const echo = await startEcho('echo-1');
    const group = targetGroup('echo', [echo], { deregistrationDelaySeconds: 0 });
    const { port } = await startListener({ defaultAction: forward('echo') }, [group]);
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    onCleanup(() => socket.destroy());
    socket.write('a');
    await new Promise((resolve) => socket.once('data', resolve));
    group.setTargets([]);
    await eventually(() => expect(group.snapshot()).toHaveLength(0));
    socket.write('b');
    const echoed = await new Promise<Buffer>((resolve) => socket.once('data', resolve));
    expect(echoed.toString()).toBe('b');
  });

  it('update() reroutes new connections without rebinding; open ones keep their target', async () => {
    const one = await startEcho('one');
    const two = await startEcho('two');
    const groups = [targetGroup('one', [one]), targetGroup('two', [two])];
    const { port, listener, records } = await startListener({ defaultAction: forward('one') }, groups);
    const open = net.connect(port, '127.0.0.1');
    open.on('error', () => undefined);
    onCleanup(() => open.destroy());
    open.write('1');
    await new Promise((resolve) => open.once('data', resolve));
    const lb = { name: 'test-nlb', type: 'network' as const, scheme: 'internet-facing' as const, idleTimeoutSeconds: 60, preserveHostHeader: false, http2Enabled: true, xffHeaderProcessingMode: 'append' as const, listeners: [] };
    listener.update({ port, protocol: 'TCP', address: '127.0.0.1', enabled: true, defaultAction: { forward: { targetGroups: [{ name: 'two', weight: 1 }], stickiness: undefined } }, rules: [] }, lb);
    await exchange(port, 'new');
    await eventually(() => expect(records.at(-1)?.targetGroup).toBe('two'));
    open.write('still');
    expect((await new Promise<Buffer>((resolve) => open.once('data', resolve))).toString()).toBe('still');
    expect(one.accepted).toBe(1);
    expect(two.accepted).toBe(1);
  });

  it('switched off it refuses connections and closes open ones; switched on it accepts again', async () => {
    const echo = await startEcho('echo-1');
    const { port, listener, records } = await startListener({ defaultAction: forward('echo') }, [targetGroup('echo', [echo])]);
    const open = net.connect(port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => open.on('close', () => resolve()));
    open.on('error', () => undefined);
    open.write('x');
    await new Promise((resolve) => open.once('data', resolve));
    await listener.setEnabled(false);
    await closed;
    expect(listener.listening).toBe(false);
    expect((await exchange(port, 'x')).ended).toBe('ECONNREFUSED');
    await eventually(() => expect(records[0]?.error).toBe('listener-closed'));
    await listener.setEnabled(true);
    expect((await exchange(port, 'back')).data.toString()).toBe('back');
  });

  it('stop() closes every connection promptly', async () => {
    const echo = await startEcho('echo-1');
    const { port, listener } = await startListener({ defaultAction: forward('echo') }, [targetGroup('echo', [echo])]);
    const sockets = Array.from({ length: 20 }, () => net.connect(port, '127.0.0.1').on('error', () => undefined));
    await eventually(() => expect(listener.connections).toBe(20));
    const started = Date.now();
    await listener.stop();
    expect(listener.connections).toBe(0);
    console.log(`[stop] 20 connections closed in ${Date.now() - started} ms`);
    sockets.forEach((s) => s.destroy());
  });

  it('a port in use fails with LISTENER_BIND_FAILED naming the listener', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise((resolve) => taken.close(resolve)));
    const port = (taken.address() as net.AddressInfo).port;
    const error = await startListener({ port, defaultAction: forward('x') }, []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BerthError);
    expect(error).toMatchObject({ code: 'LISTENER_BIND_FAILED', where: { loadBalancer: 'test-nlb', listener: `${port}/TCP` } });
    expect((error as Error).message).toContain('already in use');
  });
});
