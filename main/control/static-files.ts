// The built dashboard, served by the control port: files under one folder only, any other path gets
// index.html (the dashboard routes in the page). A malformed path is a 400, never a thrown error.
import type http from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative } from 'node:path';

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
const NOT_BUILT = '<!doctype html><title>Berth</title><p>The dashboard is not built. Run <code>npm run build:renderer</code>; the control API works meanwhile.</p>';

export type StaticFault = (status: 400 | 405, message: string) => void;

/** Answers a GET or HEAD for `pathname` (still percent-encoded) from `root`; never rejects. */
export async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, root: string, pathname: string, fault: StaticFault): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return fault(405, `${req.method ?? ''} is not served here: the dashboard takes GET and HEAD`);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return fault(400, 'the path is not valid percent-encoding');
  }
  if (decoded.includes('\0')) return fault(400, 'the path contains a NUL byte');
  const file = join(root, decoded === '/' ? 'index.html' : decoded);
  const inside = relative(root, file);
  if (inside.startsWith('..') || isAbsolute(inside)) return send(res, 404, 'text/plain; charset=utf-8', 'not found');
  const body = await readFile(file).catch(() => undefined);
  if (body) return send(res, 200, MIME[extname(file)] ?? 'application/octet-stream', body);
  if (extname(decoded)) return send(res, 404, 'text/plain; charset=utf-8', 'not found');
  const index = await readFile(join(root, 'index.html')).catch(() => NOT_BUILT);
  send(res, 200, MIME['.html']!, index);
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
