import type { BerthConfig } from './config.js';

// Runtime state the engine reports: targets with AWS-style health, listeners, discovery status.

/** AWS's target health states; `unhealthy.draining` is NLB's: unhealthy, keeping its connections for the
 * group's unhealthy draining interval. */
export type TargetHealthState = 'initial' | 'healthy' | 'unhealthy' | 'unhealthy.draining' | 'draining' | 'unused' | 'unavailable';

/** `unhealthy`, or NLB's `unhealthy.draining` (unhealthy too, only keeping its connections a while). */
export function isUnhealthy(health: TargetHealthState): boolean {
  return health === 'unhealthy' || health === 'unhealthy.draining';
}

export type TargetHealthReason =
  | 'Elb.RegistrationInProgress'
  | 'Elb.InitialHealthChecking'
  | 'Target.ResponseCodeMismatch'
  | 'Target.Timeout'
  | 'Target.FailedHealthChecks'
  | 'Target.NotRegistered'
  | 'Target.NotInUse'
  | 'Target.DeregistrationInProgress'
  | 'Target.InvalidState'
  | 'Target.HealthCheckDisabled'
  | 'Elb.InternalError';

/** What a target group is told about one target: where it is and where it came from. */
export interface TargetSpec {
  /** Stable id: `<container name>:<host port>` or `<host>:<port>` for static targets. */
  id: string;
  host: string;
  port: number;
  /** TCP_UDP groups' Docker targets: where the container's UDP side is published (Docker picks
   * ephemeral host ports per protocol). Unset: UDP goes to `port` as well. */
  udpPort?: number;
  source: 'docker' | 'static' | 'api';
  containerId?: string;
  containerName?: string;
  image?: string;
  /** Paused containers stay registered but are unusable (Target.InvalidState). */
  paused?: boolean;
  dockerHealth?: 'starting' | 'healthy' | 'unhealthy' | 'none';
}

export interface TargetState extends TargetSpec {
  targetGroup: string;
  health: TargetHealthState;
  reason?: TargetHealthReason;
  description?: string;
  /** Requests or connections in flight. */
  inFlight: number;
  /** Epoch ms when slow start ends, if ramping. */
  slowStartUntil?: number;
  /** Epoch ms when draining ends, if draining. */
  drainingUntil?: number;
  /** True while Docker is unreachable: the target comes from the last container list seen and may be
   * gone. Only Docker targets can be stale; static and API ones are known without Docker. */
  stale?: boolean;
}

export type ObjectStatus = 'ok' | 'warning' | 'error' | 'disabled';

export interface ListenerState {
  loadBalancer: string;
  /** `<port>/<protocol>` */
  id: string;
  address: string;
  port: number;
  protocol: string;
  enabled: boolean;
  status: ObjectStatus;
  url?: string;
  error?: string;
}

export interface DiscoveryState {
  connected: boolean;
  stale: boolean;
  endpoint: string;
  source: string;
  /** Each place consulted to find the endpoint, in order, and what it said (`DOCKER_HOST: not set`, …),
   * so that "Docker is unreachable" can say everywhere Berth looked. */
  lookedAt?: string[];
  error?: string;
  lastSyncAt?: number;
}

// The engine's state as one serialisable, versioned snapshot: what `berth up`, the control API,
// the UI and the tray show.

export interface ContainerView {
  id: string;
  name: string;
  image: string;
  state: string;
  labels: Record<string, string>;
  composeProject?: string;
  composeService?: string;
  ports: { containerPort: number; protocol: string; hostIp: string; hostPort: number }[];
}

export interface ProblemView {
  source: 'config' | 'labels' | 'listener' | 'discovery';
  message: string;
  where?: string;
}

/** One problem of berth.yaml, at its place in the file. */
export interface ConfigProblemView {
  file: string;
  line: number;
  column: number;
  /** `loadBalancers[0].listeners[1].port`; empty for the file as a whole. */
  path: string;
  message: string;
}

/** berth.yaml as a live file: the revision that runs, and whether the file on disk can be used. */
export interface ConfigFileState {
  /** Hash of the bytes of the version that runs; edits name it and are refused once the file has other bytes. */
  revision: string;
  /** `invalid`: the file on disk has problems; `missing`: it was deleted. Either way the running config stays. */
  status: 'ok' | 'invalid' | 'missing';
  problems: ConfigProblemView[];
  /** When the running version was loaded (ms since the epoch). */
  loadedAt: number;
}

export interface EngineState {
  version: number;
  mode: 'file' | 'zero-config';
  configFile?: string;
  /** The revision of berth.yaml that runs (file mode): send it with every edit. */
  revision?: string;
  /** berth.yaml's live status and problems (file mode). */
  configFileState?: ConfigFileState;
  /** The effective config (berth.yaml, or zero-config, plus container labels) with defaults filled. */
  config: BerthConfig;
  /** berth.yaml's own config as the file says it (defaults filled): without label or zero-config routes
   * and without runtime rule switches, so it is what an editor may write back. Absent in zero-config mode. */
  fileConfig?: BerthConfig;
  /** `pauseAll`: every listener refuses new traffic until resumed. */
  paused: boolean;
  loadBalancers: { name: string; type: 'application' | 'network'; listeners: ListenerState[] }[];
  targetGroups: { name: string; protocol: string; targets: TargetState[] }[];
  containers: ContainerView[];
  discovery: DiscoveryState;
  problems: ProblemView[];
  /** The traffic recorder: what it keeps, and each live subscriber (event streams) with the records it
   * lost by falling behind. Optional in the type so that fakes' snapshots need not carry it. */
  traffic?: TrafficRecorderState;
  containerAccess?: ContainerAccessView;
}

export interface TrafficRecorderState {
  recording: boolean;
  capacity: number;
  stored: number;
  subscribers: { label: string; delivered: number; dropped: number }[];
}

/** How containers reach Berth by name (`containerAccess`): where Berth listens for them, its DNS
 * server, and the one step that sets a container up. Absent when the engine runs without Docker. */
export interface ContainerAccessView {
  /** `linux`: Berth listens on the Docker bridges' gateways; `desktop`: Docker Desktop's host-gateway
   * reaches the host's loopback already; `off`: no load balancer allows container access. */
  platform: 'linux' | 'desktop' | 'off';
  gateways: { network: string; address: string; subnets: string[] }[];
  /** `address:port` of every socket Berth holds for containers. */
  listening: string[];
  dns: { addresses: string[]; error?: string; hint?: string };
  /** The host folder mounted at /etc/berth (root.pem, ca-bundle.pem); absent until the CA exists. */
  trustDir?: string;
  /** What a container needs: Berth's DNS server, or host entries where it cannot run; the CA files. */
  env: ContainerEnvView;
  /** `docker run` arguments, as one shell line, and the same for one compose service. */
  dockerArgs: string;
  composeSnippet: string;
  problems: string[];
}

export interface ContainerEnvView {
  /** Berth's DNS server for containers; absent where it cannot run (then `hosts` are used). */
  dns?: string;
  /** Fixed `name → address` entries: the fallback for the names known now. */
  hosts: { name: string; address: string }[];
  /** The host folder holding root.pem and ca-bundle.pem, mounted at /etc/berth. */
  trustDir: string;
}
