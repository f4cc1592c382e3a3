// Which upstream client carries requests to targets: the native one when Node's parser binding is
// there and passes its self-test, undici otherwise; BERTH_UPSTREAM_CLIENT=native|undici|auto forces
// the choice. Made once per setting, when the first HTTP listener starts (`berth up` prints it).
import { createRequire } from 'node:module';
import { NativePool } from './native-client.js';
import { checkParserBinding, loadNodeBinding, useParserBinding, type BindingLoader } from './native-parser.js';
import { UndiciPool } from './undici-client.js';
import type { UpstreamPool, UpstreamPoolOptions } from './upstream-handler.js';

export const UPSTREAM_CLIENT_ENV = 'BERTH_UPSTREAM_CLIENT';

export interface UpstreamClient {
  readonly kind: 'native' | 'undici';
  /** For people: which client, and why this one. */
  readonly description: string;
  createPool(options: UpstreamPoolOptions): UpstreamPool;
}

const chosen = new Map<string, UpstreamClient>();

/** The client for this process's setting of BERTH_UPSTREAM_CLIENT; throws on a setting it cannot honour. */
export function upstreamClient(setting: string | undefined = process.env[UPSTREAM_CLIENT_ENV]): UpstreamClient {
  const key = setting ?? '';
  let client = chosen.get(key);
  if (client === undefined) {
    client = chooseUpstreamClient(setting);
    chosen.set(key, client);
  }
  return client;
}

/** The choice itself; `load` stands in for Node's binding in tests. */
export function chooseUpstreamClient(setting: string | undefined, load: BindingLoader = loadNodeBinding): UpstreamClient {
  const wanted = (setting ?? '').trim().toLowerCase() || 'auto';
  if (wanted !== 'auto' && wanted !== 'native' && wanted !== 'undici') {
    throw new Error(`${UPSTREAM_CLIENT_ENV} must be "native", "undici" or "auto", not "${setting}"`);
  }
  if (wanted === 'undici') return undiciClient(`${UPSTREAM_CLIENT_ENV}=undici`);
  const binding = checkParserBinding(load);
  if (binding instanceof Error) {
    const why = `Node.js ${process.version}'s HTTP parser binding is not usable: ${binding.message}`;
    if (wanted === 'native') throw new Error(`${UPSTREAM_CLIENT_ENV}=native, but ${why}`);
    return undiciClient(why);
  }
  useParserBinding(binding);
  return {
    kind: 'native',
    description: `native (llhttp through Node.js ${process.version}'s own parser binding${wanted === 'native' ? `, ${UPSTREAM_CLIENT_ENV}=native` : ''})`,
    createPool: (options) => new NativePool(options),
  };
}

function undiciClient(why: string): UpstreamClient {
  return { kind: 'undici', description: `undici ${undiciVersion()} (${why})`, createPool: (options) => new UndiciPool(options) };
}

function undiciVersion(): string {
  try {
    return (createRequire(import.meta.url)('undici/package.json') as { version: string }).version;
  } catch {
    // Only the description misses it.
    return '';
  }
}
