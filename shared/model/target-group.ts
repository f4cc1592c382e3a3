// Target groups (elbv2-model.md section 4): protocol, health check (AWS defaults per ALB/NLB),
// algorithm, stickiness, slow start, deregistration delay, and how Berth fills them: a docker
// selector (ECS-style dynamic host ports) and/or static host:port targets.
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { resourceName } from './actions.js';

export const TARGET_GROUP_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP'] as const;

export const dockerSelectorSchema = z.strictObject({
  /** Every label listed must be present with this value. */
  labels: z.record(z.string(), z.string()).optional(),
  composeProject: z.string().min(1).optional(),
  composeService: z.string().min(1).optional(),
  /** Container name glob (`*`, `?`). */
  containerName: z.string().min(1).optional(),
  /** Image reference glob (`*`, `?`). */
  image: z.string().min(1).optional(),
  /** The port inside the container; each published host port of it becomes a target. */
  containerPort: z.number().int().min(1).max(65535),
  /** Which published port of `containerPort` to take; defaults from the group (selectorProtocol). */
  protocol: z.enum(['tcp', 'udp']).optional(),
});

/**
 * The port protocol a group's selector picks when it names none: a UDP group's containers publish
 * UDP ports; TCP_UDP groups take the TCP port and pair it with the UDP one; every other group is TCP.
 */
export function selectorProtocol(groupProtocol: string): 'tcp' | 'udp' {
  return groupProtocol === 'UDP' ? 'udp' : 'tcp';
}

/** Why an explicit selector protocol cannot serve its group (a warning: the file is still valid), or undefined. */
export function selectorProtocolConflict(groupProtocol: string, protocol: 'tcp' | 'udp' | undefined): string | undefined {
  if (protocol === undefined || protocol === selectorProtocol(groupProtocol)) return undefined;
  if (groupProtocol === 'UDP') return 'a UDP target group sends datagrams: protocol: tcp picks TCP ports no datagram reaches (leave it out to pick UDP ports)';
  if (groupProtocol === 'TCP_UDP') {
    return 'a TCP_UDP target group takes each container port over TCP and pairs its UDP port: protocol: udp leaves it no TCP port (leave it out)';
  }
  const article = groupProtocol.startsWith('H') ? 'an' : 'a';
  return `${article} ${groupProtocol} target group connects over TCP: protocol: udp picks UDP ports it cannot connect to (leave it out)`;
}

export const staticTargetSchema = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'a static target is host:port, e.g. 127.0.0.1:3000 or [::1]:3000')
  .refine((t) => {
    const colon = t.lastIndexOf(':');
    const port = Number(t.slice(colon + 1));
    return colon < 0 || (port >= 1 && port <= 65535);
  }, 'the port of a static target is 1–65535');

const MATCHER_FORMAT = /^\d{1,3}(-\d{1,3})?(,\d{1,3}(-\d{1,3})?)*$/;

const matcherSchema = z
  .union([z.number().int(), z.string()])
  .transform((m) => String(m))
  .refine((m) => MATCHER_FORMAT.test(m), 'a matcher is a code, a list "200,202" or a range "200-299"');

const healthCheckInput = z.strictObject({
  enabled: z.boolean().optional(),
  protocol: z.enum(['HTTP', 'HTTPS', 'TCP']).optional(),
  port: z.union([z.literal('traffic-port'), z.number().int().min(1).max(65535)]).optional(),
  path: z
    .string()
    .min(1)
    .max(LIMITS.healthPathMaxLength)
    .refine((p) => p.startsWith('/'), 'a health-check path starts with "/"')
    .optional(),
  intervalSeconds: z.number().int().min(LIMITS.healthIntervalMin).max(LIMITS.healthIntervalMax).optional(),
  timeoutSeconds: z.number().int().min(LIMITS.healthTimeoutMin).max(LIMITS.healthTimeoutMax).optional(),
  healthyThresholdCount: z.number().int().min(LIMITS.thresholdMin).max(LIMITS.thresholdMax).optional(),
  unhealthyThresholdCount: z.number().int().min(LIMITS.thresholdMin).max(LIMITS.thresholdMax).optional(),
  matcher: matcherSchema.optional(),
});

