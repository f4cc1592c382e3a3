// The redirect action (elbv2-model.md 3.3): #{protocol}, #{host}, #{port}, #{path} (leading "/"
// removed) and #{query} copied from the request into a Location; default ports (80 for http, 443
// for https) are left out of the URL. Templates are split once per config.
import type { RedirectAction } from '../../shared/model/index.js';
import type { ClientResponse } from './client-messages.js';
import type { ResponseHeaderMods } from './header-modification.js';
import { rawOwnHead, writeOwnHead } from './own-head.js';

const KEYS = ['protocol', 'host', 'port', 'path', 'query'] as const;
type Part = string | number;

export interface RedirectSource {
  /** `http` or `https`: the listener's scheme. */
  protocol: string;
  /** Host name without port, lower-cased. */
  host: string;
  /** The listener port. */
  port: string;
  path: string;
  query: string;
}

export class RedirectPlan {
  readonly kind = 'redirect';
  readonly status: 301 | 302;
  private readonly protocol: Part[];
  private readonly host: Part[];
  private readonly port: Part[];
  private readonly path: Part[];
  private readonly query: Part[];

  constructor(action: RedirectAction) {
    this.status = action.statusCode === 'HTTP_301' ? 301 : 302;
    this.protocol = split(action.protocol === '#{protocol}' ? action.protocol : action.protocol.toLowerCase());
    this.host = split(action.host);
    this.port = split(action.port);
    this.path = split(action.path);
    this.query = split(action.query);
  }

  location(source: RedirectSource): string {
    const values = [source.protocol, source.host, source.port, source.path.startsWith('/') ? source.path.slice(1) : source.path, source.query];
    const protocol = render(this.protocol, values).toLowerCase();
    const port = render(this.port, values);
    const query = render(this.query, values);
    const defaultPort = (protocol === 'http' && port === '80') || (protocol === 'https' && port === '443');
    return `${protocol}://${render(this.host, values)}${defaultPort || port === '' ? '' : `:${port}`}${render(this.path, values)}${query ? `?${query}` : ''}`;
  }

  send(res: ClientResponse, location: string): void {
    writeOwnHead(res, this.status, ['location', location, 'content-length', '0', 'server', 'berth']);
    res.end();
  }

  raw(location: string, mods?: ResponseHeaderMods): string {
    return rawOwnHead(`HTTP/1.1 ${this.status} ${this.status === 301 ? 'Moved Permanently' : 'Found'}`, ['location', location, 'content-length', '0', 'server', 'berth'], mods);
  }
}

function split(template: string): Part[] {
  const parts: Part[] = [];
  let rest = template;
  for (;;) {
    const at = rest.indexOf('#{');
    const end = at < 0 ? -1 : rest.indexOf('}', at);
    const key = end < 0 ? -1 : KEYS.indexOf(rest.slice(at + 2, end) as (typeof KEYS)[number]);
    if (at < 0 || end < 0) break;
    if (key < 0) {
      parts.push(rest.slice(0, end + 1));
    } else {
      if (at > 0) parts.push(rest.slice(0, at));
      parts.push(key);
    }
    rest = rest.slice(end + 1);
  }
  if (rest) parts.push(rest);
  return parts;
}

function render(parts: Part[], values: string[]): string {
  let s = '';
  for (const p of parts) s += typeof p === 'number' ? values[p]! : p;
  return s;
}
