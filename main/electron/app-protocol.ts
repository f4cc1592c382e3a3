// Serves the built dashboard to the desktop window over Berth's own `berth://app/` scheme. A page
// loaded from file:// ignores Content-Security-Policy headers, and a <meta> policy cannot carry
// frame-ancestors; answering from this handler lets every response carry the window's full policy
// as a header, while the same page served over HTTP keeps the control server's own policy.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { contentSecurityPolicy } from './window-options.js';

export const APP_SCHEME = 'berth';
export const APP_ENTRY = `${APP_SCHEME}://app/index.html`;

/** Registered before `ready`: a standard, secure scheme gets an origin, module scripts and fetch. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: false } as const;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** The handler for `protocol.handle(APP_SCHEME, …)`: files of `rendererDir` only, each with the CSP. */
export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const root = normalize(rendererDir + sep);
  return async (request) => {
    const headers = { 'content-security-policy': contentSecurityPolicy(), 'x-content-type-options': 'nosniff' };
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return new Response('bad URL', { status: 400, headers });
    }
    if (url.host !== 'app') return new Response('not found', { status: 404, headers });
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return new Response('bad URL', { status: 400, headers });
    }
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root)) return new Response('not found', { status: 404, headers });
    try {
      const body = await readFile(file);
      return new Response(body, { status: 200, headers: { ...headers, 'content-type': MIME[extname(file)] ?? 'application/octet-stream' } });
    } catch {
      return new Response('not found', { status: 404, headers });
    }
  };
}