const stickinessSchema = z.strictObject({
  enabled: z.boolean().default(false),
  type: z.enum(['lb_cookie', 'app_cookie', 'source_ip']).default('lb_cookie'),
  durationSeconds: z.number().int().min(LIMITS.stickinessSecondsMin).max(LIMITS.stickinessSecondsMax).default(86_400),
  cookieName: z
    .string()
    .min(1)
    .refine((n) => !/^AWSALB/i.test(n), 'an application cookie name must not start with AWSALB, AWSALBAPP or AWSALBTG')
    .optional(),
});

export const targetGroupSchema = z
  .strictObject({
    name: resourceName,
    protocol: z.enum(TARGET_GROUP_PROTOCOLS, { message: `protocol must be one of ${TARGET_GROUP_PROTOCOLS.join(', ')}` }),
    /** The group's port for export; locally each target carries its own port. */
    port: z.number().int().min(1).max(65535).optional(),
    protocolVersion: z.enum(['HTTP1', 'HTTP2', 'GRPC']).default('HTTP1'),
    targetType: z.enum(['instance', 'ip']).default('instance'),
    loadBalancingAlgorithm: z.enum(['round_robin', 'least_outstanding_requests', 'weighted_random']).default('round_robin'),
    deregistrationDelaySeconds: z.number().int().min(0).max(LIMITS.deregistrationDelayMax).default(300),
    slowStartSeconds: z
      .number()
      .int()
      .refine((s) => s === 0 || (s >= LIMITS.slowStartMin && s <= LIMITS.slowStartMax), `slow start is 0 (off) or ${LIMITS.slowStartMin}–${LIMITS.slowStartMax} seconds`)
      .default(0),
    healthCheck: healthCheckInput.default({}),
    stickiness: stickinessSchema.default({ enabled: false, type: 'lb_cookie', durationSeconds: 86_400 }),
    proxyProtocolV2: z.boolean().default(false),
    preserveClientIp: z.boolean().optional(),
    /** NLB: close remaining connections when the deregistration delay ends. */
    connectionTermination: z.boolean().optional(),
    /** NLB TCP/TLS: reset connections to a target that turns unhealthy (AWS default true) unless the group failed open. */
    unhealthyConnectionTermination: z.boolean().optional(),
    /** NLB TCP/TLS with unhealthyConnectionTermination false: time in `unhealthy.draining` before connections are closed (AWS default 0: never). */
    unhealthyDrainingIntervalSeconds: z.number().int().min(0).max(LIMITS.unhealthyDrainingIntervalMax).optional(),
    targets: z
      .strictObject({
        docker: dockerSelectorSchema.optional(),
        static: z.array(staticTargetSchema).optional(),
      })
      .default({}),
  })
  // `when`: these checks also run when another field of the group failed (they read defensively),
  // so a bad matcher does not hide a timeout that is longer than the interval.
  .superRefine((tg, ctx) => checkTargetGroup(tg as unknown as LooseTargetGroup, ctx), { when: () => true })
  .transform((tg) => ({ ...tg, healthCheck: resolveHealthCheck(tg.protocol, tg.healthCheck, tg.protocolVersion) }));

/** A target group as the refinement may see it: any field may hold the user's unparsed value. */
type LooseTargetGroup = Record<string, unknown>;

