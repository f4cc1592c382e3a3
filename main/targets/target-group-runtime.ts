// One target group at runtime: registration and draining, AWS's health state machine, the
// algorithm (round robin, least outstanding requests, weighted random, slow start), stickiness and
// fail-open. `pick` is on the proxy's hot path: the routable list is rebuilt only on state changes.
import { EventEmitter } from 'node:events';
import { isUnhealthy, unhealthyTermination, type TargetGroup, type TargetHealthReason, type TargetHealthState, type TargetSpec, type TargetState } from '../../shared/model/index.js';
import { runHealthCheck } from './health-check.js';
import { appStickyCookie, decodeSticky, encodeSticky, readCookie, stickyCookies } from './sticky-cookies.js';

export interface PickContext {
  clientIp: string;
  cookieHeader?: string;
  flowKey?: string;
}

/** A request in flight to a target; told when the target's deregistration delay ends before it did. */
export interface InFlightRequest {
  deregistered(): void;
}

export interface RuntimeTarget {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  spec: TargetSpec;
  inFlight: number;
  health: TargetHealthState;
  /** When the target entered its current health state (the group's clock). */
  healthSince: number;
  reason?: TargetHealthReason;
  description?: string;
  okStreak: number;
  failStreak: number;
  checking: boolean;
  timer?: NodeJS.Timeout;
  drainTimer?: NodeJS.Timeout;
  /** End of the deregistration delay (draining) or of the unhealthy draining interval (unhealthy.draining). */
  drainingUntil?: number;
  slowStartFrom?: number;
  /** Requests begun with a handle, so the end of the deregistration delay can cut them. */
  requests?: Set<InFlightRequest>;
}

export interface Pick {
  target: RuntimeTarget;
  setCookies: string[];
}

export interface HealthEvent {
  targetGroup: string;
  target: string;
  from: TargetHealthState;
  to: TargetHealthState;
  reason?: TargetHealthReason;
}

export interface TargetGroupRuntimeOptions {
  healthChecks?: boolean;
  now?: () => number;
  /** Tests only: check every N ms instead of the configured interval. */
  intervalMsOverride?: number;
}

export class TargetGroupRuntime extends EventEmitter<{ health: [HealthEvent]; changed: [] }> {
  readonly name: string;
  config: TargetGroup;
  private readonly targets = new Map<string, RuntimeTarget>();
  private routable: RuntimeTarget[] = [];
  private openFailed = false;
  private rr = 0;
  private readonly now: () => number;
  private closed = false;

  constructor(config: TargetGroup, private readonly options: TargetGroupRuntimeOptions = {}) {
    super();
    this.name = config.name;
    this.config = config;
    this.now = options.now ?? Date.now;
  }

  /** No target is healthy, so every usable one is routed to (AWS's fail open). */
  get failedOpen(): boolean {
    return this.openFailed;
  }

  private get checksOn(): boolean {
    return (this.options.healthChecks ?? true) && this.config.healthCheck.enabled;
  }

  configure(config: TargetGroup): void {
    const checksWere = this.checksOn;
    this.config = config;
    if (checksWere !== this.checksOn) for (const t of this.targets.values()) this.resetHealth(t);
    for (const t of this.targets.values()) this.schedule(t, true);
    this.rebuild();
  }

  setTargets(specs: TargetSpec[]): void {
    const wanted = new Map(specs.map((s) => [s.id, s]));
    for (const [id, t] of this.targets) {
      if (!wanted.has(id) && t.health !== 'draining') this.drain(t);
    }
    for (const spec of specs) {
      const t = this.targets.get(spec.id);
      if (!t) {
        const fresh: RuntimeTarget = { id: spec.id, host: spec.host, port: spec.port, spec, inFlight: 0, health: 'initial', healthSince: this.now(), okStreak: 0, failStreak: 0, checking: false };
        this.targets.set(spec.id, fresh);
        this.resetHealth(fresh);
        continue;
      }
      const dockerWas = t.spec.dockerHealth;
      t.spec = spec;
      if (t.health === 'draining') {
        clearTimeout(t.drainTimer);
        delete t.drainingUntil;
        this.resetHealth(t);
      } else if ((dockerWas === 'unhealthy') !== (spec.dockerHealth === 'unhealthy')) this.resetHealth(t);
    }
    this.rebuild();
  }

  hasRegisteredTargets(): boolean {
    for (const t of this.targets.values()) if (t.health !== 'draining' && t.health !== 'unused') return true;
    return false;
  }

  isDraining(target: RuntimeTarget): boolean {
    return target.health === 'draining';
  }

