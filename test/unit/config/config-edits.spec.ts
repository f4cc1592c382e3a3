// Path-addressed edits of berth.yaml: set, add and remove at a JSON Pointer keep every comment, key
// and line they do not touch; an edit against an old revision is refused and writes nothing; a no-op
// writes nothing; an oversized file is refused before it is parsed.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyConfigOps, updateConfigFile } from '../../../main/config/write-config.js';
import { CONFIG_SIZE_LIMIT, formatProblem, loadConfig, revisionOf } from '../../../main/config/load-config.js';
import { parsePointer } from '../../../main/config/config-ops.js';
import { changeLine, describeChanges } from '../../../main/config/config-summary.js';
import { keepUntouchedLines } from '../../../main/config/keep-lines.js';

const original = `# Berth config for the demo stack
loadBalancers:
  - name: web # the public one
    listeners:
      - port: 8080
        protocol: HTTP
        defaultAction: { fixedResponse: { statusCode: 404, messageBody: none } }
        rules:
          # the API
          - priority: 10
            conditions: { pathPattern: ["/api/*"] }
            action: { forward: api }

          # the admin pages, for now
          - priority: 20
            conditions: { pathPattern: ["/admin/*"] }
            action: { forward: api }
targetGroups:
  - name: api # port 3000 on the host
    protocol: HTTP
    targets: { static: [ "127.0.0.1:3000" ] }
`;

function fileWith(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'berth-ops-')), 'berth.yaml');
  writeFileSync(file, text);
  return file;
}

