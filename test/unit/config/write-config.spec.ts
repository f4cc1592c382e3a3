// Config writes keep the user's comments and never leave a truncated file, even when the writer is
// killed mid-write.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { updateConfigFile } from '../../../main/config/write-config.js';
import { parseConfigText } from '../../../main/config/load-config.js';

const original = `# Berth config for the demo stack
loadBalancers:
  - name: web # the public one
    listeners:
      - port: 8080
        protocol: HTTP
        # every unmatched request gets this
        defaultAction: { fixedResponse: { statusCode: 404, messageBody: none } }
targetGroups: []
`;

describe('config writes', () => {
  it('keep comments and change only what changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-write-'));
    const file = join(dir, 'berth.yaml');
    writeFileSync(file, original);
    const loaded = parseConfigText(original, file);
    if (!loaded.ok) throw new Error('fixture invalid');
    const next = structuredClone(loaded.document.toJS()) as { loadBalancers: { listeners: { port: number }[] }[] };
    next.loadBalancers[0]!.listeners[0]!.port = 9090;
    const result = await updateConfigFile(file, next as never);
    expect(result.ok).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# Berth config for the demo stack');
    expect(text).toContain('# the public one');
    expect(text).toContain('# every unmatched request gets this');
    expect(text).toContain('port: 9090');
    expect(readdirSync(dir)).toEqual(['berth.yaml']);
  });

  it('refuse an invalid update and leave the file byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-write-'));
    const file = join(dir, 'berth.yaml');
    writeFileSync(file, original);
    const next = { loadBalancers: [{ name: 'web', listeners: [{ port: 70000, protocol: 'HTTP', defaultAction: { forward: 'nobody' } }] }], targetGroups: [] };
    const result = await updateConfigFile(file, next as never);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toContain('loadBalancers[0].listeners[0].port');
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it('never truncate: a writer killed at random moments leaves the old or the new file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-crash-'));
    const file = join(dir, 'berth.yaml');
    const big = (n: number) => `# version ${n}\nloadBalancers: []\ntargetGroups:\n${Array.from({ length: 3000 }, (_, i) => `  - { name: g${i}, protocol: HTTP }`).join('\n')}\n`;
    writeFileSync(file, big(0));
    const writer = `
      import { writeFileAtomic } from ${JSON.stringify(new URL('../../../main/config/atomic-write.ts', import.meta.url).pathname)};
      const big = ${big.toString()};
      for (let n = 1; ; n++) await writeFileAtomic(${JSON.stringify(file)}, big(n));
    `;
    for (let round = 0; round < 8; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', writer], { stdio: 'ignore' });
      // Kill only once the writer is busy writing (its start-up time varies with load), at a random moment.
      const seen = readFileSync(file, 'utf8').slice(0, 20);
      for (let waited = 0; waited < 15_000 && readFileSync(file, 'utf8').slice(0, 20) === seen; waited += 20) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, Math.random() * 60));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const text = readFileSync(file, 'utf8');
      expect(text.startsWith('# version ')).toBe(true);
      expect(text.endsWith('protocol: HTTP }\n')).toBe(true);
      expect(parseConfigText(text, file).ok).toBe(true);
    }
    // The writer really ran: the file holds a version it wrote, not the seed.
    expect(readFileSync(file, 'utf8').startsWith('# version 0\n')).toBe(false);
    expect(readdirSync(dir).filter((f) => !f.endsWith('.tmp'))).toEqual(['berth.yaml']);
  }, 180_000);
});
