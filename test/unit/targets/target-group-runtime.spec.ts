// One target group at runtime (elbv2-model.md 4.2–4.5): the algorithms, AWS's health state machine
// and reason codes driven by real loopback health checks, slow start on an injected clock, fail-open
// and draining.
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthEvent, RuntimeTarget } from '../../../main/targets/index.js';
import { eventually } from '../../helpers/eventually.js';
import { closeAll, closedPort, countBy, group, grpcServer, picks, scriptedServer, silentServer, stateOf, statusServer, target } from './target-fixtures.js';

afterEach(closeAll);

const FAST = { intervalMsOverride: 20 };

describe('algorithms', () => {
  it('round_robin takes the targets in turn', () => {
    const g = group({}, { healthChecks: false });
    g.setTargets([target('a'), target('b'), target('c')]);
    expect(picks(g, 9)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('least_outstanding_requests picks the target with the fewest requests in flight', () => {
    const g = group({ loadBalancingAlgorithm: 'least_outstanding_requests' }, { healthChecks: false });
    g.setTargets([target('a'), target('b'), target('c')]);
    const held = new Map<string, RuntimeTarget>();
    const next = () => {
      const chosen = g.pick({ clientIp: '127.0.0.1' })!.target as RuntimeTarget;
      held.set(chosen.id, chosen);
      g.begin(chosen);
      return chosen.id;
    };
    // Ties go round, so three requests in flight land on three targets.
    expect(new Set([next(), next(), next()])).toEqual(new Set(['a', 'b', 'c']));
    g.end(held.get('b')!);
    expect(next()).toBe('b');
    g.begin(held.get('a')!);
    g.begin(held.get('b')!);
    // a: 2, b: 2, c: 1
    expect(next()).toBe('c');
    g.end(held.get('a')!);
    g.end(held.get('a')!);
    // a: 0, b: 2, c: 2
    expect([next(), next()]).toEqual(['a', 'a']);
    expect(stateOf(g, 'a').inFlight).toBe(2);
  });

  it('weighted_random spreads 10,000 picks evenly, in no fixed order', () => {
    const g = group({ loadBalancingAlgorithm: 'weighted_random' }, { healthChecks: false });
    g.setTargets([target('a'), target('b'), target('c')]);
    const ids = picks(g, 10_000);
    // Expected 3,333 each with a standard deviation near 47: these bounds are over 8 of them.
    const counts = countBy(ids);
    expect(Object.keys(counts).sort()).toEqual(['a', 'b', 'c']);
    for (const n of Object.values(counts)) {
      expect(n).toBeGreaterThan(2_950);
      expect(n).toBeLessThan(3_720);
    }
    // Round robin would never repeat a target; independent picks repeat about a third of the time.
    const repeats = ids.filter((id, i) => i > 0 && ids[i - 1] === id).length;
    expect(repeats).toBeGreaterThan(2_900);
    expect(repeats).toBeLessThan(3_800);
  });

  it('gives a draining target no picks, reporting Target.DeregistrationInProgress until the delay ends', async () => {
    let clock = 1_000_000;
    const g = group({ deregistrationDelaySeconds: 1 }, { healthChecks: false, now: () => clock });
    g.setTargets([target('a'), target('b'), target('c')]);
    g.setTargets([target('a'), target('b')]);
    expect(stateOf(g, 'c')).toMatchObject({ health: 'draining', reason: 'Target.DeregistrationInProgress', drainingUntil: clock + 1000 });
    expect(countBy(picks(g, 300))).toEqual({ a: 150, b: 150 });
    expect(g.hasRegisteredTargets()).toBe(true);
    clock += 500;
    await eventually(() => expect(g.snapshot().map((t) => t.id)).toEqual(['a', 'b']), { timeoutMs: 15_000 });
  });

  it('registers a draining target again when it comes back', () => {
    const g = group({ deregistrationDelaySeconds: 300 }, { healthChecks: false });
    g.setTargets([target('a'), target('b')]);
    g.setTargets([target('a')]);
    g.setTargets([target('a'), target('b')]);
    expect(stateOf(g, 'b')).toMatchObject({ health: 'unavailable', reason: 'Target.HealthCheckDisabled' });
    expect(countBy(picks(g, 4))).toEqual({ a: 2, b: 2 });
  });
});

describe('health state machine', () => {
  it('starts initial (Elb.InitialHealthChecking) and is healthy after one successful check', async () => {
    const server = await scriptedServer();
    const events: HealthEvent[] = [];
    const g = group({ healthCheck: { path: '/health', healthyThresholdCount: 5 } }, FAST);
    g.on('health', (e) => events.push(e));
    g.setTargets([target('a', server.port)]);
    expect(stateOf(g, 'a')).toMatchObject({ health: 'initial', reason: 'Elb.InitialHealthChecking' });
    await server.answer(200);
    expect(stateOf(g, 'a').health).toBe('healthy');
    expect(stateOf(g, 'a').reason).toBeUndefined();
    expect(server.paths[0]).toBe('/health');
    expect(events).toEqual([{ targetGroup: 'g', target: 'a', from: 'initial', to: 'healthy' }]);
  });

  it('turns unhealthy after unhealthyThresholdCount failures in a row and healthy after healthyThresholdCount successes', async () => {
    const server = await scriptedServer();
    const events: HealthEvent[] = [];
    const g = group({ healthCheck: { healthyThresholdCount: 3, unhealthyThresholdCount: 3, matcher: '200-299' } }, FAST);
    g.on('health', (e) => events.push(e));
    g.setTargets([target('a', server.port)]);
    const after = async (...statuses: number[]) => {
      const seen: string[] = [];
      for (const s of statuses) {
        await server.answer(s);
        seen.push(stateOf(g, 'a').health);
      }
      return seen;
    };
    expect(await after(200)).toEqual(['healthy']);
    // Two failures, then a success: the streak starts over.
    expect(await after(500, 500, 204, 500, 500)).toEqual(['healthy', 'healthy', 'healthy', 'healthy', 'healthy']);
    expect(await after(500)).toEqual(['unhealthy']);
    expect(stateOf(g, 'a')).toMatchObject({ reason: 'Target.ResponseCodeMismatch', description: 'health checks failed with these codes: [500]' });
    expect(await after(200, 200, 404, 200, 200)).toEqual(['unhealthy', 'unhealthy', 'unhealthy', 'unhealthy', 'unhealthy']);
    // The last failure's code is what the state says.
    expect(stateOf(g, 'a').description).toBe('health checks failed with these codes: [404]');
    expect(await after(200)).toEqual(['healthy']);
    expect(events.map((e) => [e.from, e.to, e.reason])).toEqual([
      ['initial', 'healthy', undefined],
      ['healthy', 'unhealthy', 'Target.ResponseCodeMismatch'],
      ['unhealthy', 'healthy', undefined],
    ]);
  });

  it('reports Target.Timeout for a target that never answers', async () => {
    const port = await silentServer();
    const g = group({ healthCheck: { timeoutSeconds: 2, intervalSeconds: 5, unhealthyThresholdCount: 2 } }, FAST);
    g.setTargets([target('a', port)]);
    await eventually(() => expect(stateOf(g, 'a')).toMatchObject({ health: 'unhealthy', reason: 'Target.Timeout' }), { timeoutMs: 20_000 });
  });

  it('reports Target.FailedHealthChecks for a target that refuses connections', async () => {
    const g = group({ healthCheck: { unhealthyThresholdCount: 2 } }, FAST);
    g.setTargets([target('a', await closedPort())]);
    await eventually(() => expect(stateOf(g, 'a')).toMatchObject({ health: 'unhealthy', reason: 'Target.FailedHealthChecks' }));
  });

  it('reports Target.HealthCheckDisabled and routes to every target when checks are off', async () => {
    const server = await statusServer(500);
    const g = group({ healthCheck: { enabled: false } }, FAST);
    g.setTargets([target('a', server.port), target('b', server.port)]);
    for (const id of ['a', 'b']) expect(stateOf(g, id)).toMatchObject({ health: 'unavailable', reason: 'Target.HealthCheckDisabled' });
    expect(countBy(picks(g, 4))).toEqual({ a: 2, b: 2 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.paths).toEqual([]);
  });

  it('routes only to healthy targets, and to all of them (fail open) when none is healthy', async () => {
    const good = await statusServer(200);
    const bad = await statusServer(503);
    const g = group({ healthCheck: { healthyThresholdCount: 2, unhealthyThresholdCount: 2 } }, FAST);
    g.setTargets([target('a', good.port), target('b', bad.port), target('c', bad.port)]);
    await eventually(() => expect(g.snapshot().map((t) => t.health)).toEqual(['healthy', 'unhealthy', 'unhealthy']));
    expect(countBy(picks(g, 30))).toEqual({ a: 30 });
    good.set(503);
    await eventually(() => expect(stateOf(g, 'a').health).toBe('unhealthy'));
    expect(countBy(picks(g, 30))).toEqual({ a: 10, b: 10, c: 10 });
    bad.set(200);
    await eventually(() => expect(g.snapshot().map((t) => t.health)).toEqual(['unhealthy', 'healthy', 'healthy']));
    expect(countBy(picks(g, 30))).toEqual({ b: 15, c: 15 });
  });

  it('checks a GRPC group with gRPC calls: healthy on the default code 12, unhealthy on a code outside the matcher', async () => {
    const server = await grpcServer();
    const g = group({ protocolVersion: 'GRPC', healthCheck: { unhealthyThresholdCount: 2 } }, FAST);
    g.setTargets([target('a', server.port)]);
    await eventually(() => expect(stateOf(g, 'a').health).toBe('healthy'));
    g.configure({ ...g.config, healthCheck: { ...g.config.healthCheck, matcher: '0' } });
    await eventually(() => expect(stateOf(g, 'a')).toMatchObject({ health: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'health checks failed with these gRPC codes: [12]' }));
    expect(new Set(server.paths)).toEqual(new Set(['/AWS.ALB/healthcheck']));
  });

  it('gives a target still in its initial check no requests while another is healthy', async () => {
    const good = await statusServer(200);
    const pending = await scriptedServer();
    const g = group({}, FAST);
    g.setTargets([target('a', good.port)]);
    await eventually(() => expect(stateOf(g, 'a').health).toBe('healthy'));
    g.setTargets([target('a', good.port), target('b', pending.port)]);
    expect(stateOf(g, 'b').health).toBe('initial');
    expect(countBy(picks(g, 20))).toEqual({ a: 20 });
  });
});

describe('slow start', () => {
  const SLOW = 30;

  /** Share of `id` in 10,000 picks. */
  const share = (g: ReturnType<typeof group>, id: string) => (countBy(picks(g, 10_000))[id] ?? 0) / 10_000;

  it("ramps a new target's share linearly over the duration, next to a target already healthy", async () => {
    let clock = 5_000_000;
    const server = await statusServer(200);
    const g = group({ slowStartSeconds: SLOW }, { ...FAST, now: () => clock });
    g.setTargets([target('a', server.port)]);
    await eventually(() => expect(stateOf(g, 'a').health).toBe('healthy'));
    // The only healthy target does not enter slow start.
    expect(stateOf(g, 'a').slowStartUntil).toBeUndefined();

    clock += 1_000;
    g.setTargets([target('a', server.port), target('b', server.port)]);
    await eventually(() => expect(stateOf(g, 'b').health).toBe('healthy'));
    const from = clock;
    expect(stateOf(g, 'b').slowStartUntil).toBe(from + SLOW * 1000);

    // At a quarter of the way b weighs 0.25 against a's 1: a fifth of the requests.
    clock = from + (SLOW * 1000) / 4;
    expect(share(g, 'b')).toBeGreaterThan(0.17);
    expect(share(g, 'b')).toBeLessThan(0.23);
    // At three quarters, 0.75 / 1.75 ≈ 0.43.
    clock = from + (SLOW * 1000 * 3) / 4;
    expect(share(g, 'b')).toBeGreaterThan(0.39);
    expect(share(g, 'b')).toBeLessThan(0.47);
    // Over: round robin again, exactly even.
    clock = from + SLOW * 1000;
    expect(stateOf(g, 'b').slowStartUntil).toBeUndefined();
    expect(countBy(picks(g, 100))).toEqual({ a: 50, b: 50 });
  });

  it('does not apply to targets registered together into an empty group', async () => {
    let clock = 5_000_000;
    const server = await statusServer(200);
    const g = group({ slowStartSeconds: SLOW }, { ...FAST, now: () => clock });
    g.setTargets([target('a', server.port), target('b', server.port)]);
    await eventually(() => expect(g.snapshot().map((t) => t.health)).toEqual(['healthy', 'healthy']));
    clock += 1;
    expect(g.snapshot().map((t) => t.slowStartUntil)).toEqual([undefined, undefined]);
    expect(countBy(picks(g, 100))).toEqual({ a: 50, b: 50 });
  });

  it('leaves slow start when the target turns unhealthy', async () => {
    let clock = 5_000_000;
    const steady = await statusServer(200);
    const fresh = await statusServer(200);
    const g = group({ slowStartSeconds: SLOW, healthCheck: { unhealthyThresholdCount: 2 } }, { ...FAST, now: () => clock });
    g.setTargets([target('a', steady.port)]);
    await eventually(() => expect(stateOf(g, 'a').health).toBe('healthy'));
    clock += 1_000;
    g.setTargets([target('a', steady.port), target('b', fresh.port)]);
    await eventually(() => expect(stateOf(g, 'b').slowStartUntil).toBeDefined());
    fresh.set(500);
    await eventually(() => expect(stateOf(g, 'b').health).toBe('unhealthy'));
    expect(stateOf(g, 'b').slowStartUntil).toBeUndefined();
    expect(countBy(picks(g, 20))).toEqual({ a: 20 });
  });
});
