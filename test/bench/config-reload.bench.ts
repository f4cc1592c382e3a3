// berth.yaml reload benchmark (`npm run bench:config`): a real `berth up` child process, a rule's
// answer changed by a save, timed from the end of the save to the first request answered by the new
// rule, for each way editors save (rename over, truncate and write, delete then create), SAVES times
// each. Prints p50/p95/max per style; exits non-zero if any p95 is over the 1 s target.
import { spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/free-port.js';

const SAVES = Number(process.env.BENCH_SAVES ?? 15);
const TARGET_MS = 1000;
const berth = fileURLToPath(new URL('../../bin/berth.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-config-'));
const file = join(dir, 'berth.yaml');
const port = await freePort();
const yaml = (body: string) =>
  `loadBalancers:\n  - name: web\n    listeners:\n      - port: ${port}\n        protocol: HTTP\n        defaultAction: { fixedResponse: { statusCode: 200, messageBody: ${body} } }\n`;

const body = () =>
  new Promise<string>((resolve) => {
    get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(text));
    }).on('error', () => resolve(''));
  });
const answered = async (expected: string, started: number, limitMs = 10_000): Promise<number> => {
  for (;;) {
    if ((await body()) === expected) return performance.now() - started;
    if (performance.now() - started > limitMs) throw new Error(`"${expected}" not answered within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

const styles: Record<string, (text: string) => Promise<void>> = {
  'rename over': async (text) => {
    writeFileSync(join(dir, '.berth.yaml.tmp'), text);
    renameSync(join(dir, '.berth.yaml.tmp'), file);
  },
  'truncate and write': async (text) => {
    const handle = await open(file, 'r+');
    await handle.truncate(0);
    await handle.write(text, 0);
    await handle.close();
  },
  'delete then create': async (text) => {
    unlinkSync(file);
    writeFileSync(file, text);
  },
};

writeFileSync(file, yaml('v0'));
const up = spawn(process.execPath, [berth, 'up', '-c', file, '--data-dir', join(dir, 'data'), '--docker-host', `unix://${join(dir, 'none.sock')}`], { stdio: ['ignore', 'pipe', 'inherit'] });
let log = '';
up.stdout!.on('data', (d: Buffer) => (log += d.toString()));
let failed = false;
try {
  // `berth up` compiles its TypeScript when it starts: allow it a while. The dashboard line comes once it runs.
  await answered('v0', performance.now(), 120_000);
  while (!log.includes('dashboard: ')) await new Promise((r) => setTimeout(r, 50));
  let n = 0;
  for (const [style, save] of Object.entries(styles)) {
    const times: number[] = [];
    for (let i = 0; i < SAVES; i++) {
      const text = yaml(`v${++n}`);
      await save(text);
      times.push(await answered(`v${n}`, performance.now()));
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    console.log(`${style.padEnd(20)} saves ${SAVES}  p50 ${at(0.5).toFixed(0)} ms  p95 ${at(0.95).toFixed(0)} ms  max ${times.at(-1)!.toFixed(0)} ms`);
    if (at(0.95) > TARGET_MS) failed = true;
  }
} finally {
  up.kill('SIGINT');
  await new Promise((r) => up.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
if (failed) {
  console.log(`p95 over the ${TARGET_MS} ms target`);
  process.exitCode = 1;
}
