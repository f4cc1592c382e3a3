// `berth export` and `berth import` as the CLI runs them: files in and out, warnings and problems on
// stderr, exit codes, and confirmation before a guessed Docker selector is used.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { parse } from 'yaml';
import { configSchema } from '../../../shared/model/index.js';
import { registerExportCommand, registerImportCommand, runExport, runImport, type CommandIo } from '../../../main/cli/export-command.js';
import { jsonClone } from '../../../main/export/local-settings.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { fixtureText, loadFixture } from './export-fixtures.js';

const fixturePath = (name: string) => new URL(`../../fixtures/export/${name}`, import.meta.url).pathname;

function capture(answers: Record<string, boolean> = {}, interactive = false): CommandIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    ...(interactive ? { confirm: async (q: string) => Object.entries(answers).find(([k]) => q.includes(` ${k} `))?.[1] ?? false } : {}),
  };
  return io;
}

let dir: TempDir;
beforeEach(async () => {
  dir = await tempDir('berth-export-');
});
afterEach(async () => {
  await dir.remove();
});

describe('berth export', () => {
  it('prints the template on stdout and the warnings on stderr', async () => {
    const io = capture();
    expect(await runExport({ format: 'cloudformation', config: fixturePath('13-sni-routing.yaml') }, io)).toBe(0);
    expect(io.out).toMatch(/^# Exported by Berth/);
    expect(io.err).toContain('berth export: warning: [sni-routing] loadBalancers[passthrough].listeners[443].rules[1]');
    expect(io.err).toContain('ECS wiring for the Docker-filled target groups not written; use --out or --ecs-out FILE');
  });

  it('writes the file and the ECS snippet beside it; a .json name selects JSON', async () => {
    const out = join(dir.path, 'stack.json');
    const io = capture();
    expect(await runExport({ format: 'cloudformation', config: fixturePath('02-minimal-http.yaml'), out }, io)).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).Resources.AppLoadBalancer.Type).toBe('AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(readFileSync(join(dir.path, 'stack.ecs.json'), 'utf8')).toContain('"HostPort": 0');
    expect(io.out).toBe('');
  });

  it('refuses an invalid config with the FILE:LINE:COL problems berth validate prints', async () => {
    const bad = join(dir.path, 'berth.yaml');
    writeFileSync(bad, 'loadBalancers:\n  - name: web\n    listeners:\n      - { port: 80, protocol: HTTP, defaultAction: { forward: missing } }\n');
    const io = capture();
    expect(await runExport({ format: 'terraform', config: bad }, io)).toBe(1);
    expect(io.err).toContain(`${bad}:4:63  loadBalancers[0].listeners[0].defaultAction.forward  no target group named "missing"\n`);
    expect(io.err).toContain(`berth export: 1 problem in ${bad}; nothing exported`);
    expect(io.out).toBe('');
    const missing = join(dir.path, 'nope.yaml');
    expect(await runExport({ format: 'terraform', config: missing }, io)).toBe(1);
    expect(io.err).toContain(`${missing}:1:1  (file)  no such file`);
  });

  it('checks the PEM files listeners name, as berth up does, and writes nothing', async () => {
    const file = join(dir.path, 'berth.yaml');
    writeFileSync(file, [
      'loadBalancers:',
      '  - name: web',
      '    listeners:',
      '      - port: 8443',
      '        protocol: HTTPS',
      '        certificates: [{ certFile: web.pem, keyFile: web-key.pem }]',
      '        defaultAction: { fixedResponse: { statusCode: 200 } }',
      '',
    ].join('\n'));
    const out = join(dir.path, 'stack.yaml');
    const io = capture();
    expect(await runExport({ format: 'cloudformation', config: file, out }, io)).toBe(1);
    expect(io.err).toContain(`${file}:6:36  loadBalancers[0].listeners[0].certificates[0].certFile  no such file: web.pem\n`);
    expect(io.err).toContain(`${file}:6:54  loadBalancers[0].listeners[0].certificates[0].keyFile  no such file: web-key.pem\n`);
    expect(io.err).toContain('2 problems in');
    expect(existsSync(out)).toBe(false);
  });
});

