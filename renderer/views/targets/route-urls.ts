// The URLs that reach each target group: for every enabled HTTP(S) rule forwarding to it, one URL per
// exact host name (wildcards cannot be clicked) on the listener's port; a default action forwarding
// to it gives the listener's own URL.
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
      if (l.protocol !== 'HTTP' && l.protocol !== 'HTTPS') continue;
      const scheme = l.protocol.toLowerCase();
      const hostPart = l.address === '0.0.0.0' || l.address === '::' ? '127.0.0.1' : l.address.includes(':') ? `[${l.address}]` : l.address;
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
