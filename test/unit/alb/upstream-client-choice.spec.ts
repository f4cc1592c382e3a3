// Which upstream client a process gets: the native one when Node's parser binding loads and parses
// canned responses as expected, undici when the binding is missing, incomplete or behaves differently
// (simulated here with injected loaders), and what BERTH_UPSTREAM_CLIENT forces or refuses.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { chooseUpstreamClient } from '../../../main/alb/upstream/index.js';
import { checkParserBinding, type ParserBinding } from '../../../main/alb/upstream/native-parser.js';

const real = (createRequire(import.meta.url)('_http_common') as { HTTPParser: ParserBinding }).HTTPParser;

/** The real binding, except that llhttp's head callback gets its arguments in another order. */
function withHeadArgumentsRotated(): ParserBinding {
  class Rotated extends real {}
  const slot = real.kOnHeadersComplete;
  Object.defineProperty(Rotated.prototype, slot, {
    set(this: { hc?: (...a: unknown[]) => unknown }, fn: (...a: unknown[]) => unknown) {
      this.hc = fn;
    },
    get(this: { hc?: (...a: unknown[]) => unknown }) {
      return (...a: unknown[]) => this.hc?.(...a.slice(1), a[0]);
    },
  });
  return Rotated as unknown as ParserBinding;
}

describe('choosing the upstream client', () => {
  it('takes the native client when this Node’s binding passes the self-test', () => {
    expect(checkParserBinding()).toBe(real);
    const client = chooseUpstreamClient(undefined);
    expect(client.kind).toBe('native');
    expect(client.description).toContain(process.version);
  });

  it('falls back to undici when the internal module is gone', () => {
    const gone = () => {
      throw Object.assign(new Error("No such built-in module: _http_common"), { code: 'ERR_UNKNOWN_BUILTIN_MODULE' });
    };
    const client = chooseUpstreamClient(undefined, gone);
    expect(client.kind).toBe('undici');
    expect(client.description).toMatch(/^undici \d+\.\d+\.\d+ \(Node\.js v[\d.]+'s HTTP parser binding is not usable: loading it failed: No such built-in module: _http_common\)$/);
  });

  it('falls back to undici when the binding lacks a constant or a method', () => {
    const noBody = Object.assign(function Parser() {}, { RESPONSE: 2, kOnHeaders: 1, kOnHeadersComplete: 2, kOnMessageComplete: 4 });
    expect(chooseUpstreamClient('auto', () => noBody).description).toContain('HTTPParser.kOnBody is missing');
    class NoFinish {
      static RESPONSE = 2;
      static kOnHeaders = 1;
      static kOnHeadersComplete = 2;
      static kOnBody = 3;
      static kOnMessageComplete = 4;
      initialize() {}
      execute() {}
      close() {}
    }
    expect(chooseUpstreamClient('auto', () => NoFinish).description).toContain('HTTPParser.prototype.finish is missing');
    expect(chooseUpstreamClient('auto', () => ({})).description).toContain('it has no HTTPParser');
  });

  it('falls back to undici when the callbacks’ arguments have changed order', () => {
    const client = chooseUpstreamClient(undefined, withHeadArgumentsRotated);
    expect(client.kind).toBe('undici');
    expect(client.description).toContain('it parsed a canned response wrongly: first head read as');
  });

  it('takes undici when asked, without touching the binding', () => {
    let loads = 0;
    const client = chooseUpstreamClient('undici', () => (loads++, real));
    expect(client.kind).toBe('undici');
    expect(client.description).toContain('(BERTH_UPSTREAM_CLIENT=undici)');
    expect(loads).toBe(0);
  });

  it('refuses native when asked for it and the binding is unusable, saying why', () => {
    expect(() => chooseUpstreamClient('native', withHeadArgumentsRotated)).toThrow(
      /^BERTH_UPSTREAM_CLIENT=native, but Node\.js v[\d.]+'s HTTP parser binding is not usable: it parsed a canned response wrongly/,
    );
    expect(chooseUpstreamClient('native').kind).toBe('native');
  });

  it('refuses a setting it does not know', () => {
    expect(() => chooseUpstreamClient('llhttp')).toThrow('BERTH_UPSTREAM_CLIENT must be "native", "undici" or "auto", not "llhttp"');
    expect(chooseUpstreamClient(' Auto ').kind).toBe('native');
  });
});
