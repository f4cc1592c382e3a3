// The container facts zero-config and label routes are derived from. Discovery's container snapshot
// has this shape (and more); it is restated here so config derivation stays pure and testable with
// plain fixture lists, without depending on the Docker client.

export interface ContainerPortInfo {
  /** The port inside the container. */
  containerPort: number;
  protocol: 'tcp' | 'udp';
  /** The host address Docker bound: `0.0.0.0`, `::`, `127.0.0.1`, … */
  hostIp: string;
  hostPort: number;
}

export interface ContainerInfo {
  id: string;
  /** Without Docker's leading slash. */
  name: string;
  image: string;
  labels: Record<string, string>;
  composeProject?: string;
  composeService?: string;
  /** Docker's state: `running`, `paused`, `exited`, … */
  state: string;
  /** Published ports only. */
  ports: ContainerPortInfo[];
}

/** Containers that can take traffic now or after unpausing; stopped ones get no routes. */
export function isRoutable(container: ContainerInfo): boolean {
  return container.state === 'running' || container.state === 'paused';
}

/** The published TCP container ports, lowest first, each once. */
export function publishedTcpPorts(container: ContainerInfo): number[] {
  return [...new Set(container.ports.filter((p) => p.protocol === 'tcp').map((p) => p.containerPort))].sort((a, b) => a - b);
}
