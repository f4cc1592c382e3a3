// Ends a network listener's connections that AWS would end: those to a target whose deregistration
// delay is over, when their group has `connectionTermination` on
// (deregistration_delay.connection_termination.enabled), and those to a target that turned
// unhealthy, unless the group has failed open or turned `unhealthyConnectionTermination` off
// (target_health_state.unhealthy.connection_termination.enabled). A draining or unhealthy target
// gets no new connections anyway: the group stops picking it.
import { unhealthyTermination } from '../../shared/model/index.js';
import type { RuntimeTarget, TargetGroupRuntime } from '../targets/index.js';

export type TerminationReason = 'deregistered' | 'unhealthy';

export interface WatchedConnection {
  readonly group: TargetGroupRuntime;
  readonly target: RuntimeTarget;
  /** Resets the connection, recording why. */
  terminate(reason: TerminationReason): void;
}

interface GroupConfig {
  readonly config: {
    readonly protocol: string;
    readonly connectionTermination?: boolean | undefined;
    readonly unhealthyConnectionTermination?: boolean | undefined;
    readonly unhealthyDrainingIntervalSeconds?: number | undefined;
  };
}

/**
 * AWS's default for TCP and TLS groups is false (elbv2-model.md 4.5: true only for new UDP and
 * TCP_UDP groups), so connections to a deregistered target live on until either side closes them.
 */
export function terminatesOnDeregistration(group: GroupConfig): boolean {
  return group.config.connectionTermination ?? (group.config.protocol === 'UDP' || group.config.protocol === 'TCP_UDP');
}

/**
 * Whether connections to an `unhealthy` target are closed: with a draining interval, the target was
 * `unhealthy.draining` until it ran out, so reaching `unhealthy` is the moment either way.
 */
export function terminatesWhenUnhealthy(group: GroupConfig): boolean {
  return unhealthyTermination(group.config).terminates;
}

export class ConnectionWatch {
  private readonly byGroup = new Map<TargetGroupRuntime, { connections: Set<WatchedConnection>; onChanged: () => void }>();

  add(connection: WatchedConnection): void {
    let entry = this.byGroup.get(connection.group);
    if (!entry) {
      const group = connection.group;
      const connections = new Set<WatchedConnection>();
      // The group emits 'changed' after every health transition, including a draining target
      // becoming 'unused' (its delay is over) and an unhealthy.draining one becoming 'unhealthy'.
      const onChanged = () => this.sweep(group, connections);
      group.on('changed', onChanged);
      entry = { connections, onChanged };
      this.byGroup.set(group, entry);
    }
    entry.connections.add(connection);
    // A target can turn unhealthy while the connection to it was being set up.
    const reason = this.verdict(connection.group, connection.target);
    if (reason) connection.terminate(reason);
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
    for (const c of [...connections]) {
      const reason = this.verdict(group, c.target);
      if (reason) c.terminate(reason);
    }
  }

  private verdict(group: TargetGroupRuntime, target: RuntimeTarget): TerminationReason | undefined {
    if (target.health === 'unused') return terminatesOnDeregistration(group) ? 'deregistered' : undefined;
    if (target.health === 'unhealthy' && !group.failedOpen && terminatesWhenUnhealthy(group)) return 'unhealthy';
    return undefined;
  }
}