  pick(ctx: PickContext): Pick | undefined {
    const list = this.routable;
    if (list.length === 0) return undefined;
    const st = this.config.stickiness;
    const now = this.now();
    if (st.enabled && st.type !== 'source_ip') {
      // Cross-origin requests may carry only AWSALBCORS (SameSite=None), with the same value.
      const cookie = st.type === 'lb_cookie' ? (readCookie(ctx.cookieHeader, 'AWSALB') ?? readCookie(ctx.cookieHeader, 'AWSALBCORS')) : readCookie(ctx.cookieHeader, 'AWSALBAPP-0');
      const id = cookie ? decodeSticky(cookie, now) : undefined;
      const sticky = id ? list.find((t) => t.id === id) : undefined;
      const target = sticky ?? this.choose(list, now);
      return { target, setCookies: st.type === 'lb_cookie' ? stickyCookies('AWSALB', encodeSticky(target.id, now + st.durationSeconds * 1000), now) : [] };
    }
    if (st.enabled && st.type === 'source_ip') return { target: list[hash(ctx.clientIp) % list.length]!, setCookies: [] };
    return { target: this.choose(list, now), setCookies: [] };
  }

  begin(target: RuntimeTarget, request?: InFlightRequest): void {
    target.inFlight++;
    if (request) (target.requests ??= new Set()).add(request);
  }

  end(target: RuntimeTarget, request?: InFlightRequest): void {
    if (target.inFlight > 0) target.inFlight--;
    if (request) target.requests?.delete(request);
  }

  responseCookies(target: RuntimeTarget, setCookieHeaders: string[] | undefined): string[] {
    const st = this.config.stickiness;
    if (!st.enabled || st.type !== 'app_cookie' || !st.cookieName || !setCookieHeaders) return [];
    const prefix = `${st.cookieName}=`;
    if (!setCookieHeaders.some((c) => c.startsWith(prefix))) return [];
    const now = this.now();
    return [appStickyCookie(encodeSticky(target.id, now + st.durationSeconds * 1000), now)];
  }

  snapshot(): TargetState[] {
    return [...this.targets.values()].map((t) => ({
      ...t.spec,
      targetGroup: this.name,
      health: t.health,
      ...(t.reason ? { reason: t.reason } : {}),
      ...(t.description ? { description: t.description } : {}),
      inFlight: t.inFlight,
      ...(t.drainingUntil ? { drainingUntil: t.drainingUntil } : {}),
      ...(this.inSlowStart(t, this.now()) ? { slowStartUntil: t.slowStartFrom! + this.config.slowStartSeconds * 1000 } : {}),
    }));
  }

  close(): void {
    this.closed = true;
    for (const t of this.targets.values()) {
      clearTimeout(t.timer);
      clearTimeout(t.drainTimer);
    }
  }

  private choose(list: RuntimeTarget[], now: number): RuntimeTarget {
    const algorithm = this.config.loadBalancingAlgorithm;
    const ramping = this.config.slowStartSeconds > 0 && list.some((t) => this.inSlowStart(t, now));
    if (algorithm === 'weighted_random' || ramping) {
      let total = 0;
      for (const t of list) total += this.weight(t, now);
      let r = Math.random() * total;
      for (const t of list) {
        r -= this.weight(t, now);
        if (r <= 0) return t;
      }
      return list[list.length - 1]!;
    }
    if (algorithm === 'least_outstanding_requests') {
      let best = list[this.rr++ % list.length]!;
      for (const t of list) if (t.inFlight < best.inFlight) best = t;
      return best;
    }
    const t = list[this.rr % list.length]!;
    this.rr = (this.rr + 1) % 1_000_000_007;
    return t;
  }

  private inSlowStart(t: RuntimeTarget, now: number): boolean {
    return t.slowStartFrom !== undefined && now - t.slowStartFrom < this.config.slowStartSeconds * 1000;
  }

  /** Slow start raises a new target's share linearly over the configured duration. */
  private weight(t: RuntimeTarget, now: number): number {
    if (!this.inSlowStart(t, now)) return 1;
    return Math.max(0.02, (now - t.slowStartFrom!) / (this.config.slowStartSeconds * 1000));
  }

  /** Healthy (or unchecked) targets; none of them → fail open to every registered, usable target. */
  private rebuild(): void {
    const usable = [...this.targets.values()].filter((t) => t.health !== 'draining' && t.health !== 'unused' && !t.spec.paused);
    const healthy = usable.filter((t) => t.health === 'healthy' || t.health === 'unavailable');
    this.routable = healthy.length > 0 ? healthy : usable;
    this.openFailed = healthy.length === 0 && usable.length > 0;
    this.emit('changed');
  }

  private resetHealth(t: RuntimeTarget): void {
    t.okStreak = 0;
    t.failStreak = 0;
    // Docker has already run its own HEALTHCHECK retries: its verdict counts at once, whether or not
    // Berth checks the target too; once Docker stops saying unhealthy the target starts over.
    if (t.spec.dockerHealth === 'unhealthy') this.becomeUnhealthy(t, 'Target.FailedHealthChecks', DOCKER_UNHEALTHY);
    else if (!this.checksOn) this.transition(t, 'unavailable', 'Target.HealthCheckDisabled');
    else this.transition(t, 'initial', 'Elb.InitialHealthChecking');
    this.schedule(t, true);
  }

