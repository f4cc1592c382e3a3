// The zero-config listeners' default action: a 404 page listing the hosts Berth knows, as links.
// It is an ordinary fixed-response, so it stays within AWS's 1,024-byte body limit: when the hosts
// do not fit, the page lists the first ones and says how many more there are and where to see them
// all (the dashboard, `berth targets`). A fixed-response keeps the config exportable and the ALB code
// free of a special case; the full list is one click away.
import { LIMITS, utf8Length } from '../../shared/model/index.js';

export interface IndexPageOptions {
  scheme: 'http' | 'https';
  port: number;
}

export function indexPage(hosts: readonly string[], { scheme, port }: IndexPageOptions): string {
  const head = '<!doctype html><meta charset="utf-8"><title>Berth: no route</title><h1>No route for this host</h1>';
  if (hosts.length === 0) return `${head}<p>No running container publishes a TCP port yet.</p>`;
  const items: string[] = [];
  const page = (more: number) =>
    `${head}<p>Known hosts:</p><ul>${items.join('')}</ul>${more > 0 ? `<p>…and ${more} more: see the Berth dashboard or <code>berth targets</code>.</p>` : ''}`;
  for (const [i, host] of hosts.entries()) {
    const item = `<li><a href="${scheme}://${escape(host)}:${port}/">${escape(host)}</a></li>`;
    items.push(item);
    // Room must remain for the "…and N more" line if hosts are left out.
    if (utf8Length(page(hosts.length - i - 1)) > LIMITS.fixedResponseBodyMaxBytes) {
      items.pop();
      return page(hosts.length - i);
    }
  }
  return page(0);
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
