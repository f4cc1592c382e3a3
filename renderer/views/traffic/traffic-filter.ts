// The traffic view's filter: pure, so the table and its tests agree on what "matches" means.
import type { TrafficRecord } from '../../../shared/model/index.js';

export type TrafficKindTab = 'all' | 'http' | 'l4';

export interface TrafficFilter {
  listener?: string | undefined;
  rule?: string | undefined;
  targetGroup?: string | undefined;
  target?: string | undefined;
  /** `2xx` … `5xx`, or `error` for Berth-generated errors and failed connections. */
  statusClass?: string | undefined;
  text?: string | undefined;
  kind?: TrafficKindTab | undefined;
}

export const isHttp = (r: TrafficRecord): boolean => r.kind === 'http' || r.kind === 'websocket';

export function matchesFilter(r: TrafficRecord, f: TrafficFilter): boolean {
  if (f.listener && r.listener !== f.listener) return false;
  if (f.rule && r.rule !== f.rule) return false;
  if (f.targetGroup && r.targetGroup !== f.targetGroup) return false;
  if (f.target && r.target !== f.target) return false;
  if (f.kind === 'http' && !isHttp(r)) return false;
  if (f.kind === 'l4' && isHttp(r)) return false;
  if (f.statusClass) {
    if (f.statusClass === 'error') {
      if (!r.error) return false;
    } else if (!r.status || `${Math.floor(r.status / 100)}xx` !== f.statusClass) return false;
  }
  if (f.text) {
    const t = f.text.toLowerCase();
    const hay = `${r.method ?? ''} ${r.host ?? ''} ${r.path ?? ''} ${r.target ?? ''} ${r.client} ${r.error ?? ''} ${r.status ?? ''} ${r.traceId ?? ''}`.toLowerCase();
    if (!hay.includes(t)) return false;
  }
  return true;
}

/** The CSS class that colours a row's status: 2xx green, 3xx violet, 4xx amber, 5xx and errors red. */
export function statusTone(r: TrafficRecord): string {
  if (r.error && !r.status) return 'status-err';
  return r.status ? `status-${Math.floor(r.status / 100)}` : '';
}

export function clockTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
