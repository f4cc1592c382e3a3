// Container snapshots for the zero-config and label tests, shaped as discovery produces them.
import type { ContainerInfo, ContainerPortInfo } from '../../../main/config/container-info.js';

let hostPort = 40_000;

export function ports(containerPorts: number[], protocol: 'tcp' | 'udp' = 'tcp'): ContainerPortInfo[] {
  return containerPorts.map((containerPort) => ({ containerPort, protocol, hostIp: '0.0.0.0', hostPort: hostPort++ }));
}

export function container(name: string, over: Partial<ContainerInfo> = {}): ContainerInfo {
  return { id: `id-${name}`, name, image: 'example/app:1', labels: {}, state: 'running', ports: ports([8081]), ...over };
}
