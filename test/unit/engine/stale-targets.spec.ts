// The engine's state while Docker is unreachable: Docker targets are kept from the last list and
// marked stale, static ones never are; the `targets` stream that `berth up` prints says so too.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../shared/model/index.js';
import { BerthEngine } from '../../../main/engine/index.js';
import { fakeDiscovery, idleListener, runningContainer } from '../../helpers/fake-discovery.js';

const config = configSchema.parse({
  loadBalancers: [{ name: 'web', listeners: [{ port: 8080, protocol: 'HTTP', defaultAction: { forward: 'app' } }] }],
  targetGroups: [{ name: 'app', protocol: 'HTTP', targets: { docker: { labels: { app: 'web' }, containerPort: 8081 }, static: ['127.0.0.1:3000'] } }],
});

describe('stale targets', () => {
  it('marks Docker targets stale while discovery is disconnected, never static ones, and clears it on reconnect', async () => {
    const docker = fakeDiscovery([runningContainer('web-1', 49301, { app: 'web' })]);
    const engine = new BerthEngine({ config, dataDir: '/nonexistent', discovery: docker.discovery, listenerFactory: idleListener, healthChecks: false });
    const printed: { id: string; stale?: boolean }[][] = [];
    engine.on('targets', (e) => printed.push(e.targets));
    await engine.start();
    const targets = () => Object.fromEntries(engine.getState().targetGroups[0]!.targets.map((t) => [t.id, t.stale ?? false]));
    try {
      expect(targets()).toEqual({ 'web-1:49301': false, '127.0.0.1:3000': false });

      docker.setConnected(false);
      expect(engine.getState().discovery.stale).toBe(true);
      expect(targets()).toEqual({ 'web-1:49301': true, '127.0.0.1:3000': false });
      expect(printed.at(-1)).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'web-1:49301', stale: true }), { id: '127.0.0.1:3000', health: 'unavailable' }]));

      docker.setConnected(true);
      expect(targets()).toEqual({ 'web-1:49301': false, '127.0.0.1:3000': false });
      expect(printed.at(-1)!.every((t) => t.stale === undefined)).toBe(true);
    } finally {
      await engine.stop();
    }
  });
});
