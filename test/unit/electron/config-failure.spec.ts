import { describe, expect, it } from 'vitest';
import { configFailureMessage } from '../../../main/electron/config-failure.js';
import { parseConfigText } from '../../../main/config/load-config.js';

describe('an invalid berth.yaml in the desktop app', () => {
  it('lists every problem with FILE:LINE:COL and says that nothing was started', () => {
    const text = 'loadBalancers:\n  - name: web\n    listeners:\n      - port: 99999\n        protocol: HTTP\n        defaultAction: { fixedResponse: { statusCode: 200 } }\n      - port: 8081\n        protocol: GOPHER\n';
    const loaded = parseConfigText(text, '/work/app/berth.yaml');
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    const { title, message } = configFailureMessage('/work/app/berth.yaml', loaded.problems);
    expect(title).toBe(`Berth: ${loaded.problems.length} problems in /work/app/berth.yaml`);
    expect(message).toMatch(/^\/work\/app\/berth\.yaml:4:\d+ {2}loadBalancers\[0\]\.listeners\[0\]\.port/m);
    expect(message).toMatch(/^\/work\/app\/berth\.yaml:8:\d+ {2}loadBalancers\[0\]\.listeners\[1\]\.protocol/m);
    expect(message).toContain('Nothing was started');
    expect(message).not.toContain('zero-config');
  });

  it('shows the first dozen problems of a long list and counts the rest', () => {
    const problems = Array.from({ length: 20 }, (_, i) => ({ file: 'b.yaml', line: i + 1, column: 3, path: `targetGroups[${i}].port`, message: 'must be a number', code: 'CONFIG_INVALID' as const }));
    const { title, message } = configFailureMessage('b.yaml', problems);
    expect(title).toBe('Berth: 20 problems in b.yaml');
    expect(message.split('\n').filter((l) => l.startsWith('b.yaml:'))).toHaveLength(12);
    expect(message).toContain('… and 8 more (run `berth validate -c b.yaml`)');
  });
});
