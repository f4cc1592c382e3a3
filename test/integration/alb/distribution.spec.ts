// How requests spread: round robin over a group's targets, weighted forwards over several groups,
// and AWSALBTG group stickiness, with the real target-group runtime choosing targets.
import * as http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, targetGroup, onCleanup, startListener, startTarget, type TestTarget } from './alb-fixtures.js';

afterEach(cleanup);

/** `count` requests over keep-alive connections, `parallel` at a time; returns the targets that answered. */
async function spread(port: number, count: number, parallel = 8, headers: http.OutgoingHttpHeaders = {}): Promise<{ target: string; setCookie: string[] }[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: parallel });
  onCleanup(() => agent.destroy());
  const one = () =>
    new Promise<{ target: string; setCookie: string[] }>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/', agent, headers }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ target: (JSON.parse(body) as { target: string }).target, setCookie: res.headers['set-cookie'] ?? [] }));
        })
        .on('error', reject);
    });
  const results: { target: string; setCookie: string[] }[] = [];
  for (let done = 0; done < count; done += parallel) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(parallel, count - done) }, one))));
  }
  return results;
}

const tally = (names: string[]) => names.reduce<Record<string, number>>((acc, n) => ({ ...acc, [n]: (acc[n] ?? 0) + 1 }), {});

describe('distribution', () => {
  // Generous timeouts: 1,000 requests take about a second, far longer on a machine busy elsewhere.
  it('spreads 1,000 requests evenly over 5 targets', { timeout: 90_000 }, async () => {
    const targets: TestTarget[] = [];
    for (let i = 1; i <= 5; i++) targets.push(await startTarget(`web-${i}`));
    const { port, records } = await startListener({ listener: { defaultAction: { forward: 'web' } } }, [targetGroup('web', targets)]);
    const counts = tally((await spread(port, 1000)).map((r) => r.target));
    expect(Object.keys(counts).sort()).toEqual(['web-1', 'web-2', 'web-3', 'web-4', 'web-5']);
    for (const n of Object.values(counts)) {
      expect(n).toBeGreaterThanOrEqual(190);
      expect(n).toBeLessThanOrEqual(210);
    }
    expect(records).toHaveLength(1000);
    expect(records.every((r) => r.status === 200 && r.targetGroup === 'web')).toBe(true);
  });

  it('splits a weighted forward 80/20 within ±5 %', { timeout: 90_000 }, async () => {
    const blue = await startTarget('blue-1');
    const green = await startTarget('green-1');
    const { port } = await startListener(
      { listener: { defaultAction: { forward: { targetGroups: [{ name: 'blue', weight: 80 }, { name: 'green', weight: 20 }] } } } },
      [targetGroup('blue', [blue]), targetGroup('green', [green])],
    );
    const counts = tally((await spread(port, 1000)).map((r) => r.target));
    expect(Math.abs((counts['blue-1'] ?? 0) / 1000 - 0.8)).toBeLessThanOrEqual(0.05);
    expect(Math.abs((counts['green-1'] ?? 0) / 1000 - 0.2)).toBeLessThanOrEqual(0.05);
  });

  it('never sends to a group of weight 0', async () => {
    const on = await startTarget('on-1');
    const off = await startTarget('off-1');
    const { port } = await startListener(
      { listener: { defaultAction: { forward: { targetGroups: [{ name: 'on', weight: 5 }, { name: 'off', weight: 0 }] } } } },
      [targetGroup('on', [on]), targetGroup('off', [off])],
    );
    expect(tally((await spread(port, 50)).map((r) => r.target))).toEqual({ 'on-1': 50 });
  });

  it('keeps a client on its group with the AWSALBTG cookie when group stickiness is on', async () => {
    const blue = await startTarget('blue-1');
    const green = await startTarget('green-1');
    const { port } = await startListener(
      {
        listener: {
          defaultAction: { forward: { targetGroups: [{ name: 'blue', weight: 50 }, { name: 'green', weight: 50 }], stickiness: { enabled: true, durationSeconds: 300 } } },
        },
      },
      [targetGroup('blue', [blue]), targetGroup('green', [green])],
    );
    const [first] = await spread(port, 1, 1);
    const cookies = first!.setCookie;
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^AWSALBTG=[\w.-]+; Expires=[^;]+ GMT; Path=\/$/);
    expect(cookies[1]).toMatch(/^AWSALBTGCORS=[\w.-]+; Expires=[^;]+; Path=\/; SameSite=None; Secure$/);
    const cookie = cookies[0]!.split(';')[0]!;
    const sticky = await spread(port, 40, 4, { cookie: `other=1; ${cookie}` });
    expect(tally(sticky.map((r) => r.target))).toEqual({ [first!.target]: 40 });
    // Without the cookie the split is back.
    expect(Object.keys(tally((await spread(port, 40, 4)).map((r) => r.target))).sort()).toEqual(['blue-1', 'green-1']);
  });
});