describe('berth import', () => {
  it('turns an export back into the same berth.yaml', async () => {
    const tf = join(dir.path, 'main.tf');
    expect(await runExport({ format: 'terraform', config: fixturePath('06-weighted-canary.yaml'), out: tf }, capture())).toBe(0);
    const io = capture();
    expect(await runImport(tf, {}, io)).toBe(0);
    expect(io.err).toBe('');
    expect(io.out).toMatch(/^# Imported by Berth from main.tf/);
    expect(jsonClone(configSchema.parse(parse(io.out)))).toEqual(jsonClone(loadFixture('06-weighted-canary')));
  });

  it('asks before using a proposed selector and reports the ones it did not use', async () => {
    const io = capture({ 'catalog-tg': true, 'cart-target-group': false }, true);
    const code = await runImport(fixturePath('import/console-alb.yaml'), { compose: fixturePath('import/compose.yaml') }, io);
    expect(code).toBe(0);
    const config = configSchema.parse(parse(io.out));
    expect(config.targetGroups.map((tg) => tg.targets.docker?.composeService)).toEqual(['catalog', undefined]);
    expect(io.err).toContain('proposed for cart-target-group');
    expect(io.err).toMatch(/console-alb\.yaml:41:\d+: \w+ \[unsupported-action\] Https/);
    expect(io.out).toContain('# console-alb.yaml:13:5: warning [unsupported-resource] Logs: AWS::S3::Bucket is not a load-balancing resource');
  });

  it('takes --select, with the port from the compose file or the target group when not given, and --yes for the rest', async () => {
    const io = capture();
    const compose = fixturePath('import/compose.yaml');
    expect(await runImport(fixturePath('import/console-alb.yaml'), { compose, select: ['catalog-tg=game'], yes: true }, io)).toBe(0);
    expect(configSchema.parse(parse(io.out)).targetGroups.map((tg) => tg.targets.docker)).toEqual([
      { composeProject: 'shop', composeService: 'game', containerPort: 8000 },
      { composeProject: 'shop', composeService: 'cart-api', containerPort: 9000 },
    ]);
    const bad = capture();
    expect(await runImport(fixturePath('import/console-alb.yaml'), { compose, select: ['elsewhere=game'] }, bad)).toBe(1);
    expect(bad.err).toContain('--select elsewhere=game: give the container port');
  });

  it('writes --out, but never over an existing file without --force', async () => {
    const out = join(dir.path, 'berth.yaml');
    writeFileSync(out, 'keep me\n');
    const io = capture();
    expect(await runImport(fixturePath('import/hand-written.tf'), { out }, io)).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe('keep me\n');
    expect(await runImport(fixturePath('import/hand-written.tf'), { out, force: true }, io)).toBe(0);
    expect(configSchema.parse(parse(readFileSync(out, 'utf8'))).loadBalancers[0]!.name).toBe('api');
  });

  it('exits 1 and writes nothing when the file cannot be read', async () => {
    const broken = join(dir.path, 'broken.tf');
    writeFileSync(broken, 'resource "aws_lb" "x" {\n');
    const io = capture();
    expect(await runImport(broken, {}, io)).toBe(1);
    expect(io.err).toMatch(/broken\.tf:\d+:\d+: error \[syntax\]/);
    expect(io.out).toBe('');
  });
});

describe('the commands as commander registers them', () => {
  const exitCode = process.exitCode;
  afterEach(() => {
    process.exitCode = exitCode;
  });

  it('parses export and import options', async () => {
    const program = new Command('berth').exitOverride();
    registerExportCommand(program);
    registerImportCommand(program);
    const tf = join(dir.path, 'lb.tf');
    await program.parseAsync(['export', '--format', 'terraform', '-c', fixturePath('03-host-routing.yaml'), '--out', tf], { from: 'user' });
    expect(process.exitCode).toBe(0);
    expect(existsSync(join(dir.path, 'lb.ecs.tf'))).toBe(true);
    const out = join(dir.path, 'berth.yaml');
    await program.parseAsync(['import', tf, '--out', out], { from: 'user' });
    expect(process.exitCode).toBe(0);
    expect(jsonClone(configSchema.parse(parse(readFileSync(out, 'utf8'))))).toEqual(jsonClone(configSchema.parse(parse(fixtureText('03-host-routing')))));
  });

  it('rejects an unknown format', async () => {
    const program = new Command('berth').exitOverride().configureOutput({ writeErr: () => {} });
    registerExportCommand(program);
    await expect(program.parseAsync(['export', '--format', 'pulumi'], { from: 'user' })).rejects.toThrow(/Allowed choices are cloudformation, terraform/);
  });
});

// The real binary, as a user runs it.
describe('bin/berth.js', () => {
  it('exports through the installed command', async () => {
    const bin = new URL('../../../bin/berth.js', import.meta.url).pathname;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, 'export', '--format', 'terraform', '-c', fixturePath('02-minimal-http.yaml')]);
    expect(stdout).toContain('resource "aws_lb" "app"');
    expect(stderr).toContain('[docker-targets]');
  });

  it('reports a bad berth.yaml as berth validate does and exits 1', async () => {
    const bin = new URL('../../../bin/berth.js', import.meta.url).pathname;
    writeFileSync(join(dir.path, 'berth.yaml'), 'loadBalancers:\n  - name: web\n    listeners:\n      - { port: 80, protocol: HTTP, defaultAction: { forward: missing } }\n');
    const run = (args: string[]) => promisify(execFile)(process.execPath, [bin, ...args], { cwd: dir.path }).then(() => ({ code: 0, stdout: '', stderr: '' }), (e: { code: number; stdout: string; stderr: string }) => e);
    const exported = await run(['export', '--format', 'cloudformation', '--out', 'stack.yaml']);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain('berth.yaml:4:63  loadBalancers[0].listeners[0].defaultAction.forward  no target group named "missing"\n');
    expect(exported.stderr).toContain('berth export: 1 problem in berth.yaml; nothing exported');
    expect(existsSync(join(dir.path, 'stack.yaml'))).toBe(false);
    const validated = await run(['validate']);
    expect(validated.stdout).toContain('berth.yaml:4:63  loadBalancers[0].listeners[0].defaultAction.forward  no target group named "missing"');
  });
});
