// The one contract every front end uses (UI over HTTP/WS or IPC, tray, CLI, tests): each method's
// input schema (validated at runtime on every transport), its result type, a description and
// whether it only reads. Types are inferred from here; nothing restates them.
import { z } from 'zod';
import type { EngineState, TrafficRecord } from '../model/index.js';
import type { Explanation } from '../rules/index.js';
import type { BerthErrorData } from '../errors.js';
import { dockerSelectorSchema } from '../model/target-group.js';
import type { CertificatesResult, ImportConfigResult, TrustCaResult } from './certificate-views.js';
import { targetHostSchema } from './target-host.js';

const name = z.string().min(1).max(64);
const trafficFilter = {
  listener: z.string().max(64).optional(),
  rule: z.string().max(16).optional(),
  targetGroup: z.string().max(64).optional(),
  target: z.string().max(128).optional(),
  statusClass: z.enum(['2xx', '3xx', '4xx', '5xx', 'error']).optional(),
  text: z.string().max(200).optional(),
};

export interface MetricsSeriesPoint {
  at: number;
  requests: number;
  p50: number;
  p99: number;
  errors5xx: number;
}

export interface GroupMetricsView {
  targetGroup: string;
  target?: string;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  status2xx: number;
  status3xx: number;
  status4xx: number;
  status5xx: number;
  errors: number;
  /** Requests in flight now (to the target, or to all of the group's targets). */
  inFlight?: number;
  series: MetricsSeriesPoint[];
}

export interface ExplainResult {
  loadBalancer?: string;
  listener?: string;
  explanation?: Explanation;
  /** Why no listener takes the URL (wrong port, network listener, …). */
  reason?: string;
}

export interface UpdateConfigResult {
  ok: boolean;
  problems: { path: string; line: number; column: number; message: string }[];
  /** Saved and applied, yet these listeners are not running (a port in use, no permission, …), as
   * `berth up` reports them; absent when every listener runs. */
  failedListeners?: { loadBalancer: string; listener: string; message: string }[];
  /** The file's revision after the edit (unchanged when the edit changed nothing). */
  revision?: string;
  /** False when the edit changed no value: the file was not written and keeps its bytes. */
  written?: boolean;
}

/** A config is a mapping (berth.yaml's top level); null, a list, a number or a string is refused
 * before anything is written. */
const configMapping = z.record(z.string(), z.unknown(), {
  error: (issue) => `must be a mapping of berth.yaml's keys (loadBalancers, targetGroups), not ${issue.input === null ? 'null' : Array.isArray(issue.input) ? 'a list' : typeof issue.input}`,
});

/** One kept version of berth.yaml; `n` 1 is the current one. */
export interface ConfigHistoryEntryView {
  n: number;
  at: number;
  source: 'hand edit' | 'dashboard' | 'api' | 'import' | 'restore';
  summary: string;
  revision: string;
}

const configRevision = z.string().regex(/^[0-9a-f]{16}$/, 'a revision is the 16 hex digits getState returns as `revision`');
const configPath = z.union([z.string().max(1000), z.array(z.union([z.string().max(200), z.number().int().min(0)])).max(32)]);
/** Who makes an edit, for the history; the API is assumed unless told. */
const editSource = z.enum(['dashboard', 'api', 'import']).optional();
const configOp = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('set'), path: configPath, value: z.unknown() }),
  z.strictObject({ op: z.literal('add'), path: configPath, value: z.unknown() }),
  z.strictObject({ op: z.literal('remove'), path: configPath }),
]);

export interface MethodSpec<I extends z.ZodType, O> {
  input: I;
  /** Phantom: the result type. */
  output?: O;
  description: string;
  readOnly: boolean;
}

/** `method<Result>()(inputSchema, description, readOnly)`: the input type is inferred from the schema. */
const method =
  <O>() =>
  <I extends z.ZodType>(input: I, description: string, readOnly: boolean): MethodSpec<I, O> => ({ input, description, readOnly });

