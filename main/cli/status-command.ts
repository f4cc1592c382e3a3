// `berth status` and `berth traffic`: read a running Berth through its control API (control.json).
import type { Command } from 'commander';
import WebSocket from 'ws';
import { HttpBerthClient, type SocketConstructor } from '../../shared/contract/index.js';
import type { TrafficRecord } from '../../shared/model/index.js';
import { readControlFile } from '../control/index.js';
import { matches, type TrafficQuery } from '../traffic/recorder.js';

async function client(dataDir: string): Promise<HttpBerthClient> {
  const endpoint = await readControlFile(dataDir);
  return new HttpBerthClient({ baseUrl: endpoint.url, token: endpoint.token, WebSocket: WebSocket as unknown as SocketConstructor });
}

function fail(err: unknown): never {
  process.stderr.write(`berth: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

export function registerStatusCommand(program: Command, dataDir: () => string): void {
  program
    .command('status')
    .description('what a running Berth serves: listeners with URLs, target health, problems')
    .action(async () => {
      try {
        const state = await (await client(dataDir())).call('getState', {});
        const d = state.discovery;
        process.stdout.write(`mode ${state.mode}${state.configFile ? ` (${state.configFile})` : ''}${state.paused ? ', traffic PAUSED' : ''}\n`);
        process.stdout.write(`docker ${d.connected ? 'connected' : 'NOT connected'} ${d.endpoint}${d.stale ? ' (stale)' : ''}\n`);
        for (const lb of state.loadBalancers) for (const l of lb.listeners) process.stdout.write(`listener ${lb.name} ${l.id.padEnd(10)} ${l.status.padEnd(8)} ${l.url ?? ''}${l.error ? `  ${l.error}` : ''}\n`);
        for (const g of state.targetGroups) {
          process.stdout.write(`group ${g.name} (${g.protocol}): ${g.targets.length} target${g.targets.length === 1 ? '' : 's'}\n`);
          for (const t of g.targets) process.stdout.write(`  ${t.id.padEnd(32)} ${t.health.padEnd(10)} ${t.reason ?? ''}\n`);
        }
        for (const p of state.problems) if (p.source !== 'config') process.stdout.write(`problem ${p.source}: ${p.message}${p.where ? ` (${p.where})` : ''}\n`);
        // A berth.yaml that cannot be loaded is the user's to fix: each problem at its place, and a failing exit.
        const file = state.configFileState;
        if (file) process.stdout.write(`config revision ${file.revision}${file.status === 'ok' ? '' : ` still runs: the file is ${file.status === 'missing' ? 'missing' : 'not valid'}`}\n`);
        for (const p of file?.problems ?? []) process.stdout.write(`${p.file}:${p.line}:${p.column}  ${p.path || '(file)'}  ${p.message}\n`);
        if (file && file.status !== 'ok') process.exitCode = 1;
      } catch (err) {
        fail(err);
      }
    });

  program
    .command('traffic')
    .description('recent requests and connections of a running Berth')
    .option('-f, --follow', 'keep printing new traffic')
    .option('--listener <id>', 'e.g. 8080/HTTP')
    .option('--target-group <name>')
    .option('--rule <priority>', "a rule's priority, or default")
    .option('--target <id>', 'e.g. web-1:49153')
    .option('--status <class>', '2xx, 3xx, 4xx, 5xx or error')
    .option('--text <words>', 'in method, host, path, target, client or error')
    .option('-n, --limit <n>', 'how many recent records', '50')
    .action(async (opts: TrafficOptions) => {
      try {
        const filter = trafficFilter(opts);
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new Error(`--limit: ${opts.limit} is not a whole number from 1 to 10000`);
        const c = await client(dataDir());
        const { records } = await c.call('getTraffic', { ...filter, limit });
        records.forEach(printRecord);
        if (!opts.follow) return c.close();
        // Live batches carry everything; the same filter as the engine's applies here.
        c.subscribe('traffic', ({ records: batch }) => batch.filter((r) => matches(r, filter)).forEach(printRecord));
      } catch (err) {
        fail(err);
      }
    });
}

interface TrafficOptions {
  follow?: boolean;
  listener?: string;
  targetGroup?: string;
  rule?: string;
  target?: string;
  status?: string;
  text?: string;
  limit: string;
}

const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'error'] as const;

function trafficFilter(opts: TrafficOptions): TrafficQuery & { statusClass?: (typeof STATUS_CLASSES)[number] } {
  const status = opts.status?.toLowerCase();
  if (status !== undefined && !STATUS_CLASSES.includes(status as (typeof STATUS_CLASSES)[number])) throw new Error(`--status: ${opts.status} is not one of ${STATUS_CLASSES.join(', ')}`);
  return {
    ...(opts.listener ? { listener: opts.listener } : {}),
    ...(opts.targetGroup ? { targetGroup: opts.targetGroup } : {}),
    ...(opts.rule ? { rule: opts.rule } : {}),
    ...(opts.target ? { target: opts.target } : {}),
    ...(status ? { statusClass: status as (typeof STATUS_CLASSES)[number] } : {}),
    ...(opts.text ? { text: opts.text } : {}),
  };
}

function printRecord(r: TrafficRecord): void {
  const what = r.method ? `${r.method} ${r.host ?? ''}${r.path ?? ''}` : `${r.kind.toUpperCase()} ${r.client}`;
  process.stdout.write(`${new Date(r.startedAt).toISOString().slice(11, 23)} ${String(r.status ?? r.error ?? '-').padEnd(4)} ${r.durationMs.toFixed(1).padStart(7)}ms ${r.listener.padEnd(10)} ${what} → ${r.target ?? '-'}${r.rule ? ` (rule ${r.rule})` : ''}${r.clientContainer ? ` from ${r.clientContainer}` : ''}\n`);
}
