// Engine states and traffic records for the component tests, built from the real config schema so
// they carry the same defaults the engine fills in.
import { configSchema, type BerthConfigInput, type EngineState, type TargetState, type TrafficRecord } from '../../../shared/model/index.js';

export const demoConfig: BerthConfigInput = {
  loadBalancers: [
    {
      name: 'web',
      listeners: [
        {
          port: 8080,
          protocol: 'HTTP',
          defaultAction: { fixedResponse: { statusCode: 404, messageBody: 'no route' } },
          rules: [
            { priority: 20, conditions: { pathPattern: ['/api/*'] }, action: { forward: 'api' } },
            { priority: 10, conditions: { hostHeader: ['app.localhost'] }, action: { forward: 'app' } },
          ],
        },
      ],
    },
  ],
  targetGroups: [
    { name: 'app', protocol: 'HTTP', targets: { docker: { labels: { app: 'web' }, containerPort: 8081 } } },
    { name: 'api', protocol: 'HTTP', targets: { static: ['127.0.0.1:3000'] } },
  ],
};

export function target(partial: Partial<TargetState> & { id: string; targetGroup: string }): TargetState {
  return { host: '127.0.0.1', port: 49153, source: 'docker', health: 'healthy', inFlight: 0, ...partial };
}

/** The revision of berth.yaml the fixture's engine runs. */
export const REVISION = '0123456789abcdef';

export function engineState(overrides: Partial<EngineState> = {}, config: BerthConfigInput = demoConfig): EngineState {
  return {
    version: 1,
    mode: 'file',
    configFile: '/home/dev/shop/berth.yaml',
    revision: REVISION,
    configFileState: { revision: REVISION, status: 'ok', problems: [], loadedAt: 1_700_000_000_000 },
    config: configSchema.parse(config),
    fileConfig: configSchema.parse(config),
    paused: false,
    loadBalancers: [{ name: 'web', type: 'application', listeners: [{ loadBalancer: 'web', id: '8080/HTTP', address: '127.0.0.1', port: 8080, protocol: 'HTTP', enabled: true, status: 'ok', url: 'http://127.0.0.1:8080/' }] }],
    targetGroups: [
      { name: 'app', protocol: 'HTTP', targets: [target({ id: 'web-1:49153', targetGroup: 'app', containerId: 'c1', containerName: 'web-1', image: 'shop/web:dev' }), target({ id: 'web-2:49154', targetGroup: 'app', port: 49154, containerId: 'c2', containerName: 'web-2', image: 'shop/web:dev', health: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [500]' })] },
      { name: 'api', protocol: 'HTTP', targets: [target({ id: '127.0.0.1:3000', targetGroup: 'api', port: 3000, source: 'static' })] },
    ],
    containers: [
      { id: 'c1', name: 'web-1', image: 'shop/web:dev', state: 'running', labels: { app: 'web' }, ports: [{ containerPort: 8081, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 49153 }] },
      { id: 'c2', name: 'web-2', image: 'shop/web:dev', state: 'running', labels: { app: 'web' }, ports: [{ containerPort: 8081, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 49154 }] },
      { id: 'c3', name: 'redis', image: 'redis:7', state: 'running', labels: {}, ports: [{ containerPort: 6379, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 49160 }] },
    ],
    discovery: { connected: true, stale: false, endpoint: 'unix:///var/run/docker.sock', source: 'DOCKER_HOST' },
    problems: [],
    ...overrides,
  };
}

let nextId = 1;
export function record(partial: Partial<TrafficRecord> = {}): TrafficRecord {
  const id = partial.id ?? nextId++;
  return {
    id,
    kind: 'http',
    startedAt: Date.UTC(2025, 0, 1, 12, 0, 0) + id,
    loadBalancer: 'web',
    listener: '8080/HTTP',
    rule: '10',
    targetGroup: 'app',
    target: 'web-1:49153',
    client: '127.0.0.1',
    method: 'GET',
    host: 'app.localhost',
    path: `/item/${id}`,
    status: 200,
    bytesIn: 80,
    bytesOut: 512,
    durationMs: 3.2,
    ...partial,
  };
}

/** A network load balancer beside the demo's web one: a TCP listener with an sni rule (TLS pass-through)
 * and a UDP listener, in front of TCP and UDP target groups. */
export const networkConfig: BerthConfigInput = {
  loadBalancers: [
    ...demoConfig.loadBalancers!,
    {
      name: 'edge',
      type: 'network',
      listeners: [
        { port: 5432, protocol: 'TCP', defaultAction: { forward: 'db' }, rules: [{ priority: 10, conditions: { sni: ['a.localhost'] }, action: { forward: 'tls-app' } }] },
        { port: 5353, protocol: 'UDP', defaultAction: { forward: 'dns' } },
      ],
    },
  ],
  targetGroups: [
    ...demoConfig.targetGroups!,
    { name: 'db', protocol: 'TCP', targets: { docker: { labels: { app: 'db' }, containerPort: 5432 } } },
    { name: 'tls-app', protocol: 'TCP', targets: { static: ['127.0.0.1:9443'] } },
    { name: 'dns', protocol: 'UDP', healthCheck: { enabled: false }, targets: { docker: { labels: { app: 'dns' }, containerPort: 53, protocol: 'udp' } } },
  ],
};

export function networkState(overrides: Partial<EngineState> = {}): EngineState {
  const base = engineState({}, networkConfig);
  return {
    ...base,
    loadBalancers: [
      ...base.loadBalancers,
      {
        name: 'edge',
        type: 'network',
        listeners: [
          { loadBalancer: 'edge', id: '5432/TCP', address: '127.0.0.1', port: 5432, protocol: 'TCP', enabled: true, status: 'ok', url: 'tcp://127.0.0.1:5432' },
          { loadBalancer: 'edge', id: '5353/UDP', address: '127.0.0.1', port: 5353, protocol: 'UDP', enabled: true, status: 'ok', url: 'udp://127.0.0.1:5353' },
        ],
      },
    ],
    targetGroups: [
      ...base.targetGroups,
      { name: 'db', protocol: 'TCP', targets: [target({ id: 'pg-1:49170', targetGroup: 'db', port: 49170, containerName: 'pg-1', image: 'postgres:16' })] },
      { name: 'tls-app', protocol: 'TCP', targets: [] },
      { name: 'dns', protocol: 'UDP', targets: [target({ id: 'dns-1:49180', targetGroup: 'dns', port: 49180, containerName: 'dns-1', image: 'coredns', health: 'unavailable', reason: 'Target.HealthCheckDisabled', description: 'Health checks are disabled' })] },
    ],
    ...overrides,
  };
}