export const methods = {
  getState: method<EngineState>()(z.strictObject({}), 'Load balancers, listeners, rules, target groups with target health, containers, discovery, problems; versioned.', true),
  getTraffic: method<{ records: TrafficRecord[]; capacity: number }>()(
    z.strictObject({ ...trafficFilter, limit: z.number().int().min(1).max(10_000).optional(), beforeId: z.number().int().optional() }),
    'Recent traffic records, newest last, filtered; page backwards with beforeId.',
    true,
  ),
  getRequest: method<TrafficRecord>()(z.strictObject({ id: z.number().int() }), 'One traffic record in detail.', true),
  explain: method<ExplainResult>()(
    z.strictObject({ method: z.string().min(1).max(40), url: z.string().min(1).max(4096), headers: z.record(z.string(), z.string()).optional(), sourceIp: z.string().max(64).optional() }),
    'Route tester: which rule takes a request, and why each rule before it did not.',
    true,
  ),
  setListenerEnabled: method<{ ok: true }>()(
    z.strictObject({ loadBalancer: name, listener: name, enabled: z.boolean() }),
    'Turn a listener on or off (its socket closes while off).',
    false,
  ),
  setRuleEnabled: method<{ ok: true }>()(
    z.strictObject({ loadBalancer: name, listener: name, priority: z.number().int(), enabled: z.boolean() }),
    'Switch one rule on or off at runtime (berth.yaml unchanged).',
    false,
  ),
  pauseAll: method<{ ok: true }>()(z.strictObject({ paused: z.boolean() }), 'Pause or resume all listeners.', false),
  registerTarget: method<{ ok: true; id: string }>()(
    z.strictObject({ targetGroup: name, host: targetHostSchema, port: z.number().int().min(1).max(65535) }),
    'Register a static host:port target in a group.',
    false,
  ),
  deregisterTarget: method<{ ok: true }>()(
    z.strictObject({ targetGroup: name, id: z.string().min(1).max(300) }),
    'Deregister a target registered through the API (it drains first).',
    false,
  ),
  updateConfig: method<UpdateConfigResult>()(
    z.strictObject({ config: configMapping, revision: configRevision.optional(), source: editSource }),
    'Replace the config: validated, written to berth.yaml atomically keeping comments, applied without restarting other listeners. An invalid one changes nothing. With `revision` (like If-Match), refused with CONFLICT when berth.yaml has changed since.',
    false,
  ),
  editConfig: method<UpdateConfigResult>()(
    z.strictObject({ revision: configRevision, ops: z.array(configOp).min(1).max(200), source: editSource }),
    'Edit berth.yaml in place: `set`, `add` (into a list; `-` appends) or `remove` at a JSON Pointer path, against `revision` (getState). Comments and keys not named stay; a stale revision is refused with CONFLICT (HTTP 409), its details holding the current revision and what changed.',
    false,
  ),
  getConfigHistory: method<{ entries: ConfigHistoryEntryView[] }>()(
    z.strictObject({}),
    'The last 20 versions of berth.yaml, newest (the current one, n = 1) first: when, from where, what changed.',
    true,
  ),
  restoreConfig: method<UpdateConfigResult>()(
    z.strictObject({ n: z.number().int().min(1).max(100), revision: configRevision.optional() }),
    'Bring back version n of berth.yaml (getConfigHistory) as a new version, applied at once.',
    false,
  ),
  getMetrics: method<GroupMetricsView[]>()(
    z.strictObject({ windowSeconds: z.number().int().min(10).max(3600).optional() }),
    'Requests/s, latency percentiles and status counts per target group and target.',
    true,
  ),
  exportTraffic: method<{ text: string; contentType: string }>()(
    z.strictObject({
      format: z.enum(['har', 'access-log']),
      limit: z.number().int().min(1).max(10_000).optional(),
      // Off unless asked: a shared HAR file must not carry a login.
      keepSecrets: z.boolean().optional(),
      ...trafficFilter,
    }),
    'Recorded traffic as HAR 1.2 or AWS ALB access-log lines. Authorization, Proxy-Authorization, Cookie and Set-Cookie values read [redacted] unless keepSecrets is true (access-log lines carry none of them).',
    true,
  ),
  exportConfig: method<{ text: string; warnings: string[]; ecs?: string }>()(
    z.strictObject({ format: z.enum(['cloudformation', 'terraform']), syntax: z.enum(['yaml', 'json']).optional() }),
    'The current config as CloudFormation or Terraform for AWS.',
    true,
  ),
  importConfig: method<ImportConfigResult>()(
    z.strictObject({
      text: z.string().min(1).max(1_000_000),
      format: z.enum(['cloudformation', 'terraform']).optional(),
      fileName: z.string().min(1).max(255).optional(),
      selectors: z.record(name, dockerSelectorSchema).optional(),
    }),
    'A CloudFormation template or Terraform file as berth.yaml, with its problems and proposed Docker selectors; a preview: nothing is written (updateConfig applies it).',
    true,
  ),
  getCertificates: method<CertificatesResult>()(
    z.strictObject({}),
    'Berth\'s local CA (absent until an HTTPS or TLS listener first needs it), its trust status per store as `berth ca doctor` reports it, and the certificates served.',
    true,
  ),
  exportCa: method<{ certPem: string; certFile: string; created: boolean }>()(
    z.strictObject({}),
    'The root certificate (PEM); creates the CA if there is none yet, as `berth ca export` does.',
    false,
  ),
  trustCa: method<TrustCaResult>()(
    z.strictObject({}),
    'Install the root into every trust store found (`berth ca trust`); each store reports its own outcome. Needs root for the Linux system store.',
    false,
  ),
  untrustCa: method<TrustCaResult>()(
    z.strictObject({}),
    'Remove the root from every trust store that has it (`berth ca untrust`); each store reports its own outcome.',
    false,
  ),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = NonNullable<Methods[M]['output']>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

export type CallResult<T> = { ok: true; result: T } | { ok: false; error: BerthErrorData };
