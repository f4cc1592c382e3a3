// The contract's methods implemented on the engine: one function per method name, checked against
// the method table at compile time. Transports (HTTP/WS, IPC, in-process) only decode, validate,
// call and encode.
import { BerthError } from '../../shared/errors.js';
import type { MethodInput, MethodName, MethodOutput, ExplainResult, UpdateConfigResult } from '../../shared/contract/index.js';
import { bareHost } from '../../shared/contract/target-host.js';
import { compileRules } from '../../shared/rules/index.js';
import type { BerthEngine } from '../engine/index.js';
import type { EditOutcome } from '../engine/live-config.js';
import { exportConfig } from '../export/index.js';
import { toHar } from '../traffic/export/har.js';
import { toAccessLog } from '../traffic/export/access-log.js';
import { systemTrustEnvironment, type TrustEnvironment } from '../tls/index.js';
import { exportCa, getCertificates, trustCa, untrustCa } from './certificate-handlers.js';
import { importPreview } from './import-preview.js';

export type Handlers = { [M in MethodName]: (input: MethodInput<M>) => Promise<MethodOutput<M>> };

export interface HandlerContext {
  engine: BerthEngine;
  /** berth.yaml; the engine, which keeps it live, is given it too (EngineOptions.configFile). */
  configFile?: string | undefined;
  /** The machine's trust stores; tests point it at a throwaway home so no real store changes. */
  trustEnvironment?: (() => TrustEnvironment) | undefined;
}

export function createHandlers({ engine, trustEnvironment = systemTrustEnvironment }: HandlerContext): Handlers {
  return {
    getState: async () => engine.getState(),
    getTraffic: async ({ limit, ...query }) => ({ records: engine.recorder.recent(limit ?? 500, query), capacity: engine.recorder.capacity }),
    getRequest: async ({ id }) => {
      const record = engine.recorder.get(id);
      if (!record) throw new BerthError('NOT_FOUND', `no traffic record ${id} (the recorder keeps the last ${engine.recorder.capacity})`);
      return record;
    },
    explain: async (input) => explain(engine, input),
    setListenerEnabled: async ({ loadBalancer, listener, enabled }) => {
      await engine.setListenerEnabled(loadBalancer, listener, enabled);
      return { ok: true as const };
    },
    setRuleEnabled: async ({ loadBalancer, listener, priority, enabled }) => {
      await engine.setRuleEnabled(loadBalancer, listener, priority, enabled);
      return { ok: true as const };
    },
    pauseAll: async ({ paused }) => {
      await engine.pauseAll(paused);
      return { ok: true as const };
    },
    registerTarget: async ({ targetGroup, host: given, port }) => {
      const host = bareHost(given);
      const id = `${host.includes(':') ? `[${host}]` : host}:${port}`;
      engine.registerTarget(targetGroup, { id, host, port, source: 'api' });
      return { ok: true as const, id };
    },
    deregisterTarget: async ({ targetGroup, id }) => {
      engine.deregisterTarget(targetGroup, id);
      return { ok: true as const };
    },
    updateConfig: async ({ config, revision, source }) => editResult(engine, await engine.updateConfig(config as never, revision, source ?? 'api')),
    editConfig: async ({ ops, revision, source }) => editResult(engine, await engine.editConfig(ops, revision, source ?? 'api')),
    getConfigHistory: async () => ({ entries: (await engine.configHistory()).map((e, i) => ({ n: i + 1, ...e })) }),
    restoreConfig: async ({ n, revision }) => editResult(engine, await engine.restoreConfig(n, revision)),
    getMetrics: async ({ windowSeconds }) => {
      const state = engine.getState();
      // Active connections are the target groups' own in-flight counts, read now.
      const inFlight = new Map(state.targetGroups.flatMap((g) => g.targets.map((t) => [`${g.name}\u0000${t.id}`, t.inFlight] as const)));
      const groupInFlight = new Map(state.targetGroups.map((g) => [g.name, g.targets.reduce((n, t) => n + t.inFlight, 0)] as const));
      return engine.recorder.metrics(windowSeconds ?? 300).map((m) => ({ ...m, inFlight: (m.target ? inFlight.get(`${m.targetGroup}\u0000${m.target}`) : groupInFlight.get(m.targetGroup)) ?? 0 }));
    },
    exportTraffic: async ({ format, limit, keepSecrets, ...query }) => {
      const records = engine.recorder.recent(limit ?? engine.recorder.capacity, query, true);
      return format === 'har'
        ? { text: JSON.stringify(toHar(records, { keepSecrets: keepSecrets === true }), null, 2), contentType: 'application/json' }
        : { text: toAccessLog(records), contentType: 'text/plain' };
    },
    exportConfig: async ({ format, syntax }) => {
      const result = exportConfig(engine.config, { format, ...(syntax ? { syntax } : {}) });
      return { text: result.text, warnings: result.warnings.map((w) => w.message), ...(result.ecs ? { ecs: result.ecs.text } : {}) };
    },
    importConfig: async (input) => importPreview(input, engine.getState().containers),
    getCertificates: async () => getCertificates(engine.certificates, trustEnvironment()),
    exportCa: async () => exportCa(engine.certificates),
    trustCa: async () => trustCa(engine.certificates, trustEnvironment()),
    untrustCa: async () => untrustCa(engine.certificates, trustEnvironment()),
  };
}

function editResult(engine: BerthEngine, outcome: EditOutcome): UpdateConfigResult {
  if (!outcome.ok) return { ok: false, problems: outcome.problems.map((p) => ({ path: p.path, line: p.line, column: p.column, message: p.message })) };
  // Saved and applied; a listener that could not start (port in use, …) is named, as `berth up` does.
  const failedListeners = engine
    .getState()
    .loadBalancers.flatMap((lb) => lb.listeners.filter((l) => l.status === 'error').map((l) => ({ loadBalancer: lb.name, listener: l.id, message: l.error ?? 'not running' })));
  return { ok: true, problems: [], revision: outcome.revision, written: outcome.written, ...(failedListeners.length ? { failedListeners } : {}) };
}

function explain(engine: BerthEngine, input: MethodInput<'explain'>): ExplainResult {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new BerthError('BAD_INPUT', `not a URL: ${input.url}`);
  }
  const scheme = url.protocol === 'https:' ? 'HTTPS' : 'HTTP';
  const port = Number(url.port || (scheme === 'HTTPS' ? 443 : 80));
  for (const lb of engine.config.loadBalancers) {
    if (lb.type !== 'application') continue;
    const listener = lb.listeners.find((l) => l.port === port && l.protocol === scheme);
    if (!listener) continue;
    const headers = Object.fromEntries(Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const explanation = compileRules(listener).explain({
      method: input.method.toUpperCase(),
      host: headers.host ?? url.host,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      headers,
      sourceIp: input.sourceIp ?? '127.0.0.1',
    });
    return { loadBalancer: lb.name, listener: `${listener.port}/${listener.protocol}`, explanation };
  }
  return { reason: `no application listener on ${scheme} port ${port}` };
}
