// berth.yaml validation: every invalid fixture reports its exact LINE:COL, field path and a message
// for a person — the lines `berth validate` prints. Each fixture in test/fixtures/config/invalid
// says what is wrong on its first line and lists the expected problems as `# expect:` comments.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleConfigPaths } from '../../helpers/example-config.js';
import { formatProblem, loadConfig, parseConfigText } from '../../../main/config/load-config.js';

const invalidDir = fileURLToPath(new URL('../../fixtures/config/invalid/', import.meta.url));
const fixtures = readdirSync(invalidDir).filter((f) => f.endsWith('.yaml')).sort();

const problemLines = (text: string) => {
  const result = parseConfigText(text, 'berth.yaml');
  return result.ok ? [] : result.problems.map(formatProblem);
};

describe('valid configs', () => {
  for (const path of exampleConfigPaths()) {
    it(`accept the example config as it is (${path.includes('fixtures') ? 'fixture copy' : '../shared/docs'})`, () => {
      expect(problemLines(readFileSync(path, 'utf8'))).toEqual([]);
    });
  }

  it('count an empty file, or one of comments only, as an empty config', () => {
    for (const text of ['', '\n', '# nothing here yet\n']) {
      const result = parseConfigText(text, 'berth.yaml');
      expect(result.ok && result.config).toEqual({ loadBalancers: [], targetGroups: [] });
    }
  });

  it('resolve anchors, aliases and merge keys', () => {
    const text = `targetGroups:
  - &http { name: a, protocol: HTTP, deregistrationDelaySeconds: 5 }
  - <<: *http
    name: b
`;
    const result = parseConfigText(text, 'berth.yaml');
    expect(result.ok && result.config.targetGroups.map((g) => [g.name, g.deregistrationDelaySeconds])).toEqual([
      ['a', 5],
      ['b', 5],
    ]);
  });

  it('return the parsed document for comment-keeping edits', () => {
    const result = parseConfigText('# mine\nloadBalancers: []\n', 'berth.yaml');
    expect(result.ok && result.document.toString()).toBe('# mine\nloadBalancers: []\n');
  });
});

describe('invalid configs', () => {
  it('have at least 20 fixtures, each with a description and expectations', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
    for (const f of fixtures) {
      const text = readFileSync(join(invalidDir, f), 'utf8');
      expect(text.startsWith('# '), f).toBe(true);
      expect(text, f).toContain('\n# expect: ');
    }
  });

  for (const f of fixtures) {
    it(`report ${f.replace(/\.yaml$/, '')} at its exact position`, () => {
      const text = readFileSync(join(invalidDir, f), 'utf8');
      const expected = text
        .split('\n')
        .filter((l) => l.startsWith('# expect: '))
        .map((l) => `berth.yaml:${l.slice('# expect: '.length)}`);
      expect(problemLines(text)).toEqual(expected);
    });
  }

  it('tell syntax errors from schema problems by code', () => {
    const syntax = parseConfigText('a: [1\n', 'berth.yaml');
    const schema = parseConfigText('loadBalancers: 5\n', 'berth.yaml');
    expect(syntax.ok ? [] : syntax.problems.map((p) => p.code)).toEqual(['CONFIG_SYNTAX']);
    expect(schema.ok ? [] : schema.problems.map((p) => p.code)).toEqual(['CONFIG_INVALID']);
  });

  it('list problems in file order', () => {
    const result = parseConfigText(readFileSync(join(invalidDir, 'many-problems.yaml'), 'utf8'), 'berth.yaml');
    const positions = result.ok ? [] : result.problems.map((p) => p.line * 1000 + p.column);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(positions.length).toBe(7);
  });
});

describe('reading the file', () => {
  it('reports a missing file as CONFIG_NOT_FOUND with its path', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'berth-load-')), 'berth.yaml');
    const result = await loadConfig(file);
    expect(result).toEqual({ ok: false, problems: [{ file, line: 1, column: 1, path: '', message: 'no such file', code: 'CONFIG_NOT_FOUND' }] });
    expect(result.ok ? '' : formatProblem(result.problems[0]!)).toBe(`${file}:1:1  (file)  no such file`);
  });

  it('reports a folder given as the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-load-'));
    const result = await loadConfig(dir);
    expect(result.ok ? '' : result.problems[0]!.message).toBe('is a folder, not a file');
  });

  it('labels problems with the file it read', async () => {
    const file = join(invalidDir, 'wrong-type.yaml');
    const result = await loadConfig(file);
    expect(result.ok ? '' : formatProblem(result.problems[0]!)).toBe(`${file}:5:15  loadBalancers[0].listeners[0].port  must be a number, got the string "eighty"`);
  });
});
