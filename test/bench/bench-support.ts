// What every benchmark script shares: its options, child processes pinned to one core each, wrk runs,
// and CPU accounting from /proc (how much the processes under test used, and how much other work on
// the machine took, so a disturbed run is seen and repeated rather than trusted).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

/** A run whose other work used more than this many cores is repeated. */
export const QUIET_CORES = 0.25;
export const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** `--name value` and bare `--flag` (→ 'true'). */
export function parseArgs(argv: string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) out[a.slice(2)] = argv[i + 1]?.startsWith('--') === false ? argv[++i] : 'true';
  }
  return out;
}

export function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The child processes a benchmark started; all are stopped when it exits, however it ends. */
export class Processes {
  readonly all: ChildProcess[] = [];

  constructor() {
    const stopAll = () => this.all.forEach((c) => c.exitCode === null && c.kill('SIGTERM'));
    process.on('exit', stopAll);
    process.on('SIGINT', () => {
      stopAll();
      process.exit(130);
    });
  }

  /**
   * Starts `script` (beside this file) with `roleArgs`, pinned to `core` where taskset exists, and
   * resolves with its first line that starts with `ready`. `ipc` opens a message channel to it.
   */
  async start(core: string, script: string, roleArgs: string[], options: { nodeFlags?: string[]; ipc?: boolean } = {}): Promise<{ child: ChildProcess; ready: string }> {
    const node = [...(options.nodeFlags ?? []), join(root, 'bin/run-ts.js'), join(here, script), ...roleArgs];
    const [cmd, argv] = hasTaskset ? ['taskset', ['-c', core, process.execPath, ...node]] : [process.execPath, node];
    const child = spawn(cmd, argv, { cwd: root, stdio: options.ipc ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'] });
    this.all.push(child);
    const ready = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`${roleArgs[0]} did not start within 60 s`)), 60_000);
      let text = '';
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        text += chunk;
        const line = text.split('\n').find((l) => l.startsWith('ready'));
        if (line) {
          clearTimeout(timer);
          ok(line.trim());
        }
      });
      child.once('exit', (code) => fail(new Error(`${roleArgs[0]} exited with ${code}`)));
    });
    return { child, ready };
  }
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((ok) => {
    if (child.exitCode !== null) return ok();
    child.once('exit', () => ok());
    child.kill('SIGTERM');
  });
}

export interface WrkResult {
  rps: number;
  /** Latency percentiles in ms. */
  p50: number;
  p99: number;
  errors: number;
}

/** Runs wrk and reads requests/s and the latency percentiles (in ms) from its --latency output. */
export function wrk(url: string, host: string, seconds: number, conns: number): WrkResult {
  const run = spawnSync('wrk', ['-t1', `-c${conns}`, `-d${seconds}s`, '--latency', '-H', `Host: ${host}`, url], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr || run.stdout}`);
  const out = run.stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const pct = (p: string) => toMs(new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out));
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + Number(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)?.slice(1).reduce((a, b) => a + Number(b), 0) ?? 0);
  return { rps, p50: pct('50'), p99: pct('99'), errors };
}

function toMs(m: RegExpExecArray | null): number {
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

/** Busy clock ticks of the whole machine (all cores), from /proc/stat. */
export function machineBusyTicks(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  return user! + nice! + system! + irq! + softirq! + (steal ?? 0);
}

function selfStat(): string[] {
  return readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
}

/** This process (the load generator), in clock ticks. */
export function selfTicks(): number {
  const fields = selfStat();
  return Number(fields[11]) + Number(fields[12]);
}

/** This process plus its finished children (wrk runs as one), in clock ticks. */
export function selfAndChildrenTicks(): number {
  const fields = selfStat();
  return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
}

/** utime + stime of a process in clock ticks (100 per second on Linux), from /proc. */
export function cpuTicks(child: ChildProcess | undefined): number | undefined {
  if (!child?.pid) return undefined;
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}
