// Redirect and fixed-response actions checked byte for byte on a raw socket (only Date varies).
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, raw, stableDate, startListener } from './alb-fixtures.js';

afterEach(cleanup);

const get = (path: string, host = 'App.Example.com:8080', method = 'GET') => `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

async function listenerWith(rules: unknown[]) {
  return startListener({ listener: { defaultAction: { fixedResponse: { statusCode: 404, messageBody: 'no route' } }, rules } }, []);
}

describe('redirect', () => {
  it('fills the placeholders and leaves out the default port', async () => {
    const { port } = await listenerWith([
      { priority: 1, conditions: { pathPattern: ['/old/*'] }, action: { redirect: { protocol: 'HTTPS', port: 443, path: '/new/#{path}', query: '#{query}&src=berth', statusCode: 'HTTP_301' } } },
    ]);
    expect(stableDate(await raw(port, get('/old/page?x=1')))).toBe(
      'HTTP/1.1 301 Moved Permanently\r\nlocation: https://app.example.com/new/old/page?x=1&src=berth\r\ncontent-length: 0\r\nserver: berth\r\nDate: <date>\r\nConnection: close\r\n\r\n',
    );
  });

  it('keeps a non-default port, rewrites the host and answers 302', async () => {
    const { port } = await listenerWith([
      { priority: 1, conditions: { pathPattern: ['/*'] }, action: { redirect: { protocol: 'HTTPS', port: 8443, host: 'secure.#{host}', statusCode: 'HTTP_302' } } },
    ]);
    expect(stableDate(await raw(port, get('/a/b')))).toBe(
      'HTTP/1.1 302 Found\r\nlocation: https://secure.app.example.com:8443/a/b\r\ncontent-length: 0\r\nserver: berth\r\nDate: <date>\r\nConnection: close\r\n\r\n',
    );
  });

  it('keeps the listener port when #{port} stays (an HTTP listener on a port other than 80)', async () => {
    const { port } = await listenerWith([{ priority: 1, conditions: { pathPattern: ['/*'] }, action: { redirect: { path: '/v2/#{path}', statusCode: 'HTTP_302' } } }]);
    expect(await raw(port, get('/x'))).toContain(`\r\nlocation: http://app.example.com:${port}/v2/x\r\n`);
  });

  it('answers an upgrade request raw and closes', async () => {
    const { port } = await listenerWith([{ priority: 1, conditions: { pathPattern: ['/*'] }, action: { redirect: { protocol: 'HTTPS', port: 443, statusCode: 'HTTP_301' } } }]);
    const response = await raw(port, 'GET /ws HTTP/1.1\r\nHost: a.example.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(response).toBe('HTTP/1.1 301 Moved Permanently\r\nlocation: https://a.example.com/ws\r\ncontent-length: 0\r\nserver: berth\r\nconnection: close\r\n\r\n');
  });
});

describe('fixed-response', () => {
  it('sends the status, content type and body', async () => {
    const { port, records } = await listenerWith([
      { priority: 3, conditions: { pathPattern: ['/down'] }, action: { fixedResponse: { statusCode: 503, contentType: 'application/json', messageBody: '{"down":true}' } } },
    ]);
    expect(stableDate(await raw(port, get('/down')))).toBe(
      'HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: 13\r\nserver: berth\r\nDate: <date>\r\nConnection: close\r\n\r\n{"down":true}',
    );
    expect(records[0]).toMatchObject({ kind: 'http', rule: '3', status: 503, method: 'GET', path: '/down', listener: `${port}/HTTP` });
  });

  it('counts the body in UTF-8 bytes, and sends no body to HEAD', async () => {
    const { port } = await listenerWith([{ priority: 1, conditions: { pathPattern: ['/*'] }, action: { fixedResponse: { statusCode: 200, contentType: 'text/plain', messageBody: 'héllo ✓' } } }]);
    const body = Buffer.from('héllo ✓', 'utf8');
    const full = await raw(port, get('/'));
    expect(full).toContain(`\r\ncontent-length: ${body.length}\r\n`);
    expect(Buffer.from(full, 'latin1').subarray(-body.length).equals(body)).toBe(true);
    expect(stableDate(await raw(port, get('/', 'a.example.com', 'HEAD')))).toBe(
      `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\nserver: berth\r\nDate: <date>\r\nConnection: close\r\n\r\n`,
    );
  });

  it('is the default action when no rule matches', async () => {
    const { port } = await listenerWith([]);
    expect(stableDate(await raw(port, get('/anything')))).toBe(
      'HTTP/1.1 404 Not Found\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 8\r\nserver: berth\r\nDate: <date>\r\nConnection: close\r\n\r\nno route',
    );
  });
});
