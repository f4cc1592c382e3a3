// AWS ELBv2 limits and defaults Berth enforces (../docs/elbv2-model.md), in one place so the
// validator, the UI forms and the exporters agree.

export const LIMITS = {
  nameMaxLength: 32,
  priorityMin: 1,
  priorityMax: 50_000,
  valuesPerCondition: 3,
  sourceIpValuesPerCondition: 5,
  matchEvaluationsPerRule: 5,
  wildcardsPerRule: 5,
  conditionValueMaxLength: 128,
  headerNameMaxLength: 40,
  methodMaxLength: 40,
  fixedResponseBodyMaxBytes: 1024,
  weightMin: 0,
  weightMax: 999,
  targetGroupsPerForward: 5,
  stickinessSecondsMin: 1,
  stickinessSecondsMax: 604_800,
  deregistrationDelayMax: 3600,
  unhealthyDrainingIntervalMax: 360_000,
  slowStartMin: 30,
  slowStartMax: 900,
  healthIntervalMin: 5,
  healthIntervalMax: 300,
  healthTimeoutMin: 2,
  healthTimeoutMax: 120,
  thresholdMin: 2,
  thresholdMax: 10,
  healthPathMaxLength: 1024,
  /** Matcher codes: HTTP for application groups, HTTP for network groups' HTTP(S) checks, gRPC. */
  albHttpCodeMin: 200,
  albHttpCodeMax: 499,
  nlbHttpCodeMin: 200,
  nlbHttpCodeMax: 599,
  grpcCodeMin: 0,
  grpcCodeMax: 99,
  idleTimeoutMin: 1,
  idleTimeoutMax: 4000,
  tcpIdleTimeoutMin: 60,
  tcpIdleTimeoutMax: 6000,
} as const;

export const APPLICATION_PROTOCOLS = ['HTTP', 'HTTPS'] as const;
export const NETWORK_PROTOCOLS = ['TCP', 'TLS', 'UDP', 'TCP_UDP'] as const;
export const LISTENER_PROTOCOLS = [...APPLICATION_PROTOCOLS, ...NETWORK_PROTOCOLS] as const;

export const FIXED_RESPONSE_CONTENT_TYPES = [
  'text/plain',
  'text/css',
  'text/html',
  'application/javascript',
  'application/json',
] as const;

export const SSL_POLICIES = [
  'ELBSecurityPolicy-2016-08',
  'ELBSecurityPolicy-TLS13-1-2-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
  'ELBSecurityPolicy-TLS13-1-3-2021-06',
  'ELBSecurityPolicy-TLS13-1-0-2021-06',
  'ELBSecurityPolicy-TLS-1-2-2017-01',
  'ELBSecurityPolicy-TLS-1-2-Ext-2018-06',
  'ELBSecurityPolicy-FS-1-2-Res-2020-10',
  'ELBSecurityPolicy-TLS13-1-2-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-3-PQ-2025-09',
] as const;

export const ALPN_POLICIES = ['HTTP1Only', 'HTTP2Only', 'HTTP2Optional', 'HTTP2Preferred', 'None'] as const;
