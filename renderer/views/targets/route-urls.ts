// The URLs that reach each target group: for every enabled HTTP(S) rule forwarding to it, one URL per
// exact host name (wildcards cannot be clicked) on the listener's port; a default action forwarding
// to it gives the listener's own URL. Network listeners give `tcp://`, `tls://`, `udp://` or
// `tcp_udp://` addresses for a client: the listener's for its default action, and one per exact
// server name of an `sni` rule (TLS pass-through), which a client reaches by that name.
import type { EngineState } from '../../../shared/model/index.js';

export function routeUrls(state: EngineState): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (group: string, url: string) => {
    const list = out.get(group) ?? [];
    if (!list.includes(url)) list.push(url);
    out.set(group, list);
  };
  for (const lb of state.config.loadBalancers) {
    for (const l of lb.listeners) {
      const scheme = l.protocol.toLowerCase();
      const hostPart = l.address === '0.0.0.0' || l.address === '::' ? '127.0.0.1' : l.address.includes(':') ? `[${l.address}]` : l.address;
      if (l.protocol !== 'HTTP' && l.protocol !== 'HTTPS') {
        for (const r of l.rules) {
          if (!r.enabled || !r.action.forward) continue;
          const names = (r.conditions.sni ?? []).filter((n) => !/[*?]/.test(n));
          for (const g of r.action.forward.targetGroups) for (const n of names) add(g.name, `${scheme}://${n}:${l.port}`);
        }
        for (const g of l.defaultAction.forward?.targetGroups ?? []) add(g.name, `${scheme}://${hostPart}:${l.port}`);
        continue;
      }
      for (const r of l.rules) {
        if (!r.enabled || !r.action.forward) continue;
        const hosts = (r.conditions.hostHeader ?? []).filter((h) => !/[*?]/.test(h));
        const pattern = r.conditions.pathPattern?.[0] ?? '/';
        const path = pattern.replace(/[*?].*$/, '') || '/';
        for (const g of r.action.forward.targetGroups) {
          if (hosts.length === 0 && r.conditions.pathPattern) add(g.name, `${scheme}://${hostPart}:${l.port}${path}`);
          for (const h of hosts) add(g.name, `${scheme}://${h}:${l.port}${path}`);
        }
      }
      for (const g of l.defaultAction.forward?.targetGroups ?? []) add(g.name, `${scheme}://${hostPart}:${l.port}/`);
    }
  }
  return out;
}
