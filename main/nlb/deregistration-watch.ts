// Ends a network listener's connections to targets whose deregistration delay is over, when their
// group has `connectionTermination` on (AWS's deregistration_delay.connection_termination.enabled).
// A draining target gets no new connections anyway: the group stops picking it.
import type { RuntimeTarget, TargetGroupRuntime } from '../targets/index.js';

export interface WatchedConnection {
  readonly group: TargetGroupRuntime;
  readonly target: RuntimeTarget;
  /** Closes the connection, recording why. */
  terminate(reason: 'deregistered'): void;
}

/**
 * AWS's default for TCP and TLS groups is false (elbv2-model.md 4.5: true only for new UDP and
 * TCP_UDP groups), so connections to a deregistered target live on until either side closes them.
 */
export function terminatesOnDeregistration(group: { readonly config: { readonly protocol: string; readonly connectionTermination?: boolean | undefined } }): boolean {
  return group.config.connectionTermination ?? (group.config.protocol === 'UDP' || group.config.protocol === 'TCP_UDP');
}

export class DeregistrationWatch {
  private readonly byGroup = new Map<TargetGroupRuntime, { connections: Set<WatchedConnection>; onChanged: () => void }>();

  add(connection: WatchedConnection): void {
    let entry = this.byGroup.get(connection.group);
    if (!entry) {
      const group = connection.group;
      const connections = new Set<WatchedConnection>();
      // The group emits 'changed' when a draining target becomes 'unused', i.e. its delay is over.
      const onChanged = () => this.sweep(group, connections);
      group.on('changed', onChanged);
      entry = { connections, onChanged };
      this.byGroup.set(group, entry);
    }
    entry.connections.add(connection);
  }

  remove(connection: WatchedConnection): void {
    const entry = this.byGroup.get(connection.group);
    if (!entry) return;
    entry.connections.delete(connection);
    if (entry.connections.size === 0) {
      connection.group.off('changed', entry.onChanged);
      this.byGroup.delete(connection.group);
    }
  }

  private sweep(group: TargetGroupRuntime, connections: Set<WatchedConnection>): void {
    if (!terminatesOnDeregistration(group)) return;
    for (const c of [...connections]) if (c.target.health === 'unused') c.terminate('deregistered');
  }
}
