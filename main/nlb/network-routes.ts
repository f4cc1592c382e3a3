// Where a network listener sends a connection: its default action's target group, or — with Berth's
// `sni` rules on TCP listeners — the group of the first rule whose names match the ClientHello's
// server name. The names are matched by the one rule matcher, as host-header values would be.
import type { Action, Listener, Rule } from '../../shared/model/index.js';
import { compileRules, type RuleMatcher } from '../../shared/rules/index.js';

export interface NetworkRoute {
  /** `"10"` or `"default"`, as traffic records name rules. */
  rule: string;
  /** Undefined when the action forwards nowhere (the config checks prevent it; kept defensive). */
  targetGroup: string | undefined;
}

export class NetworkRoutes {
  /** True when some enabled rule routes by server name, so connections must be peeked first. */
  readonly usesSni: boolean;
  private readonly matcher: RuleMatcher<string | undefined>;
  private readonly fallback: NetworkRoute;

  constructor(listener: Pick<Listener, 'rules' | 'defaultAction'>) {
    // sni values are host-header values (same wildcards, case-insensitive), so the matcher's
    // host index serves them unchanged; rules without sni cannot match a name and are left out.
    const rules: Rule[] = listener.rules.filter((r) => r.conditions.sni !== undefined).map((r) => ({ ...r, conditions: { hostHeader: r.conditions.sni } }));
    this.matcher = compileRules({ rules, defaultAction: listener.defaultAction }, forwardGroup);
    this.usesSni = rules.some((r) => r.enabled);
    this.fallback = { rule: 'default', targetGroup: forwardGroup(listener.defaultAction) };
  }

  /** The route for a connection; without a server name only the default action applies. */
  route(serverName: string | undefined): NetworkRoute {
    if (!serverName || !this.usesSni) return this.fallback;
    const matched = this.matcher.match({ method: '', host: serverName, path: '', query: '', headers: {}, sourceIp: '' });
    return { rule: matched.label, targetGroup: matched.payload };
  }
}

/** A network listener forwards to one group (AWS); of a weighted list, the first with weight wins. */
function forwardGroup(action: Action): string | undefined {
  const groups = action.forward?.targetGroups ?? [];
  return (groups.find((g) => g.weight > 0) ?? groups[0])?.name;
}