function checkTargetGroup(tg: LooseTargetGroup, ctx: z.RefinementCtx): void {
  const protocol = TARGET_GROUP_PROTOCOLS.find((p) => p === tg.protocol);
  const l7 = protocol === 'HTTP' || protocol === 'HTTPS';
  const rawHc = typeof tg.healthCheck === 'object' && tg.healthCheck !== null ? (tg.healthCheck as Record<string, unknown>) : {};
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const hcProtocol = ['HTTP', 'HTTPS', 'TCP'].includes(rawHc.protocol as string) ? (rawHc.protocol as 'HTTP' | 'HTTPS' | 'TCP') : undefined;
  if (protocol) {
    const hc = resolveHealthCheck(protocol, { protocol: hcProtocol, intervalSeconds: num(rawHc.intervalSeconds), timeoutSeconds: num(rawHc.timeoutSeconds) });
    if (hc.timeoutSeconds >= hc.intervalSeconds) {
      ctx.addIssue({ code: 'custom', path: ['healthCheck', 'timeoutSeconds'], message: `the health-check timeout (${hc.timeoutSeconds}s) must be shorter than the interval (${hc.intervalSeconds}s)` });
    }
    if (l7 && hcProtocol === 'TCP') {
      ctx.addIssue({ code: 'custom', path: ['healthCheck', 'protocol'], message: 'HTTP and HTTPS target groups check health over HTTP or HTTPS, never TCP' });
    }
    if (!l7 && tg.protocolVersion !== undefined && tg.protocolVersion !== 'HTTP1') {
      ctx.addIssue({ code: 'custom', path: ['protocolVersion'], message: 'protocolVersion applies only to HTTP and HTTPS target groups' });
    }
    const matcher = typeof rawHc.matcher === 'number' || typeof rawHc.matcher === 'string' ? String(rawHc.matcher) : undefined;
    const problem = matcher !== undefined && MATCHER_FORMAT.test(matcher) ? matcherProblem(matcher, l7, tg.protocolVersion === 'GRPC') : undefined;
    if (problem) ctx.addIssue({ code: 'custom', path: ['healthCheck', 'matcher'], message: problem });
  }
  const stickiness = typeof tg.stickiness === 'object' && tg.stickiness !== null ? (tg.stickiness as Record<string, unknown>) : {};
  if (stickiness.type === 'app_cookie' && !stickiness.cookieName) {
    ctx.addIssue({ code: 'custom', path: ['stickiness', 'cookieName'], message: 'app_cookie stickiness needs the name of the application cookie' });
  }
  if (protocol && stickiness.type === 'source_ip' && l7) {
    ctx.addIssue({ code: 'custom', path: ['stickiness', 'type'], message: 'source_ip stickiness is for network target groups; use lb_cookie or app_cookie' });
  }
  if (protocol && !l7 && stickiness.type !== 'source_ip' && stickiness.enabled === true) {
    ctx.addIssue({ code: 'custom', path: ['stickiness', 'type'], message: 'network target groups support only source_ip stickiness' });
  }
  if (protocol && protocol !== 'TCP' && protocol !== 'TLS') {
    for (const key of ['unhealthyConnectionTermination', 'unhealthyDrainingIntervalSeconds'] as const) {
      if (tg[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} applies only to TCP and TLS target groups` });
    }
  }
  if (typeof tg.unhealthyDrainingIntervalSeconds === 'number' && tg.unhealthyDrainingIntervalSeconds > 0 && tg.unhealthyConnectionTermination !== false) {
    ctx.addIssue({ code: 'custom', path: ['unhealthyDrainingIntervalSeconds'], message: 'an unhealthy draining interval needs unhealthyConnectionTermination: false (with termination on, connections are reset at once)' });
  }
  if (typeof tg.slowStartSeconds === 'number' && tg.slowStartSeconds > 0 && tg.loadBalancingAlgorithm === 'least_outstanding_requests') {
    ctx.addIssue({ code: 'custom', path: ['slowStartSeconds'], message: 'slow start cannot be combined with least_outstanding_requests' });
  }
}

/** AWS's allowed codes (elbv2-model.md 4.2): ALB 200–499, NLB HTTP(S) checks 200–599, gRPC 0–99. */
function matcherProblem(matcher: string, l7: boolean, grpc: boolean): string | undefined {
  const [min, max, kind] = grpc && l7
    ? [LIMITS.grpcCodeMin, LIMITS.grpcCodeMax, 'gRPC target groups match gRPC status codes']
    : l7
      ? [LIMITS.albHttpCodeMin, LIMITS.albHttpCodeMax, 'application target groups match HTTP codes']
      : [LIMITS.nlbHttpCodeMin, LIMITS.nlbHttpCodeMax, 'network target groups match HTTP codes'];
  for (const part of matcher.split(',')) {
    const [lo, hi = lo] = part.split('-').map(Number) as [number, number?];
    if (lo > hi) return `a range runs from low to high (${hi}-${lo}, not ${part})`;
    if (lo < min || hi > max) return `${kind} ${min}–${max}`;
  }
  return undefined;
}

export type HealthCheck = ReturnType<typeof resolveHealthCheck>;

/** gRPC groups' defaults on AWS: a path no service implements, so a live server answers 12 (UNIMPLEMENTED). */
export const GRPC_HEALTH_PATH = '/AWS.ALB/healthcheck';
export const GRPC_DEFAULT_MATCHER = '12';

/** Fills a health check with AWS's defaults, which differ between ALB, NLB and gRPC target groups. */
export function resolveHealthCheck(protocol: (typeof TARGET_GROUP_PROTOCOLS)[number], hc: z.output<typeof healthCheckInput>, protocolVersion: 'HTTP1' | 'HTTP2' | 'GRPC' = 'HTTP1') {
  const l7 = protocol === 'HTTP' || protocol === 'HTTPS';
  const grpc = l7 && protocolVersion === 'GRPC';
  const hcProtocol = hc.protocol ?? (l7 ? (protocol as 'HTTP' | 'HTTPS') : 'TCP');
  const timeoutDefault = l7 ? 5 : hcProtocol === 'HTTP' ? 6 : 10;
  return {
    enabled: hc.enabled ?? true,
    protocol: hcProtocol,
    port: hc.port ?? ('traffic-port' as const),
    path: hc.path ?? (grpc ? GRPC_HEALTH_PATH : '/'),
    intervalSeconds: hc.intervalSeconds ?? 30,
    timeoutSeconds: hc.timeoutSeconds ?? timeoutDefault,
    healthyThresholdCount: hc.healthyThresholdCount ?? 5,
    unhealthyThresholdCount: hc.unhealthyThresholdCount ?? 2,
    matcher: hc.matcher ?? (grpc ? GRPC_DEFAULT_MATCHER : l7 ? '200' : '200-399'),
  };
}

/**
 * What happens to connections when a target turns unhealthy (elbv2-model.md 4.2), decided in one
 * place for the group runtime (which state the target enters) and the network listeners (which
 * connections they reset). TCP and TLS groups reset them by default; with termination off, a
 * draining interval keeps them that long (`unhealthy.draining`) and then resets them, and no
 * interval keeps them for good. UDP, TCP_UDP and application groups never reset them.
 */
export function unhealthyTermination(tg: {
  readonly protocol: string;
  readonly unhealthyConnectionTermination?: boolean | undefined;
  readonly unhealthyDrainingIntervalSeconds?: number | undefined;
}): { terminates: boolean; drainingMs: number } {
  if (tg.protocol !== 'TCP' && tg.protocol !== 'TLS') return { terminates: false, drainingMs: 0 };
  if (tg.unhealthyConnectionTermination !== false) return { terminates: true, drainingMs: 0 };
  const drainingMs = (tg.unhealthyDrainingIntervalSeconds ?? 0) * 1000;
  return { terminates: drainingMs > 0, drainingMs };
}

export type DockerSelector = z.output<typeof dockerSelectorSchema>;
export type TargetGroup = z.output<typeof targetGroupSchema>;
export type TargetGroupProtocol = TargetGroup['protocol'];
