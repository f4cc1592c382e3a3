// The redaction every traffic export applies by default: which headers, and what it leaves alone.
import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../../../main/traffic/export/secret-headers.js';

describe('redactSecrets', () => {
  it.each([
    ['authorization', 'Bearer abc'],
    ['proxy-authorization', 'Basic eDp5'],
    ['cookie', 'a=1; b=2'],
    ['set-cookie', ['a=1; HttpOnly', 'b=2']],
  ])('replaces every value of %s', (name, value) => {
    const out = redactSecrets({ [name]: value, accept: '*/*' });
    expect(out).toEqual({ [name]: Array.isArray(value) ? value.map(() => REDACTED) : REDACTED, accept: '*/*' });
  });

  it('returns headers without secrets as they are, and leaves the input untouched', () => {
    const plain = { accept: '*/*', 'x-authorization-hint': 'none' };
    expect(redactSecrets(plain)).toBe(plain);
    const input = { cookie: 'a=1' };
    redactSecrets(input);
    expect(input).toEqual({ cookie: 'a=1' });
    expect(redactSecrets(undefined)).toBeUndefined();
  });
});