describe('config operations', () => {
  it('set a value in place: only that line changes, mixed flow styles and blank lines stay', async () => {
    const file = fileWith(original);
    const result = await applyConfigOps(file, [{ op: 'set', path: '/loadBalancers/0/listeners/0/rules/1/conditions/pathPattern/0', value: '/admin/v2/*' }], { revision: revisionOf(original) });
    expect(result).toMatchObject({ ok: true, written: true });
    // Only the edited line differs; yaml prints it in one flow style, the rest keep theirs.
    const before = original.split('\n');
    const after = readFileSync(file, 'utf8').split('\n');
    expect(after.filter((line, i) => line !== before[i])).toEqual(['            conditions: { pathPattern: [ "/admin/v2/*" ] }']);
  });

  it('add an item (a new group) at the end of a list and remove a rule, keeping the other rule\'s comment', async () => {
    const file = fileWith(original);
    const result = await applyConfigOps(file, [
      { op: 'add', path: '/targetGroups/-', value: { name: 'admin', protocol: 'HTTP' } },
      { op: 'remove', path: ['loadBalancers', 0, 'listeners', 0, 'rules', 0] },
    ]);
    expect(result.ok).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('          # the admin pages, for now\n          - priority: 20');
    expect(text).not.toContain('/api/*');
    expect(text).toContain('  - name: api # port 3000 on the host\n');
    expect(text).toContain('targets: { static: [ "127.0.0.1:3000" ] }');
    expect(text.endsWith('  - name: admin\n    protocol: HTTP\n')).toBe(true);
  });

  it('replace a whole rule as the dashboard sends it: its comment and unchanged lines stay', async () => {
    const file = fileWith(original);
    const rule = { priority: 10, conditions: { pathPattern: ['/api/*'] }, action: { fixedResponse: { statusCode: 503, messageBody: 'down for maintenance' } } };
    expect(await applyConfigOps(file, [{ op: 'set', path: '/loadBalancers/0/listeners/0/rules/0', value: rule }])).toMatchObject({ ok: true, written: true });
    const text = readFileSync(file, 'utf8');
    const expected = original.replace('action: { forward: api }\n\n', 'action: { fixedResponse: { statusCode: 503, messageBody: down for maintenance } }\n\n');
    expect(text).toBe(expected);
  });

  it('refuse an edit against an old revision with CONFLICT, writing nothing', async () => {
    const file = fileWith(original);
    const stale = revisionOf(original.replace('8080', '8081'));
    await expect(applyConfigOps(file, [{ op: 'remove', path: '/targetGroups/0' }], { revision: stale })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { revision: revisionOf(original), baseRevision: stale },
    });
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it('write nothing for an edit that changes no value, and for the whole config sent back as it is', async () => {
    const file = fileWith(original);
    const before = statSync(file).mtimeMs;
    expect(await applyConfigOps(file, [{ op: 'set', path: '/loadBalancers/0/listeners/0/port', value: 8080 }])).toMatchObject({ ok: true, written: false });
    const loaded = await loadConfig(file);
    expect(await updateConfigFile(file, (loaded.ok ? loaded.document.toJS() : {}) as never)).toMatchObject({ ok: true, written: false });
    // The config as the engine holds it, every default spelled out: the same config, so nothing is written.
    expect(await updateConfigFile(file, (loaded.ok ? loaded.config : {}) as never)).toMatchObject({ ok: true, written: false });
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('say which operation failed, and where its path went wrong', async () => {
    const file = fileWith(original);
    await expect(applyConfigOps(file, [{ op: 'remove', path: '/targetGroups/5' }])).rejects.toThrow('ops[0] (remove /targetGroups/5): nothing at this path to remove');
    await expect(applyConfigOps(file, [{ op: 'add', path: '/targetGroups/9', value: {} }])).rejects.toThrow('"9" is not an index of the list (0–1, or - to append)');
    expect(() => parsePointer('targetGroups')).toThrow('is not a JSON Pointer');
    expect(parsePointer('/a~1b/~0c/0')).toEqual(['a/b', '~c', '0']);
  });
});

describe('keepUntouchedLines', () => {
  it('takes unchanged lines from the file and changed ones from the printed document', () => {
    const file = 'a: [1]\nb: { c: 1 }\nd: 2\n';
    const printed = 'a: [ 1 ]\nb: { c: 1 }\nd: 2\n';
    expect(keepUntouchedLines(file, printed, 'a: [ 1 ]\nb: { c: 1 }\nd: 3\ne: 4\n')).toBe('a: [1]\nb: { c: 1 }\nd: 3\ne: 4\n');
    // Printing changed the number of lines: nothing can be mapped back, the printed text is used.
    expect(keepUntouchedLines('a: 1', 'a: 1\n', 'a: 2\n')).toBe('a: 2\n');
  });
});

describe('one validation path', () => {
  it('refuse a file over 1 MiB naming the file, its size and the limit, before parsing it', async () => {
    const file = fileWith(`# ${'x'.repeat(CONFIG_SIZE_LIMIT)}\n`);
    const result = await loadConfig(file);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([`${file}:1:1  (file)  the file is 1,048,579 bytes; a config file may be at most 1 MiB (1,048,576 bytes)`]);
    // The same check on text that would be written by an edit.
    const edited = await loadConfig(file, { text: `# ${'y'.repeat(CONFIG_SIZE_LIMIT)}` });
    expect(edited.ok ? '' : edited.problems[0]!.code).toBe('CONFIG_TOO_LARGE');
  });

  it('give the revision of the bytes read, for a valid file and for one with problems', async () => {
    const file = fileWith(original);
    expect(await loadConfig(file)).toMatchObject({ ok: true, revision: revisionOf(original), text: original });
    const broken = fileWith('loadBalancers: [\n');
    expect(await loadConfig(broken)).toMatchObject({ ok: false, revision: revisionOf('loadBalancers: [\n') });
  });
});

describe('describeChanges', () => {
  it('name each changed object in words a person uses', async () => {
    const a = await loadConfig(fileWith(original));
    const b = await loadConfig(fileWith(original.replace('"/admin/*"', '"/ops/*"').replace('targets: {', 'healthCheck: { enabled: false }\n    targets: {') + '  - name: spare\n    protocol: HTTP\n'));
    if (!a.ok || !b.ok) throw new Error('fixtures invalid');
    const changes = describeChanges(a.config, b.config);
    expect(changes).toEqual(['web 8080/HTTP rule 20 changed', 'target group api changed', 'target group spare added']);
    expect(changeLine(changes)).toBe('web 8080/HTTP rule 20 changed; target group api changed; target group spare added');
    expect(changeLine(describeChanges(a.config, a.config))).toBe('no change to the config');
  });
});
