// The traffic view's filter: pure, so the table and its tests agree on what "matches" means.
import { recordFailed, type TrafficRecord } from '../../../shared/model/index.js';

export type TrafficKindTab = 'all' | 'http' | 'l4';

export interface TrafficFilter {
  listener?: string | undefined;
  rule?: string | undefined;
  targetGroup?: string | undefined;
  target?: string | undefined;
  /** `2xx` … `5xx`, or `error` for Berth-generated errors and failed connections and flows. */
  statusClass?: string | undefined;
  text?: string | undefined;
  kind?: TrafficKindTab | undefined;
}

export const isHttp = (r: TrafficRecord): boolean => r.kind === 'http' || r.kind === 'websocket';

/** Why a connection or flow ended, in words. A network record's `error` is its close reason; which
 * reasons are ordinary ends and which mean it failed is shared with the engine (ORDINARY_CLOSE_REASONS). */
const CLOSE_REASONS: Record<string, string> = {
  'idle-timeout': 'idle for longer than the listener\'s idle timeout',
  'client-reset': 'the client broke the connection off',
  deregistered: 'the target was deregistered and its delay ran out',
  unhealthy: 'the target turned unhealthy, so its connections were reset',
  'listener-closed': 'the listener was switched off or stopped',
  evicted: 'the flow table was full and this was the least recently used flow',
  'target-left': 'the target left its group; the next datagram opens a new flow',
  stopped: 'the listener was switched off or stopped',
  'no-target': 'no target to send it to',
  'target-refused': 'the target refused the connection',
  'connect-timeout': 'the target did not accept the connection in time',
  'target-tls-failed': 'the TLS handshake with the target failed',
  'target-reset': 'the target reset the connection',
  'target-error': 'sending to the target failed',
  'tls-handshake-failed': 'the TLS handshake with the client failed',
  'tls-handshake-timeout': 'the client did not finish the TLS handshake in time',
};

/** The close reason of a connection or flow in words (the code itself when Berth has no words for it). */
export function closeReasonWords(reason: string): string {
  return CLOSE_REASONS[reason] ?? reason;
}

/** An HTTP error, or a connection/flow that ended because something failed (not one that just ended). */
export const failed = (r: TrafficRecord): boolean => recordFailed(r);

export function matchesFilter(r: TrafficRecord, f: TrafficFilter): boolean {
  if (f.listener && r.listener !== f.listener) return false;
  if (f.rule && r.rule !== f.rule) return false;
  if (f.targetGroup && r.targetGroup !== f.targetGroup) return false;
  if (f.target && r.target !== f.target) return false;
  if (f.kind === 'http' && !isHttp(r)) return false;
  if (f.kind === 'l4' && isHttp(r)) return false;
  if (f.statusClass) {
    if (f.statusClass === 'error') {
      if (!failed(r)) return false;
    } else if (!r.status || `${Math.floor(r.status / 100)}xx` !== f.statusClass) return false;
  }
  if (f.text) {
    const t = f.text.toLowerCase();
    const hay = `${r.method ?? ''} ${r.host ?? ''} ${r.path ?? ''} ${r.target ?? ''} ${r.client} ${r.clientContainer ?? ''} ${r.error ?? ''} ${r.status ?? ''} ${r.traceId ?? ''}${isHttp(r) ? '' : ` ${r.kind} ${r.listener}`}`.toLowerCase();
    if (!hay.includes(t)) return false;
  }
  return true;
}

/** The CSS class that colours a row's status: 2xx green, 3xx violet, 4xx amber, 5xx and errors red. */
export function statusTone(r: TrafficRecord): string {
  if (!r.status) return failed(r) ? 'status-err' : '';
  return r.status ? `status-${Math.floor(r.status / 100)}` : '';
}

/** `512 B`, `1.5 kB`, `3.2 MB`: byte counts short enough for a table cell (the detail has them exact). */
export function shortBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

export function clockTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
