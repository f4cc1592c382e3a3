// The Berth facade: owns the state (config, target groups, listeners, discovered containers),
// reconciles it whenever the config or Docker changes, and emits typed events. The CLI, the control
// API and Electron are thin layers over this one object.
import type { BerthConfig, BerthConfigInput, TargetSpec } from '../../shared/model/index.js';
import { BerthError } from '../../shared/errors.js';
import { DockerDiscovery, type ContainerSnapshot } from '../discovery/index.js';
import { TargetGroupRuntime } from '../targets/index.js';
import { TrafficRecorder } from '../traffic/recorder.js';
import { CertificateStore, caPaths } from '../tls/index.js';
import { describeModeFix, narrowMode } from '../config/private-modes.js';
import { zeroConfig } from '../config/zero-config.js';
import { labelsToConfig } from '../config/labels.js';
import { TypedEmitter, type EngineEvents } from './engine-events.js';
import type { EngineState, ProblemView } from './engine-state.js';
import { desiredTargets } from './target-sync.js';
import { ListenerSet } from './listener-set.js';
import { ContainerAccess, type ContainerEnvInput } from '../container-access/index.js';
import { markStale } from './target-states.js';
import type { ListenerFactory } from './listener-runtime.js';
import { LiveConfig, type EditOutcome } from './live-config.js';
import type { ConfigOp } from '../config/write-config.js';
import type { ConfigSource, HistoryEntry } from '../config/config-history.js';

export interface EngineOptions {
  /** The validated berth.yaml; absent means zero-config mode. */
  config?: BerthConfig;
  configFile?: string;
  dataDir: string;
  dockerHost?: string;
  /** Inject a discovery (tests), or `false` to run without Docker. */
  discovery?: DockerDiscovery | false;
  healthChecks?: boolean;
  /** Tests only: run health checks every N ms instead of each group's configured interval. */
  healthCheckIntervalMs?: number;
  /** Zero-config listener port (default 8080). */
  zeroConfigPort?: number;
  listenerFactory?: ListenerFactory;
  /** Traffic records kept (default 10,000); 0 turns recording off. */
  trafficLimit?: number;
  /** Watch berth.yaml and apply every valid save (default true when there is a config file). */
  watchConfig?: boolean;
  /** Containers reach the loopback listeners through the Docker gateways (default: on when the engine
   * makes its own discovery, i.e. `berth up` and the desktop app). */
  containerAccess?: boolean;
  /** The DNS port for containers (53; Docker's `--dns` takes no other). */
  containerDnsPort?: number;
}

export class BerthEngine extends TypedEmitter<EngineEvents> {
  readonly recorder: TrafficRecorder;
  private base: BerthConfig | undefined;
  private effective: BerthConfig = { loadBalancers: [], targetGroups: [] };
  private effectiveJson = '';
  private readonly groups = new Map<string, TargetGroupRuntime>();
  private readonly listeners: ListenerSet;
  private readonly discovery: DockerDiscovery | undefined;
  private containers: ContainerSnapshot[] = [];
  /** Whether Docker targets were last reported stale, to tell the `targets` stream when that changes. */
  private discoveryStale = false;
  private labelProblems: ProblemView[] = [];
  private readonly apiTargets = new Map<string, TargetSpec[]>();
  /** Runtime rule switches (`lb|listener|priority` → enabled), applied over the config until it changes them. */
  private readonly ruleSwitches = new Map<string, boolean>();
  private version = 0;
  private paused = false;
  private certificateStore: CertificateStore | undefined;
  private started = false;
  private applying: Promise<void> = Promise.resolve();
  /** berth.yaml kept live (file mode only). */
  private readonly live: LiveConfig | undefined;
  private readonly access: ContainerAccess | undefined;

