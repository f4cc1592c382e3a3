// Servers on 127.0.0.1 that take their TLS options from the certificate store, a raw TLS handshake
// probe, and command runners that never block the event loop (the servers live in this process).
import { execFile } from 'node:child_process';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect, createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { CertificateStore, CertificatePolicy } from '../../../main/tls/index.js';

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** Starts an HTTPS (ALB-like) or TLS (NLB-like) server; HTTPS answers `ok <host>`, TLS writes `tls ok`. */
export async function startServer(store: CertificateStore, policy: CertificatePolicy, kind: 'https' | 'tls' = 'https'): Promise<RunningServer> {
  const options = await store.createSecureServerOptions(policy);
  return listen(
    kind === 'https'
      ? createHttpsServer(options, (req, res) => res.end(`ok ${req.headers.host}`))
      : // Writes and leaves the close to the client: a server that closes first races the client's own
        // shutdown, and openssl s_client then exits 1 although the handshake verified.
        createTlsServer(options, (socket) => {
          socket.on('error', () => undefined);
          socket.on('end', () => socket.end());
          socket.write('tls ok');
        }),
  );
}

/** Listens on a free loopback port; close() also ends kept-alive connections. */
export async function listen(server: TlsServer): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** One TLS handshake; resolves with the served certificate (PEM) and how long the handshake took. */
export function handshake(port: number, servername?: string): Promise<{ certPem: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ...(servername ? { servername } : {}), rejectUnauthorized: false }, () => {
      const ms = performance.now() - started;
      const raw = socket.getPeerCertificate().raw;
      socket.destroy();
      resolve({ certPem: `-----BEGIN CERTIFICATE-----\n${raw.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`, ms });
    });
    socket.setTimeout(20_000, () => socket.destroy(new Error(`handshake for ${servername ?? '(no SNI)'} timed out`)));
    socket.once('error', reject);
  });
}

export interface Exec {
  code: number;
  stdout: string;
  stderr: string;
}

export function exec(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<Exec> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { env: options.env ?? process.env, timeout: options.timeoutMs ?? 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end(options.input ?? '');
  });
}

/**
 * The environment minus the variables that point OpenSSL and curl at another bundle, so a tool
 * falls back to the system store (this is what "trusted without --cacert" means).
 */
export function systemStoreEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['CURL_CA_BUNDLE', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE']) delete env[name];
  return env;
}

/** The first PEM certificate in a text (e.g. `openssl s_client -showcerts` output). */
export function firstCertificate(text: string): string {
  const match = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(text);
  if (!match) throw new Error(`no certificate in:\n${text}`);
  return match[0];
}

/** Client code for handshakesInChild(): `width` handshakes in flight at a time, one certificate fingerprint printed per name. */
const BURST_CLIENT = `
import { connect } from 'node:tls';
const [port, width, ...names] = process.argv.slice(1);
const fingerprints = new Array(names.length);
let next = 0;
const one = (i) => new Promise((resolve, reject) => {
  const socket = connect({ host: '127.0.0.1', port: Number(port), servername: names[i], rejectUnauthorized: false }, () => {
    fingerprints[i] = socket.getPeerCertificate().fingerprint256;
    socket.destroy();
    resolve();
  });
  socket.once('error', reject);
});
await Promise.all(Array.from({ length: Number(width) }, async () => {
  while (next < names.length) await one(next++);
}));
console.log(JSON.stringify(fingerprints));
`;

/**
 * Handshakes for many names from another process, so the clients' own TLS work does not run on the
 * event loop under test; `width` at a time (default: all at once). Resolves with the served
 * certificates' SHA-256 fingerprints, in the order of `names`.
 */
export async function handshakesInChild(port: number, names: string[], width = names.length): Promise<string[]> {
  const run = await exec(process.execPath, ['--input-type=module', '-e', BURST_CLIENT, String(port), String(width), ...names], { timeoutMs: 60_000 });
  if (run.code !== 0) throw new Error(`handshake client failed (${run.code}): ${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}
