// @vitest-environment jsdom
// How the page finds Berth: the Electron bridge when the preload put one there, else HTTP/WS with
// the token from the URL fragment (then kept in sessionStorage and removed from the address bar).
import { afterEach, describe, expect, it } from 'vitest';
import { HttpBerthClient } from '../../../shared/contract/index.js';
import { BerthError } from '../../../shared/errors.js';
import { connect, IpcBerthClient, takeToken } from '../../../renderer/transport/index.js';

afterEach(() => {
  sessionStorage.clear();
  history.replaceState(null, '', '/');
  delete (window as { berth?: unknown }).berth;
});

describe('token', () => {
  it('takes #token= from the address bar into sessionStorage and leaves the rest of the fragment', () => {
    history.replaceState(null, '', '/?x=1#token=abc123&screen=traffic');
    expect(takeToken({ location, history, storage: sessionStorage })).toBe('abc123');
    expect(location.hash).toBe('#screen=traffic');
    expect(location.search).toBe('?x=1');
    expect(sessionStorage.getItem('berth.token')).toBe('abc123');
  });

  it('finds the token again after a reload of the same tab', () => {
    sessionStorage.setItem('berth.token', 'kept');
    expect(takeToken({ location, history, storage: sessionStorage })).toBe('kept');
  });
});

describe('connect', () => {
  it('uses the Electron bridge when the preload exposes one', () => {
    (window as { berth?: unknown }).berth = { call: async () => ({ ok: true, result: 1 }), subscribe: () => () => undefined };
    const c = connect();
    expect(c.transport).toBe('ipc');
    expect(c.client).toBeInstanceOf(IpcBerthClient);
  });

  it('uses HTTP/WS on this origin with the token from the fragment', () => {
    history.replaceState(null, '', '/#token=t0k3n');
    const c = connect();
    expect(c.transport).toBe('http');
    expect(c.client).toBeInstanceOf(HttpBerthClient);
    expect(location.hash).toBe('');
  });

  it('explains where to find the token when there is none', () => {
    expect(() => connect()).toThrow(/#token=.*control\.json/);
  });
});

describe('IPC client', () => {
  it('unwraps result envelopes and turns error envelopes into BerthErrors', async () => {
    const answers: Record<string, unknown> = {
      getState: { ok: true, result: { version: 7 } },
      pauseAll: { ok: false, error: { code: 'BAD_INPUT', message: 'nope', expected: true } },
      setListenerEnabled: { ok: true },
    };
    const seen: unknown[] = [];
    const client = new IpcBerthClient({ call: async (m, input) => (seen.push([m, input]), answers[m]), subscribe: () => () => undefined });
    expect(await client.call('getState', {})).toEqual({ version: 7 });
    expect(await client.call('setListenerEnabled', { loadBalancer: 'a', listener: '80/HTTP', enabled: true })).toEqual({ ok: true });
    const err = await client.call('pauseAll', { paused: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BerthError);
    expect((err as BerthError).code).toBe('BAD_INPUT');
    expect(seen[0]).toEqual(['getState', {}]);
  });

  it('passes subscriptions through to the bridge', () => {
    const handlers: ((p: unknown) => void)[] = [];
    const client = new IpcBerthClient({ call: async () => undefined, subscribe: (_t, h) => (handlers.push(h), () => undefined) });
    const got: unknown[] = [];
    client.subscribe('state', (p) => got.push(p));
    handlers[0]!({ version: 2 });
    expect(got).toEqual([{ version: 2 }]);
  });
});