  constructor(private readonly options: EngineOptions) {
    super();
    this.base = options.config;
    this.recorder = new TrafficRecorder(options.trafficLimit !== undefined ? { capacity: options.trafficLimit } : undefined);
    this.listeners = new ListenerSet({
      dataDir: options.dataDir,
      recorder: this.recorder,
      resolveTargetGroup: (name) => this.groups.get(name),
      factory: options.listenerFactory,
      certificates: () => this.certificates,
      onChange: () => this.bump(),
      log: (level, message) => this.log(level, message),
    });
    if (options.config && options.configFile) {
      this.live = new LiveConfig({
        file: options.configFile,
        dataDir: options.dataDir,
        config: options.config,
        apply: (config) => this.replaceConfig(config),
        changed: () => this.bump(),
        log: (level, message) => this.log(level, message),
        ...(options.watchConfig === false ? { watch: false } : {}),
      });
    }
    this.discovery =
      options.discovery === false ? undefined : (options.discovery ?? new DockerDiscovery(options.dockerHost ? { dockerHost: options.dockerHost } : {}));
    if (this.discovery && (options.containerAccess ?? options.discovery === undefined)) {
      const access = new ContainerAccess({
        dataDir: options.dataDir,
        ...(options.dockerHost ? { dockerHost: options.dockerHost } : {}),
        ...(options.containerDnsPort !== undefined ? { dnsPort: options.containerDnsPort } : {}),
        log: (level, message) => this.log(level, message),
        onChange: () => this.bump(),
      });
      this.access = access;
      this.recorder.clientNames = (address, at) => access.clientName(address, at);
    }
  }

  /** The one certificate store; the CA is loaded (or created) when the first HTTPS/TLS listener starts. */
  get certificates(): CertificateStore {
    this.certificateStore ??= new CertificateStore({ dataDir: this.options.dataDir, onEvent: (e) => e.type === 'ca-created' && this.log('info', `created Berth's local CA: ${e.file}`) });
    return this.certificateStore;
  }

  get mode(): 'file' | 'zero-config' {
    return this.base ? 'file' : 'zero-config';
  }

  get config(): BerthConfig {
    return this.effective;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.narrowDataModes();
    if (this.discovery) {
      this.discovery.on('snapshot', (containers: ContainerSnapshot[]) => {
        this.containers = containers;
        void this.reconcile();
      });
      this.discovery.on('status', () => {
        this.noticeStaleness();
        this.bump();
      });
      await this.discovery.start();
      this.containers = this.discovery.containers();
    }
    // Not awaited: the networks arrive when Docker lists them, and an engine that hangs must not hold the start.
    void this.access?.start();
    await this.reconcile();
    await this.live?.start();
  }

  /** The data folder 0700 and the CA key 0600 at most, as Berth creates them; a wider one is narrowed and logged. */
  private async narrowDataModes(): Promise<void> {
    const dataDir = this.options.dataDir;
    for (const [path, allowed, what] of [[dataDir, 0o700, 'the data folder'], [caPaths(dataDir).key, 0o600, "the CA's private key"]] as const) {
      const fix = await narrowMode(path, allowed);
      if (fix) this.log('warn', describeModeFix(fix, what));
    }
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.live?.stop();
    await this.applying;
    await this.discovery?.stop();
    await this.access?.stop();
    await this.listeners.stopAll();
    for (const group of this.groups.values()) group.close();
    this.groups.clear();
    await this.certificateStore?.close();
  }

  /** Replaces berth.yaml's config (already validated): validate-then-swap, other listeners untouched. */
  async replaceConfig(config: BerthConfig): Promise<void> {
    this.base = config;
    this.ruleSwitches.clear();
    await this.reconcile();
  }

  /** Path-addressed edits of berth.yaml against `revision` (CONFLICT when the file has moved on). */
  editConfig(ops: readonly ConfigOp[], revision: string, source: ConfigSource): Promise<EditOutcome> {
    return this.requireLive().edit(ops, revision, source);
  }

  /** The whole berth.yaml replaced, comments kept on what stays; `revision` checked when given. */
  updateConfig(config: BerthConfigInput, revision: string | undefined, source: ConfigSource): Promise<EditOutcome> {
    return this.requireLive().replace(config, revision, source);
  }

  /** The kept versions of berth.yaml, newest (the current one) first. */
  configHistory(): Promise<HistoryEntry[]> {
    return this.requireLive().historyEntries();
  }

  restoreConfig(n: number, revision: string | undefined): Promise<EditOutcome> {
    return this.requireLive().restore(n, revision);
  }

  /** Reads berth.yaml now, as a save would make the watcher do. */
  reloadConfig(): Promise<void> {
    return this.requireLive().reload('hand edit');
  }