  private schedule(t: RuntimeTarget, immediately = false): void {
    clearTimeout(t.timer);
    if (this.closed || !this.checksOn || t.health === 'draining' || t.health === 'unused') return;
    const interval = this.options.intervalMsOverride ?? this.config.healthCheck.intervalSeconds * 1000;
    t.timer = setTimeout(() => void this.check(t), immediately ? 0 : interval);
    t.timer.unref();
  }

  /** Checks are independent: the next one is scheduled now, whatever this one takes. */
  private async check(t: RuntimeTarget): Promise<void> {
    this.schedule(t);
    if (t.checking) return;
    if (t.spec.paused) return this.becomeUnhealthy(t, 'Target.InvalidState', 'the container is paused');
    t.checking = true;
    const hc = this.config.healthCheck;
    // The group's own timeout, even when tests check more often: a slow answer under load is not a failure.
    const result = await runHealthCheck(t.host, t.port, hc, hc.timeoutSeconds * 1000, this.config.protocolVersion === 'GRPC');
    t.checking = false;
    if (this.closed || this.targets.get(t.id) !== t || t.health === 'draining') return;
    if (result.ok && t.spec.dockerHealth === 'unhealthy') {
      result.ok = false;
      result.reason = 'Target.FailedHealthChecks';
      result.description = DOCKER_UNHEALTHY;
    }
    if (result.ok) {
      t.okStreak++;
      t.failStreak = 0;
      if (t.health === 'initial' || (isUnhealthy(t.health) && t.okStreak >= hc.healthyThresholdCount)) this.transition(t, 'healthy');
    } else {
      t.failStreak++;
      t.okStreak = 0;
      if (isUnhealthy(t.health)) {
        t.reason = result.reason;
        t.description = result.description;
      } else if (t.failStreak >= hc.unhealthyThresholdCount) this.becomeUnhealthy(t, result.reason, result.description);
    }
  }

  /**
   * NLB with unhealthy connection termination off and a draining interval: the target first keeps its
   * connections in `unhealthy.draining`, and is `unhealthy` (its connections closed) when the interval
   * ends without it recovering. Otherwise it is `unhealthy` at once.
   */
  private becomeUnhealthy(t: RuntimeTarget, reason: TargetHealthReason | undefined, description: string | undefined): void {
    if (isUnhealthy(t.health)) {
      t.reason = reason;
      t.description = description;
      return;
    }
    const interval = unhealthyTermination(this.config).drainingMs;
    if (interval === 0) return this.transition(t, 'unhealthy', reason, description);
    this.transition(t, 'unhealthy.draining', reason, description);
    t.drainingUntil = this.now() + interval;
    t.drainTimer = setTimeout(() => {
      if (t.health === 'unhealthy.draining') this.transition(t, 'unhealthy', t.reason, t.description);
    }, interval);
    t.drainTimer.unref();
  }

  private transition(t: RuntimeTarget, to: TargetHealthState, reason?: TargetHealthReason, description?: string): void {
    const from = t.health;
    if (from === 'unhealthy.draining' && to !== from) {
      clearTimeout(t.drainTimer);
      delete t.drainingUntil;
    }
    t.health = to;
    t.reason = reason;
    t.description = description;
    const now = this.now();
    if (to === 'healthy' && this.config.slowStartSeconds > 0) {
      // AWS: slow start applies only when another target, not itself in slow start, was already
      // healthy before this one started checking — so targets registered together into an empty
      // group do not enter it.
      const since = t.healthSince;
      const others = [...this.targets.values()].some((o) => o !== t && o.health === 'healthy' && o.healthSince < since && !this.inSlowStart(o, now));
      if (others) t.slowStartFrom = now;
    } else if (to !== 'healthy') delete t.slowStartFrom;
    if (from !== to) {
      t.healthSince = now;
      this.emit('health', { targetGroup: this.name, target: t.id, from, to, ...(reason ? { reason } : {}) });
      this.rebuild();
    }
  }

  private drain(t: RuntimeTarget): void {
    clearTimeout(t.timer);
    const delay = this.config.deregistrationDelaySeconds * 1000;
    this.transition(t, 'draining', 'Target.DeregistrationInProgress');
    t.drainingUntil = this.now() + delay;
    t.drainTimer = setTimeout(() => {
      this.targets.delete(t.id);
      t.health = 'unused';
      this.rebuild();
      // AWS: requests still in flight when the delay ends are cut by the load balancer.
      const cut = t.requests;
      t.requests = undefined;
      if (cut) for (const r of cut) r.deregistered();
    }, delay);
    t.drainTimer.unref();
  }
}

const DOCKER_UNHEALTHY = 'Docker reports the container unhealthy (its HEALTHCHECK fails)';

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
