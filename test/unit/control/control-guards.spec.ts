// The control port's small guards: request targets read as paths, duplicate Host headers, the depth
// limit on inputs and the bounded fault log.
import { describe, expect, it } from 'vitest';
import { requestUrl, singleHost } from '../../../main/control/request-guard.js';
import { depthOver } from '../../../main/control/dispatch.js';
import { faultLog } from '../../../main/control/fault-log.js';

describe('requestUrl', () => {
  it.each([
    ['//a:99999/', '//a:99999/', 'an authority-looking path stays a path'],
    ['/api/getState?input=%7B%7D', '/api/getState', 'query kept apart'],
    ['/%E0%A4%A', '/%E0%A4%A', 'bad percent-encoding is left for the decoder to refuse'],
    ['/a/../api/x', '/api/x', 'dot segments resolved as a browser would'],
  ])('%s → %s (%s)', (target, pathname) => {
    expect(requestUrl(target)?.pathname).toBe(pathname);
  });

  it.each([['http://evil.example/'], ['*'], [''], [undefined], ['evil.example:80']])('%s is not a path', (target) => {
    expect(requestUrl(target)).toBeUndefined();
  });
});

describe('singleHost', () => {
  it('counts Host headers whatever their case', () => {
    expect(singleHost(['Host', 'a', 'accept', '*/*'])).toBe(true);
    expect(singleHost(['accept', '*/*'])).toBe(true);
    expect(singleHost(['Host', 'a', 'HOST', 'b'])).toBe(false);
  });
});

describe('depthOver', () => {
  const nested = (n: number) => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
    return v;
  };
  it('measures objects and arrays alike, without recursion', () => {
    expect(depthOver(nested(64), 64)).toBe(false);
    expect(depthOver(nested(65), 64)).toBe(true);
    expect(depthOver(nested(1_000_000), 64)).toBe(true);
    expect(depthOver(null, 0)).toBe(false);
    expect(depthOver({ a: Array.from({ length: 100_000 }, () => 1) }, 2)).toBe(false);
  });
});

describe('faultLog', () => {
  it('prints a burst, counts the rest, and sums them up in the next window', () => {
    const lines: string[] = [];
    let now = 0;
    const log = faultLog((l) => lines.push(l), () => now);
    for (let i = 0; i < 25; i++) log(`fault ${i}`);
    expect(lines).toHaveLength(20);
    expect(lines.at(-1)).toBe('fault 19');
    now = 10_000;
    log('later');
    expect(lines.slice(20)).toEqual(['5 more control-port faults in the last 10 s were not shown', 'later']);
  });
});
