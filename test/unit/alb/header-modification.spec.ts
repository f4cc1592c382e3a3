// The listener's response headers: compiled only when set, replacing a target's value for the same
// header (any case) rather than adding a second one, and dropping Berth's Server header when asked.
import { describe, expect, it } from 'vitest';
import { compileHeaderMods, modifyOwnHead, modifyTargetHead } from '../../../main/alb/header-modification.js';

describe('header modification', () => {
  it('costs nothing when a listener sets nothing (or only server: true)', () => {
    expect(compileHeaderMods(undefined)).toBeUndefined();
    expect(compileHeaderMods({})).toBeUndefined();
    expect(compileHeaderMods({ server: true })).toBeUndefined();
  });

  it('replaces the target’s value of a listener header, whatever its case, and keeps the rest', () => {
    const mods = compileHeaderMods({ xFrameOptions: 'DENY', strictTransportSecurity: 'max-age=60' })!;
    const head = ['Content-Type', 'text/html', 'X-Frame-Options', 'ALLOWALL', 'Server', 'nginx', 'x-frame-options', 'SAMEORIGIN'];
    modifyTargetHead(head, mods);
    expect(head).toEqual(['Content-Type', 'text/html', 'Server', 'nginx', 'strict-transport-security', 'max-age=60', 'x-frame-options', 'DENY']);
  });

  it('drops Server: berth from Berth’s own answers with server: false, and adds the headers', () => {
    const mods = compileHeaderMods({ server: false, xContentTypeOptions: 'nosniff' })!;
    expect(modifyOwnHead(['content-type', 'text/plain', 'server', 'berth'], mods)).toEqual(['content-type', 'text/plain', 'x-content-type-options', 'nosniff']);
    // A target's own Server header is the target's: AWS's switch concerns only the load balancer's.
    const head = ['Server', 'nginx'];
    modifyTargetHead(head, mods);
    expect(head).toEqual(['Server', 'nginx', 'x-content-type-options', 'nosniff']);
  });
});
