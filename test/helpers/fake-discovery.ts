// Docker discovery without a daemon, for engine unit tests: a container list and a connection state
// the test sets, reported to the engine as DockerDiscovery reports them (snapshot and status events).
import { EventEmitter } from 'node:events';
import type { DiscoveryState } from '../../shared/model/index.js';
import type { ContainerSnapshot, DockerDiscovery } from '../../main/discovery/index.js';
import type { ListenerFactory } from '../../main/engine/listener-runtime.js';

export interface FakeDiscovery {
  discovery: DockerDiscovery;
  /** Docker went away (the list is kept, marked stale) or came back. */
  setConnected(connected: boolean): void;
  setContainers(containers: ContainerSnapshot[]): void;
}

export function fakeDiscovery(initial: ContainerSnapshot[]): FakeDiscovery {
  let containers = initial;
  let connected = true;
  const emitter = new EventEmitter();
  const status = (): DiscoveryState => ({
    connected,
    stale: !connected,
    endpoint: 'unix:///var/run/docker.sock',
    source: 'DOCKER_HOST',
    ...(connected ? {} : { error: 'connect ENOENT /var/run/docker.sock' }),
    lastSyncAt: 1,
  });
  const discovery = Object.assign(emitter, { start: async () => undefined, stop: async () => undefined, containers: () => [...containers], status });
  return {
    discovery: discovery as unknown as DockerDiscovery,
    setConnected(value) {
      connected = value;
      emitter.emit('status', status());
    },
    setContainers(list) {
      containers = list;
      emitter.emit('snapshot', [...list]);
    },
  };
}

/** A running container as discovery reports it, publishing container port 8081 on `hostPort`. */
export function runningContainer(name: string, hostPort: number, labels: Record<string, string> = {}): ContainerSnapshot {
  return { id: `id-${name}`, name, image: 'example/app:1', labels, state: 'running', health: 'none', ports: [{ containerPort: 8081, protocol: 'tcp', hostIp: '127.0.0.1', hostPort }] };
}

/** For tests about state rather than traffic: listeners that bind nothing. */
export const idleListener: ListenerFactory = ({ listener }) => ({ id: `${listener.port}/${listener.protocol}`, start: async () => undefined, stop: async () => undefined, update: () => undefined, setEnabled: async () => undefined });
