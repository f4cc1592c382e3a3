// Weighted forwards (smooth weighted round robin) and the AWSALBTG group stickiness cookie.
import { describe, expect, it } from 'vitest';
import { ForwardPlan } from '../../../main/alb/forward-plan.js';

const plan = (weights: number[], sticky?: number) =>
  new ForwardPlan({ targetGroups: weights.map((weight, i) => ({ name: `g${i}`, weight })), stickiness: sticky ? { enabled: true, durationSeconds: sticky } : undefined });

describe('weighted forward', () => {
  it.each([
    [[80, 20], 100, [80, 20]],
    [[10, 20], 30, [10, 20]],
    [[1, 1, 1], 9, [3, 3, 3]],
    [[5, 0], 10, [10, 0]],
    [[0, 3, 1], 8, [0, 6, 2]],
    [[999, 1], 1000, [999, 1]],
  ])('weights %j over %i picks → %j exactly', (weights, n, expected) => {
    const p = plan(weights);
    const counts = weights.map(() => 0);
    for (let i = 0; i < n; i++) counts[p.choose(undefined, 0)]!++;
    expect(counts).toEqual(expected);
  });

  it('interleaves rather than bunching (smooth)', () => {
    const p = plan([2, 1]);
    expect(Array.from({ length: 6 }, () => p.choose(undefined, 0))).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('always picks a lone group', () => {
    expect(plan([0]).choose(undefined, 0)).toBe(0);
  });
});

describe('AWSALBTG', () => {
  it('names the group until the duration runs out', () => {
    const p = plan([1, 1], 60);
    const [cookie, cors] = p.cookies(1, 1_000_000);
    expect(cookie).toMatch(/^AWSALBTG=[\w.-]+; Expires=\w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT; Path=\/$/);
    expect(cors).toMatch(/^AWSALBTGCORS=[\w.-]+; Expires=.+; Path=\/; SameSite=None; Secure$/);
    const header = `a=1; ${cookie!.split(';')[0]}; b=2`;
    for (let i = 0; i < 5; i++) expect(p.choose(header, 1_000_000 + 59_000)).toBe(1);
    const fresh = [p.choose(header, 1_000_000 + 61_000), p.choose(header, 1_000_000 + 61_000)];
    expect(fresh.sort()).toEqual([0, 1]);
  });

  it('ignores the cookie when stickiness is off, and ignores garbage', () => {
    const sticky = plan([1, 1], 60);
    const value = sticky.cookies(1, 0)[0]!.split(';')[0]!;
    const loose = plan([1, 1]);
    expect([loose.choose(value, 0), loose.choose(value, 0)].sort()).toEqual([0, 1]);
    expect(loose.cookies(0, 0)).toEqual([]);
    expect(sticky.choose('AWSALBTG=%%%', 0)).toBeGreaterThanOrEqual(0);
    // A value not made by Berth (a client naming a group itself) is not honoured.
    const forged = `AWSALBTG=${Buffer.from('g1\n9999999999999').toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`;
    expect(new Set(Array.from({ length: 4 }, () => sticky.choose(forged, 0)))).toEqual(new Set([0, 1]));
  });

  it('does not return to a group whose weight is now 0', () => {
    const before = plan([1, 1], 60);
    const cookie = before.cookies(1, 0)[0]!.split(';')[0]!;
    const after = plan([1, 0], 60);
    for (let i = 0; i < 4; i++) expect(after.choose(cookie, 1000)).toBe(0);
  });
});
