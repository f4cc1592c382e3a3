// Everything an export cannot carry to AWS unchanged is reported, never dropped in silence: each
// local entry gets a warning saying what happened to it, and local-only names that are exported
// as they are (e.g. `*.localhost` host conditions) are pointed out so they get replaced.
import type { BerthConfig } from '../../shared/model/index.js';
import type { LocalEntry } from './local-settings.js';

export interface ExportWarning {
  /** Stable code for tests and the UI, e.g. `static-targets`. */
  code: string;
  /** Config path, e.g. `targetGroups[auth].targets`. */
  path?: string;
  message: string;
}

/** `labels app=users, containerPort 8081`: a Docker selector as a person would say it. */
export function describeSelector(selector: Record<string, unknown>): string {
  return Object.entries(selector)
    .map(([k, v]) => (k === 'labels' && v && typeof v === 'object' ? `labels ${Object.entries(v).map(([lk, lv]) => `${lk}=${String(lv)}`).join(',')}` : `${k} ${String(v)}`))
    .join(', ');
}

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Explains one local entry; `exported` reads the value the export wrote instead (or undefined). */
export function warningForEntry(entry: LocalEntry, exported: (path: string) => unknown): ExportWarning[] {
  const { path } = entry;
  const field = path.slice(path.lastIndexOf('.') + 1);
  const value = entry.value as Record<string, unknown> | undefined;
  if (path.endsWith('.targets.docker') && value) {
    return [{ code: 'docker-targets', path, message: `filled from Docker (${describeSelector(value)}); on AWS, ECS registers the tasks instead — see the ECS snippet` }];
  }
  if (path.endsWith('.targets.static') && Array.isArray(entry.value)) {
    return [{ code: 'static-targets', path, message: `static targets ${entry.value.join(', ')} are addresses on this machine and are not exported; register your instances or IP addresses yourself` }];
  }
  switch (field) {
    case 'certificates':
    case 'sslPolicy':
      // The plan reports every HTTPS/TLS listener's certificates and security policy already.
      return [];
    case 'hostnames':
      return [{ code: 'local-certificates', path, message: `extra host names for locally minted certificates (${show(entry.value)}); make sure your ACM certificate covers the names you need` }];
    case 'address':
      return [{ code: 'bind-address', path, message: `binds ${show(entry.value)} locally; on AWS the load balancer's scheme decides who can reach it` }];
    case 'name':
      return [{ code: 'name-not-exported', path, message: `the name "${show(entry.value)}" has no AWS equivalent; kept in the Berth metadata only` }];
    case 'udpIdleTimeoutSeconds':
    case 'udpMaxFlows':
      return [{ code: 'udp-flow-settings', path, message: `${field} = ${show(entry.value)} has no AWS equivalent (AWS fixes the UDP flow idle timeout at 120 s and sets no flow limit)` }];
    case 'port':
      if (entry.unset) return [{ code: 'derived-port', path, message: `no port set; exported port ${show(exported(path))} because AWS requires one (each registered target still brings its own port)` }];
      break;
    case 'enabled':
      if (path.endsWith('.healthCheck.enabled')) return [{ code: 'health-check-always-on', path, message: 'health checks are off locally, but AWS always checks instance and ip targets; exported enabled' }];
      break;
    case 'contentType':
      if (entry.unset) return [{ code: 'content-type-added', path, message: `no content type set; exported ${show(exported(path))} (Terraform requires one)` }];
      break;
    case 'unhealthyConnectionTermination':
      if (entry.unset) return [{ code: 'unhealthy-termination-added', path, message: `not set beside unhealthyDrainingIntervalSeconds; exported ${show(exported(path))}, AWS's default (Terraform's target_health_state requires it)` }];
      break;
  }
  const instead = exported(path);
  const replaced = entry.unset ? `unset locally, exported as ${show(instead)}` : instead === undefined ? `${show(entry.value)} is not exported` : `${show(entry.value)} is exported as ${show(instead)}`;
  return [{ code: 'not-exported', path, message: `${replaced}: AWS has no equivalent here; kept in the Berth metadata only` }];
}

/** Top-level and second-level domains that only resolve on a developer's machine or LAN. */
const LOCAL_ONLY = /(^|\.)(localhost|local|test|internal|lan|home\.arpa|invalid)$/i;
const LOOPBACK = /^(127\.|::1\/|0*:0*:0*:0*:0*:0*:0*:0*1\/)/;

export function isLocalOnlyName(host: string): boolean {
  return LOCAL_ONLY.test(host.replace(/\.$/, ''));
}

/** Host names and source addresses that only make sense on this machine; they are exported unchanged. */
export function localOnlyWarnings(config: BerthConfig): ExportWarning[] {
  const out: ExportWarning[] = [];
  const nameWarning = (path: string, names: string[] | undefined) => {
    const local = (names ?? []).filter(isLocalOnlyName);
    if (local.length) out.push({ code: 'local-only-name', path, message: `${local.join(', ')} only resolve${local.length === 1 ? 's' : ''} locally; exported unchanged — replace with your real domain` });
  };
  for (const lb of config.loadBalancers) {
    for (const l of lb.listeners) {
      const lp = `loadBalancers[${lb.name}].listeners[${l.port}]`;
      const actions = [{ path: `${lp}.defaultAction`, action: l.defaultAction }, ...l.rules.map((r) => ({ path: `${lp}.rules[${r.priority}].action`, action: r.action }))];
      for (const r of l.rules) {
        const rp = `${lp}.rules[${r.priority}].conditions`;
        nameWarning(`${rp}.hostHeader`, r.conditions.hostHeader);
        const loopback = (r.conditions.sourceIp ?? []).filter((c) => LOOPBACK.test(c));
        if (loopback.length) out.push({ code: 'local-only-address', path: `${rp}.sourceIp`, message: `${loopback.join(', ')} is a loopback range; AWS never sees such client addresses — exported unchanged` });
      }
      for (const { path, action } of actions) {
        if (action.redirect) nameWarning(`${path}.redirect.host`, [action.redirect.host]);
      }
    }
  }
  return out;
}

/** The warnings block at the top of an export, as comment lines (`#`) or plain lines. */
export function formatWarnings(warnings: ExportWarning[], prefix: string): string {
  if (warnings.length === 0) return '';
  const lines = [`WARNINGS (${warnings.length}): these parts of berth.yaml do not carry over to AWS as they are.`];
  for (const w of warnings) lines.push(`  - [${w.code}] ${w.path ? `${w.path}: ` : ''}${w.message}`);
  return lines.map((l) => `${prefix}${l}`.trimEnd()).join('\n');
}

export function warningLine(w: ExportWarning): string {
  return `warning: [${w.code}] ${w.path ? `${w.path}: ` : ''}${w.message}`;
}
