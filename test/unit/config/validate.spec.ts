// `berth validate` through loadConfig (the path `berth up` shares), through a commander program
// built here, and as a user runs it: the real CLI in a child process.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { exampleConfigPaths } from '../../helpers/example-config.js';
import { summarizeConfig } from '../../../main/config/config-summary.js';
import { loadConfig } from '../../../main/config/load-config.js';
import { registerValidateCommand, runValidate } from '../../../main/cli/validate-command.js';
import { formatProblem } from '../../../main/config/load-config.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-validate-'));
const example = exampleConfigPaths()[0]!;
const berth = fileURLToPath(new URL('../../../bin/berth.js', import.meta.url));
const bad = join(dir, 'bad.yaml');
writeFileSync(bad, 'loadBalancers:\n  - name: web\n    listeners:\n      - port: 99999\n        protocol: HTTP\n        defaultAction: { forward: users }\n        rules:\n          - prioirty: 1\n');
const badLines = [
  `${bad}:4:15  loadBalancers[0].listeners[0].port  a port is 1–65535, got 99999`,
  `${bad}:6:35  loadBalancers[0].listeners[0].defaultAction.forward  no target group named "users"`,
  `${bad}:8:13  loadBalancers[0].listeners[0].rules[0].action  is required (a mapping)`,
  `${bad}:8:13  loadBalancers[0].listeners[0].rules[0].conditions  is required (a mapping)`,
  `${bad}:8:13  loadBalancers[0].listeners[0].rules[0].prioirty  unknown key "prioirty" — did you mean "priority"?`,
];

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
}

describe('loadConfig', () => {
  it('accepts the example and summarises it', async () => {
    const result = await loadConfig(example);
    expect(result.ok && summarizeConfig(result.config)).toBe('2 load balancers, 4 listeners, 3 rules, 5 target groups');
  });

  it('uses singular words for one of a kind', async () => {
    const file = join(dir, 'one.yaml');
    writeFileSync(file, 'loadBalancers:\n  - name: web\n    listeners:\n      - port: 80\n        protocol: HTTP\n        defaultAction: { forward: a }\n        rules:\n          - { priority: 1, conditions: { pathPattern: ["/"] }, action: { forward: a } }\ntargetGroups:\n  - { name: a, protocol: HTTP }\n');
    const result = await loadConfig(file);
    expect(result.ok && summarizeConfig(result.config)).toBe('1 load balancer, 1 listener, 1 rule, 1 target group');
  });

  it('finds certificate files that are not there, at their line', async () => {
    const file = join(dir, 'tls.yaml');
    const cert = join(dir, 'cert.pem');
    writeFileSync(cert, 'not checked here');
    writeFileSync(file, `loadBalancers:\n  - name: web\n    listeners:\n      - port: 8443\n        protocol: HTTPS\n        certificates:\n          - certFile: ${cert}\n            keyFile: ${dir}/missing-key.pem\n        defaultAction: { fixedResponse: { statusCode: 404 } }\n`);
    const result = await loadConfig(file);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      `${file}:8:22  loadBalancers[0].listeners[0].certificates[0].keyFile  no such file: ${dir}/missing-key.pem`,
    ]);
  });
});

describe('runValidate', () => {
  it('prints the summary and returns 0 for a valid file', async () => {
    const { out, io } = capture();
    expect(await runValidate({ config: example }, io)).toBe(0);
    expect(out.stdout).toBe(`${example} is valid: 2 load balancers, 4 listeners, 3 rules, 5 target groups\n`);
    expect(out.stderr).toBe('');
  });

  it('prints every problem on stdout, the count on stderr, and returns 1', async () => {
    const { out, io } = capture();
    expect(await runValidate({ config: bad }, io)).toBe(1);
    expect(out.stdout.split('\n').filter(Boolean)).toEqual(badLines);
    expect(out.stderr).toBe(`5 problems in ${bad}\n`);
  });

  it('warns at the field when a selector protocol contradicts its group, and still returns 0', async () => {
    const file = join(dir, 'selectors.yaml');
    writeFileSync(
      file,
      [
        'targetGroups:',
        '  - name: dns',
        '    protocol: UDP',
        '    targets: { docker: { containerPort: 53, protocol: tcp } }',
        '  - name: web',
        '    protocol: HTTP',
        '    targets:',
        '      docker: { containerPort: 80, protocol: udp }',
        '  - name: quiet',
        '    protocol: UDP',
        '    targets: { docker: { containerPort: 53 } }',
        '',
      ].join('\n'),
    );
    const { out, io } = capture();
    expect(await runValidate({ config: file }, io)).toBe(0);
    expect(out.stdout.split('\n').filter(Boolean)).toEqual([
      `${file}:4:55  targetGroups[0].targets.docker.protocol  warning: a UDP target group sends datagrams: protocol: tcp picks TCP ports no datagram reaches (leave it out to pick UDP ports)`,
      `${file}:8:46  targetGroups[1].targets.docker.protocol  warning: an HTTP target group connects over TCP: protocol: udp picks UDP ports it cannot connect to (leave it out)`,
      `${file} is valid: 0 load balancers, 0 listeners, 0 rules, 3 target groups`,
    ]);
  });

  it('reads berth.yaml in the working folder by default', async () => {
    const cwd = process.cwd();
    const here = mkdtempSync(join(tmpdir(), 'berth-cwd-'));
    process.chdir(here);
    try {
      const { out, io } = capture();
      expect(await runValidate({}, io)).toBe(1);
      expect(out.stdout).toBe('berth.yaml:1:1  (file)  no such file\n');
      writeFileSync(join(here, 'berth.yaml'), '# empty for now\n');
      expect(await runValidate({}, io)).toBe(0);
      expect(out.stdout).toContain('berth.yaml is valid: 0 load balancers, 0 listeners, 0 rules, 0 target groups\n');
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('the validate command', () => {
  it('registers `validate -c FILE` on a commander program and sets the exit code', async () => {
    const program = new Command('berth').exitOverride();
    registerValidateCommand(program);
    const write = process.stdout.write;
    const lines: string[] = [];
    process.stdout.write = ((t: string) => (lines.push(t), true)) as typeof process.stdout.write;
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      await program.parseAsync(['node', 'berth', 'validate', '--config', bad]);
    } finally {
      process.stdout.write = write;
      process.stderr.write = stderr;
    }
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
    expect(lines.join('').split('\n').filter(Boolean)).toEqual(badLines);
  });

  it('runs as the real CLI: exit 0 with the summary, exit 1 with every problem', () => {
    const ok = spawnSync(process.execPath, [berth, 'validate', '-c', example], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(`${example} is valid: 2 load balancers, 4 listeners, 3 rules, 5 target groups\n`);
    const fail = spawnSync(process.execPath, [berth, 'validate', '-c', bad], { encoding: 'utf8' });
    expect(fail.status).toBe(1);
    expect(fail.stdout.split('\n').filter(Boolean)).toEqual(badLines);
    expect(fail.stderr).toBe(`5 problems in ${bad}\n`);
  }, 60_000);
});
