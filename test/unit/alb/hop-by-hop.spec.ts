// The fields a Connection header names are hop-by-hop (RFC 9110 7.6.1), in requests and responses.
import { describe, expect, it } from 'vitest';
import { dropConnectionOptions } from '../../../main/alb/hop-by-hop.js';

const after = (headers: string[], connection: string) => {
  const out = [...headers];
  dropConnectionOptions(out, connection);
  return out;
};

describe('dropConnectionOptions', () => {
  const headers = ['Content-Type', 'text/plain', 'X-Foo', '1', 'x-bar', '2', 'X-FOO', '3', 'Set-Cookie', 'a=1'];

  it('drops every field the Connection header names, whatever their case, keeping the rest in order', () => {
    expect(after(headers, 'x-foo')).toEqual(['Content-Type', 'text/plain', 'x-bar', '2', 'Set-Cookie', 'a=1']);
    expect(after(headers, 'Keep-Alive, X-Bar ,x-foo')).toEqual(['Content-Type', 'text/plain', 'Set-Cookie', 'a=1']);
  });

  it('leaves the headers alone for the usual connection options', () => {
    for (const c of ['keep-alive', 'close', 'Upgrade', 'close, keep-alive', ' , ']) expect(after(headers, c)).toEqual(headers);
  });

  it('does not drop a field whose name only starts like a named one', () => {
    expect(after(['X-Foo-Bar', '1', 'X-Fo', '2'], 'x-foo')).toEqual(['X-Foo-Bar', '1', 'X-Fo', '2']);
  });
});
