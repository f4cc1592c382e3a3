// Where a network listener sends a connection: its default action's target group, or — with Berth's
// `sni` rules on TCP listeners — the group of the first rule whose names match the ClientHello's
// server name. The names are matched by the one rule matcher, as host-header values would be.
// A forward naming several groups picks one by weight for each new connection or UDP flow.
import type { Action, Listener, Rule } from '../../shared/model/index.js';
import { compileRules, type RuleMatcher } from '../../shared/rules/index.js';
import { WeightedChoice } from '../targets/weighted-choice.js';

export interface NetworkRoute {
  /** `"10"` or `"default"`, as traffic records name rules. */
  rule: string;
  /** Undefined when the action forwards nowhere (the config checks prevent it; kept defensive). */
  targetGroup: string | undefined;
}

export class NetworkRoutes {
  /** True when some enabled rule routes by server name, so connections must be peeked first. */
  readonly usesSni: boolean;
  private readonly matcher: RuleMatcher<GroupChoice>;
  private readonly fallback: GroupChoice;

  constructor(listener: Pick<Listener, 'rules' | 'defaultAction'>) {
    // sni values are host-header values (same wildcards, case-insensitive), so the matcher's
    // host index serves them unchanged; rules without sni cannot match a name and are left out.
    const rules: Rule[] = listener.rules.filter((r) => r.conditions.sni !== undefined).map((r) => ({ ...r, conditions: { hostHeader: r.conditions.sni } }));
    this.matcher = compileRules({ rules, defaultAction: listener.defaultAction }, (action) => new GroupChoice(action));
    this.usesSni = rules.some((r) => r.enabled);
    this.fallback = new GroupChoice(listener.defaultAction);
  }

  /** The route for a new connection or flow; without a server name only the default action applies. */
  route(serverName: string | undefined): NetworkRoute {
    if (!serverName || !this.usesSni) return { rule: 'default', targetGroup: this.fallback.next() };
    const matched = this.matcher.match({ method: '', host: serverName, path: '', query: '', headers: {}, sourceIp: '' });
    return { rule: matched.label, targetGroup: matched.payload.next() };
  }
}

/** The group of a forward action: its only group, or one by weight (0 never) when it names several. */
export class GroupChoice {
  private readonly names: readonly string[];
  private readonly weighted: WeightedChoice | undefined;

  constructor(action: Action) {
    const groups = (action.forward?.targetGroups ?? []).filter((g, _, all) => all.length === 1 || g.weight > 0);
    this.names = groups.map((g) => g.name);
    // One group (the common case) costs a field read per connection, nothing more.
    this.weighted = groups.length > 1 ? new WeightedChoice(groups.map((g) => g.weight)) : undefined;
  }

  next(): string | undefined {
    return this.weighted ? this.names[this.weighted.next()] : this.names[0];
  }
}