  private requireLive(): LiveConfig {
    if (!this.live) throw new BerthError('BAD_INPUT', 'Berth runs in zero-config mode: start it with a berth.yaml (berth up -c FILE) to edit the config');
    return this.live;
  }

  async setListenerEnabled(loadBalancer: string, listener: string, enabled: boolean): Promise<void> {
    await this.listeners.setEnabled(loadBalancer, listener, enabled);
    await this.access?.update(this.effective, this.listeners.running());
  }

  /** Switches one rule on or off at runtime, without touching berth.yaml. */
  async setRuleEnabled(loadBalancer: string, listener: string, priority: number, enabled: boolean): Promise<void> {
    const lb = this.effective.loadBalancers.find((l) => l.name === loadBalancer);
    const l = lb?.listeners.find((x) => `${x.port}/${x.protocol}` === listener);
    if (!l?.rules.some((r) => r.priority === priority)) {
      throw new BerthError('NOT_FOUND', `no rule with priority ${priority} on ${loadBalancer} ${listener}`, { loadBalancer, listener });
    }
    this.ruleSwitches.set(`${loadBalancer}|${listener}|${priority}`, enabled);
    await this.reconcile();
  }

  /** Every listener stops taking traffic (sockets closed) until resumed; each keeps its own on/off switch. */
  async pauseAll(paused: boolean): Promise<void> {
    if (this.paused === paused) return;
    this.paused = paused;
    await this.listeners.pause(paused);
    await this.access?.update(this.effective, this.listeners.running());
    this.bump();
  }

  registerTarget(targetGroup: string, spec: TargetSpec): void {
    this.requireGroup(targetGroup);
    const list = (this.apiTargets.get(targetGroup) ?? []).filter((t) => t.id !== spec.id);
    list.push({ ...spec, source: 'api' });
    this.apiTargets.set(targetGroup, list);
    this.syncTargets();
  }

  deregisterTarget(targetGroup: string, id: string): void {
    this.requireGroup(targetGroup);
    this.apiTargets.set(targetGroup, (this.apiTargets.get(targetGroup) ?? []).filter((t) => t.id !== id));
    this.syncTargets();
  }

  targetGroup(name: string): TargetGroupRuntime | undefined {
    return this.groups.get(name);
  }

  getState(): EngineState {
    const discovery = this.discovery?.status() ?? { connected: false, stale: false, endpoint: 'none', source: 'disabled' };
    const fileState = this.live?.state();
    const configProblems = (fileState?.problems ?? []).map((p): ProblemView => ({ source: 'config', message: `${p.path ? `${p.path}: ` : ''}${p.message}`, where: `${p.file}:${p.line}:${p.column}` }));
    const problems: ProblemView[] = [...configProblems, ...this.labelProblems, ...this.listeners.problems()];
    if (this.discovery && !discovery.connected && discovery.error) problems.push({ source: 'discovery', message: discovery.error, where: discovery.endpoint });
    return {
      version: this.version,
      mode: this.mode,
      ...(this.options.configFile && this.base ? { configFile: this.options.configFile } : {}),
      ...(fileState ? { revision: fileState.revision, configFileState: fileState } : {}),
      config: this.effective,
      ...(this.base ? { fileConfig: this.base } : {}),
      paused: this.paused,
      loadBalancers: this.effective.loadBalancers.map((lb) => ({ name: lb.name, type: lb.type, listeners: this.listeners.states(lb) })),
      targetGroups: this.effective.targetGroups.map((tg) => ({ name: tg.name, protocol: tg.protocol, targets: markStale(this.groups.get(tg.name)?.snapshot() ?? [], discovery.stale) })),
      containers: this.containers.map((c) => ({
        id: c.id,
        name: c.name,
        image: c.image,
        state: c.state,
        labels: c.labels,
        ...(c.composeProject ? { composeProject: c.composeProject } : {}),
        ...(c.composeService ? { composeService: c.composeService } : {}),
        ports: c.ports.map((p) => ({ ...p })),
      })),
      discovery,
      problems,
      traffic: { recording: this.recorder.recording, capacity: this.recorder.capacity, stored: this.recorder.count, subscribers: this.recorder.subscriberStats() },
      ...(this.access ? { containerAccess: this.access.view() } : {}),
    };
  }

  private requireGroup(name: string): TargetGroupRuntime {
    const group = this.groups.get(name);
    if (!group) throw new BerthError('NOT_FOUND', `no target group named "${name}"`, { targetGroup: name });
    return group;
  }

