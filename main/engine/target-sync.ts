// Pure: which targets each target group should hold, given the config and the containers Docker
// reports now. Docker-selected targets and static host:port targets are merged; the group runtime
// diffs this against what it has (registration, draining).
import { selectorProtocol, type TargetGroup, type TargetSpec } from '../../shared/model/index.js';
import { selectTargets, type ContainerSnapshot } from '../discovery/index.js';

export function staticTargetSpec(address: string): TargetSpec {
  const colon = address.lastIndexOf(':');
  let host = address.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { id: address, host, port: Number(address.slice(colon + 1)), source: 'static' };
}

export function desiredTargets(tg: TargetGroup, containers: readonly ContainerSnapshot[], extra: readonly TargetSpec[] = []): TargetSpec[] {
  const out: TargetSpec[] = [];
  const seen = new Set<string>();
  const add = (spec: TargetSpec) => {
    if (seen.has(spec.id)) return;
    seen.add(spec.id);
    out.push(spec);
  };
  if (tg.targets.docker) {
    for (const t of selectTargets(tg.targets.docker, containers, { pairUdp: tg.protocol === 'TCP_UDP', defaultProtocol: selectorProtocol(tg.protocol) })) {
      add({
        id: t.id,
        host: t.host,
        port: t.port,
        ...(t.udpPort !== undefined ? { udpPort: t.udpPort } : {}),
        source: 'docker',
        containerId: t.containerId,
        containerName: t.containerName,
        image: t.image,
        paused: t.state === 'paused',
        dockerHealth: t.dockerHealth,
      });
    }
  }
  for (const address of tg.targets.static ?? []) add(staticTargetSpec(address));
  for (const spec of extra) add(spec);
  return out;
}
