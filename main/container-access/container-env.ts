// What a container needs to reach Berth by name over trusted HTTPS, as `docker run` arguments or as
// a compose override: Berth's DNS server (or fixed host entries where it cannot run), the CA files
// mounted read-only, and the variables that point each runtime's TLS stack at them.
import { stringify } from 'yaml';
import type { ContainerEnvView } from '../../shared/model/index.js';
import { BUNDLE_FILE, CONTAINER_TRUST_DIR, ROOT_FILE } from './container-trust.js';

export type ContainerEnvInput = ContainerEnvView;

export function containerVariables(): Record<string, string> {
  const bundle = `${CONTAINER_TRUST_DIR}/${BUNDLE_FILE}`;
  return {
    NODE_EXTRA_CA_CERTS: `${CONTAINER_TRUST_DIR}/${ROOT_FILE}`,
    SSL_CERT_FILE: bundle,
    REQUESTS_CA_BUNDLE: bundle,
    CURL_CA_BUNDLE: bundle,
  };
}

/** `docker run` arguments, one string each (no shell quoting). */
export function dockerRunArgs(input: ContainerEnvInput): string[] {
  const args: string[] = [];
  if (input.dns) args.push('--dns', input.dns);
  for (const h of input.hosts) args.push('--add-host', `${h.name}:${h.address}`);
  args.push('--volume', `${input.trustDir}:${CONTAINER_TRUST_DIR}:ro`);
  for (const [k, v] of Object.entries(containerVariables())) args.push('--env', `${k}=${v}`);
  return args;
}

/** The arguments as one line a shell reads back as the same words. */
export function shellLine(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');
}

/** A compose override giving every named service the same settings. */
export function composeOverride(services: readonly string[], input: ContainerEnvInput): string {
  const settings = {
    ...(input.dns ? { dns: [input.dns] } : {}),
    ...(input.hosts.length ? { extra_hosts: input.hosts.map((h) => `${h.name}:${h.address}`) } : {}),
    volumes: [`${input.trustDir}:${CONTAINER_TRUST_DIR}:ro`],
    environment: containerVariables(),
  };
  const body = stringify({ services: Object.fromEntries(services.map((s) => [s, settings])) });
  return `# Written by \`berth containers env --format compose\`: lets these services call each other through\n# Berth by name over HTTPS that their TLS stacks trust. Use it with: docker compose -f <your file> -f <this file> up\n${body}`;
}
