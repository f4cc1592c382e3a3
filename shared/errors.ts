// BerthError: the one error shape that crosses every boundary (engine, control API, IPC, CLI).
// A code for machines, a message for a person, and where it happened.

export type BerthErrorCode =
  | 'CONFIG_SYNTAX'
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_TOO_LARGE'
  | 'CONFIG_WRITE_FAILED'
  | 'DOCKER_UNREACHABLE'
  | 'LISTENER_BIND_FAILED'
  | 'CA_MISSING'
  | 'CA_CORRUPT'
  | 'CERTIFICATE_FAILED'
  | 'NOT_FOUND'
  | 'BAD_INPUT'
  /** An edit made against a revision of berth.yaml that is no longer the file's. */
  | 'CONFLICT'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'INTERNAL';

/** Where an error happened: a config position, or the runtime object it concerns. */
export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  /** Dotted field path in the config, e.g. `loadBalancers[0].listeners[1].port`. */
  path?: string;
  loadBalancer?: string;
  listener?: string;
  targetGroup?: string;
  target?: string;
}

export interface BerthErrorData {
  code: BerthErrorCode;
  message: string;
  where?: ErrorLocation;
  /** Expected failures (bad input, Docker down) are not bugs and are not reported as crashes. */
  expected?: boolean;
  /** Machine-readable facts about the error, e.g. a CONFLICT's current revision and what changed. */
  details?: Record<string, unknown>;
}

export class BerthError extends Error {
  readonly code: BerthErrorCode;
  readonly where: ErrorLocation | undefined;
  readonly expected: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: BerthErrorCode, message: string, where?: ErrorLocation, expected = true, details?: Record<string, unknown>) {
    super(message);
    this.name = 'BerthError';
    this.code = code;
    this.where = where;
    this.expected = expected;
    this.details = details;
  }

  toJSON(): BerthErrorData {
    return { code: this.code, message: this.message, ...(this.where ? { where: this.where } : {}), expected: this.expected, ...(this.details ? { details: this.details } : {}) };
  }

  static from(data: BerthErrorData): BerthError {
    return new BerthError(data.code, data.message, data.where, data.expected ?? true, data.details);
  }
}

/** `FILE:LINE:COL  path  message`, the form `berth validate` prints. */
export function formatLocation(where: ErrorLocation | undefined): string {
  if (!where) return '';
  const pos = where.file ? `${where.file}${where.line ? `:${where.line}:${where.column ?? 1}` : ''}` : '';
  return [pos, where.path].filter(Boolean).join('  ');
}

/** The error every listener gives when its socket cannot bind: which listener, and why in words. */
export function listenerBindError(err: { code?: string | undefined; message: string }, loadBalancer: string, listenerId: string, address: string, port: number, transport = ''): BerthError {
  const where = `${address}:${port}${transport}`;
  let reason: string;
  switch (err.code) {
    case 'EADDRINUSE':
      reason = `${where} is already in use by another program or listener`;
      break;
    case 'EACCES':
    case 'EPERM':
      reason = `binding ${where} is not permitted${port < 1024 ? ' (ports below 1024 need privileges on this system)' : ''}`;
      break;
    case 'EADDRNOTAVAIL':
      reason = `${address} is not an address of this machine`;
      break;
    default:
      reason = `${where}: ${err.message}`;
  }
  return new BerthError('LISTENER_BIND_FAILED', `listener ${listenerId} of load balancer "${loadBalancer}" cannot listen: ${reason}`, { loadBalancer, listener: listenerId });
}
