// The allowed keys come from the schema at the object's path, so a did-you-mean can never suggest a
// key the schema would reject, and typos are matched by edit distance.
import { describe, expect, it } from 'vitest';
import { allowedKeysAt, levenshtein, suggestKey } from '../../../main/config/schema-keys.js';

const rule = ['loadBalancers', 0, 'listeners', 0, 'rules', 0];

describe('allowed keys', () => {
  it('follow the schema through arrays, defaults, transforms and unions', () => {
    expect(allowedKeysAt([])).toEqual(['loadBalancers', 'targetGroups']);
    expect(allowedKeysAt(rule)).toEqual(['priority', 'name', 'enabled', 'conditions', 'action']);
    // `forward` is a union of the shorthand string and the mapping: the mapping's keys.
    expect(allowedKeysAt([...rule, 'action', 'forward'])).toEqual(['targetGroups', 'stickiness']);
    expect(allowedKeysAt([...rule, 'action', 'forward', 'targetGroups', 0])).toEqual(['name', 'weight']);
    // `certificates` is `auto` or a list of file pairs.
    expect(allowedKeysAt(['loadBalancers', 0, 'listeners', 0, 'certificates', 0])).toEqual(['certFile', 'keyFile']);
    // The target group is a transformed object: its input keys.
    expect(allowedKeysAt(['targetGroups', 3, 'healthCheck'])).toContain('healthyThresholdCount');
    expect(allowedKeysAt(['targetGroups', 0, 'targets', 'docker'])).toContain('composeService');
  });

  it('are empty where the schema has no object', () => {
    expect(allowedKeysAt(['nope'])).toEqual([]);
    expect(allowedKeysAt(['targetGroups', 0, 'targets', 'docker', 'labels'])).toEqual([]);
  });
});

describe('suggestions', () => {
  it('find the key a typo was meant to be', () => {
    expect(suggestKey('prioirty', allowedKeysAt(rule))).toBe('priority');
    expect(suggestKey('pathPatern', allowedKeysAt([...rule, 'conditions']))).toBe('pathPattern');
    expect(suggestKey('HostHeader', allowedKeysAt([...rule, 'conditions']))).toBe('hostHeader');
    expect(suggestKey('targetgroups', allowedKeysAt([]))).toBe('targetGroups');
  });

  it('suggest nothing for words that are not close', () => {
    expect(suggestKey('colour', allowedKeysAt(['targetGroups', 0]))).toBeUndefined();
    expect(suggestKey('x', ['port'])).toBeUndefined();
  });

  it('measure edit distance', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });
});
