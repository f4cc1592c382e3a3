// Which engine Berth dials: flag > DOCKER_HOST > docker context > platform default, checked against
// real config folders laid out the way the Docker CLI writes them.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerodeOptions, resolveDockerEndpoint } from '../../../main/discovery/index.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

let home: TempDir;
beforeEach(async () => {
  home = await tempDir('berth-home-');
});
afterEach(() => home.remove());

async function writeContext(name: string, host: string, withTls = false): Promise<void> {
  const digest = createHash('sha256').update(name).digest('hex');
  const meta = join(home.path, '.docker', 'contexts', 'meta', digest);
  await mkdir(meta, { recursive: true });
  await writeFile(join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
  if (withTls) {
    const tls = join(home.path, '.docker', 'contexts', 'tls', digest, 'docker');
    await mkdir(tls, { recursive: true });
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) await writeFile(join(tls, f), `-----BEGIN ${f}-----\n`);
  }
}

async function setCurrentContext(name: string): Promise<void> {
  await mkdir(join(home.path, '.docker'), { recursive: true });
  await writeFile(join(home.path, '.docker', 'config.json'), JSON.stringify({ auths: {}, currentContext: name }));
}

describe('resolveDockerEndpoint', () => {
  it('prefers the flag over everything', async () => {
    await writeContext('colima', 'unix:///colima.sock');
    await setCurrentContext('colima');
    const endpoint = resolveDockerEndpoint({ flag: 'tcp://10.0.0.1:2375', env: { DOCKER_HOST: 'unix:///env.sock' }, homeDir: home.path });
    expect(endpoint).toMatchObject({ host: 'tcp://10.0.0.1:2375', source: 'flag', description: '--docker-host' });
  });

  it('then DOCKER_HOST', async () => {
    await writeContext('colima', 'unix:///colima.sock');
    await setCurrentContext('colima');
    const endpoint = resolveDockerEndpoint({ env: { DOCKER_HOST: 'unix:///env.sock' }, homeDir: home.path });
    expect(endpoint).toMatchObject({ host: 'unix:///env.sock', source: 'env', description: 'DOCKER_HOST' });
    expect(endpoint.lookedAt).toEqual(['--docker-host: not given', 'DOCKER_HOST: unix:///env.sock']);
  });

  it('then the current context of ~/.docker/config.json', async () => {
    await writeContext('colima', 'unix:///home/me/.colima/default/docker.sock');
    await setCurrentContext('colima');
    const endpoint = resolveDockerEndpoint({ env: {}, homeDir: home.path });
    expect(endpoint).toMatchObject({ host: 'unix:///home/me/.colima/default/docker.sock', source: 'context', description: 'docker context "colima"' });
    expect(endpoint.lookedAt[2]).toContain('currentContext "colima"');
  });

  it('lets DOCKER_CONTEXT name the context and picks up its TLS files', async () => {
    await writeContext('remote', 'tcp://build.example:2376', true);
    await setCurrentContext('colima');
    const endpoint = resolveDockerEndpoint({ env: { DOCKER_CONTEXT: 'remote' }, homeDir: home.path });
    expect(endpoint.host).toBe('tcp://build.example:2376');
    expect(endpoint.tls?.cert).toMatch(/contexts\/tls\/[0-9a-f]{64}\/docker\/cert\.pem$/);
  });

  it('falls back to the platform default, saying where it looked, when the context has no meta', async () => {
    await setCurrentContext('gone');
    const endpoint = resolveDockerEndpoint({ env: {}, homeDir: home.path, platform: 'linux' });
    expect(endpoint).toMatchObject({ host: 'unix:///var/run/docker.sock', source: 'default' });
    expect(endpoint.lookedAt.join('\n')).toMatch(/currentContext "gone"[\s\S]*meta\.json: not found or unreadable[\s\S]*platform default/);
  });

  it.each([
    ['linux', 'unix:///var/run/docker.sock'],
    ['win32', 'npipe:////./pipe/docker_engine'],
  ] as const)('the default on %s is %s; the "default" context means no context', async (platform, host) => {
    await setCurrentContext('default');
    expect(resolveDockerEndpoint({ env: {}, homeDir: home.path, platform }).host).toBe(host);
  });
});

describe('dockerodeOptions', () => {
  const at = (host: string) => dockerodeOptions({ host, source: 'flag', description: '--docker-host', lookedAt: [] }, {});

  it('dials unix sockets and named pipes by path, clearing any host', () => {
    expect(at('unix:///tmp/d.sock')).toMatchObject({ socketPath: '/tmp/d.sock', host: undefined });
    expect(at('npipe:////./pipe/docker_engine')).toMatchObject({ socketPath: '//./pipe/docker_engine', host: undefined });
  });

  it('dials tcp as http, or https on 2376', () => {
    expect(at('tcp://127.0.0.1:2375')).toMatchObject({ protocol: 'http', host: '127.0.0.1', port: '2375', socketPath: undefined });
    expect(at('tcp://docker.local:2376')).toMatchObject({ protocol: 'https', host: 'docker.local', port: '2376' });
    expect(at('tcp://[::1]:2375')).toMatchObject({ host: '::1' });
  });

  it('dials ssh with the user name', () => {
    expect(at('ssh://me@build.example')).toMatchObject({ protocol: 'ssh', host: 'build.example', username: 'me', port: 22 });
  });

  it('refuses a scheme it cannot dial, naming where the host came from', () => {
    expect(() => at('fd://3')).toThrow(/unsupported Docker host "fd:\/\/3" \(from --docker-host\)/);
  });
});
