// @vitest-environment jsdom
// The request detail pane: captured bodies shown as escaped text with what was cut said, and the
// berth.yaml key to set when a record kept no headers or bodies.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { TrafficDetail } from '../../../renderer/views/traffic/traffic-detail.js';
import { record } from './fixtures.js';

afterEach(cleanup);

describe('traffic detail', () => {
  it('shows captured bodies as text, escaped, with the cut and the encoding said', () => {
    const r = record({
      id: 7,
      method: 'POST',
      path: '/form',
      query: 'a=1',
      requestHeaders: { 'content-type': 'text/html' },
      responseHeaders: { 'content-type': 'application/octet-stream' },
      requestBody: { encoding: 'utf8', data: '<script>alert(1)</script>', bytes: 25, truncated: true },
      responseBody: { encoding: 'base64', data: 'AAEC', bytes: 3, truncated: false },
    });
    render(<TrafficDetail record={r} onClose={() => {}} />);
    const pane = screen.getByTestId('traffic-detail');
    expect(pane.querySelector('script')).toBeNull();
    expect(screen.getByTestId('request-body').textContent).toBe('<script>alert(1)</script>');
    expect(pane.textContent).toContain('first 25 bytes kept');
    expect(screen.getByTestId('response-body').textContent).toBe('AAEC');
    expect(pane.textContent).toContain('binary, shown as base64');
    expect(pane.textContent).toContain('a=1');
    expect(pane.textContent).not.toContain('No headers kept');
  });

  it('names the capture key when nothing was kept', () => {
    render(<TrafficDetail record={record({ id: 8 })} onClose={() => {}} />);
    const pane = screen.getByTestId('traffic-detail');
    expect(pane.textContent).toContain('capture: { headers: false }');
    expect(pane.textContent).toContain('capture: { bodyBytes: N }');
  });

  it('shows the protocol, and for gRPC the service, method, status by name and message bytes', () => {
    render(<TrafficDetail record={record({ id: 9, method: 'POST', path: '/shop.Cart/Add', protocol: 'HTTP/2.0', status: 503, grpcStatus: 14, bytesIn: 120, bytesOut: 40 })} onClose={() => {}} />);
    const pane = screen.getByTestId('traffic-detail');
    expect(pane.textContent).toContain('HTTP/2.0');
    expect(pane.textContent).toContain('shop.Cart · Add · 14 UNAVAILABLE · 120 B in / 40 B out');
  });
});