  /** Serialised: each pass sees the latest containers and config; passes never interleave. */
  private reconcile(): Promise<void> {
    this.applying = this.applying.then(() => this.reconcileNow()).catch((err: unknown) => this.log('error', `reconcile failed: ${String(err)}`));
    return this.applying;
  }

  private async reconcileNow(): Promise<void> {
    if (!this.started) return;
    const base = this.base ?? zeroConfig(this.containers, this.options.zeroConfigPort ? { port: this.options.zeroConfigPort } : {});
    const labelled = labelsToConfig(this.containers, base);
    this.labelProblems = labelled.problems.map((p) => ({ source: 'labels' as const, message: `${p.label}: ${p.message}`, where: p.container }));
    const next = this.applyRuleSwitches(labelled.config);
    const json = JSON.stringify(next);
    if (json !== this.effectiveJson) {
      this.effective = next;
      this.effectiveJson = json;
      this.applyTargetGroups(next);
      await this.listeners.apply(next);
    }
    this.syncTargets();
    await this.access?.update(this.effective, this.listeners.running());
    this.bump();
  }

  /** What a container needs to reach Berth (`berth containers env`); undefined without container access. */
  containerEnv(): ContainerEnvInput | undefined {
    return this.access?.envInput();
  }

  private applyRuleSwitches(config: BerthConfig): BerthConfig {
    if (this.ruleSwitches.size === 0) return config;
    return {
      ...config,
      loadBalancers: config.loadBalancers.map((lb) => ({
        ...lb,
        listeners: lb.listeners.map((l) => ({
          ...l,
          rules: l.rules.map((r) => {
            const on = this.ruleSwitches.get(`${lb.name}|${l.port}/${l.protocol}|${r.priority}`);
            return on === undefined ? r : { ...r, enabled: on };
          }),
        })),
      })),
    };
  }

  private applyTargetGroups(config: BerthConfig): void {
    const wanted = new Set(config.targetGroups.map((tg) => tg.name));
    for (const [name, group] of this.groups) {
      if (!wanted.has(name)) {
        group.close();
        this.groups.delete(name);
      }
    }
    for (const tg of config.targetGroups) {
      const existing = this.groups.get(tg.name);
      if (existing) {
        existing.configure(tg);
        continue;
      }
      const group = new TargetGroupRuntime(tg, {
        healthChecks: this.options.healthChecks ?? true,
        ...(this.options.healthCheckIntervalMs ? { intervalMsOverride: this.options.healthCheckIntervalMs } : {}),
      });
      group.on('health', (e) => {
        this.emit('health', e);
        this.bump();
      });
      group.on('changed', () => this.bump());
      this.groups.set(tg.name, group);
    }
  }

  private syncTargets(): void {
    for (const tg of this.effective.targetGroups) {
      const group = this.groups.get(tg.name);
      if (!group) continue;
      const before = membership(group);
      group.setTargets(desiredTargets(tg, this.containers, this.apiTargets.get(tg.name)));
      const after = membership(group);
      if (before !== after) this.emitTargets(tg.name, group);
    }
  }

  private noticeStaleness(): void {
    const stale = this.discovery?.status().stale ?? false;
    if (stale === this.discoveryStale) return;
    this.discoveryStale = stale;
    for (const [name, group] of this.groups) if (registered(group).some((t) => t.source === 'docker')) this.emitTargets(name, group);
  }

  private emitTargets(targetGroup: string, group: TargetGroupRuntime): void {
    const targets = markStale(registered(group), this.discoveryStale).map((t) => ({ id: t.id, health: t.health, ...(t.stale ? { stale: true } : {}) }));
    this.emit('targets', { targetGroup, targets });
  }

  private bump(): void {
    this.version++;
    this.emit('state', { version: this.version });
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.emit('log', { level, message, at: Date.now() });
  }
}

/** Targets still registered: draining ones are on their way out and get no new requests. */
function registered(group: TargetGroupRuntime) {
  return group.snapshot().filter((t) => t.health !== 'draining' && t.health !== 'unused');
}

function membership(group: TargetGroupRuntime): string {
  return registered(group)
    .map((t) => t.id)
    .sort()
    .join(',');
}
