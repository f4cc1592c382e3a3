// Berth's DNS server for containers, over real UDP and TCP sockets on loopback: served names (exact
// and wildcard) answer with the address the query arrived on, other names go to the upstream
// resolver unchanged, large answers fall back to TCP, and malformed packets are dropped harmlessly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import dnsPacket from 'dns-packet';
import { DnsServer, servedNames } from '../../../main/container-access/index.js';
import { configSchema } from '../../../shared/model/index.js';

const config = configSchema.parse({
  loadBalancers: [
    {
      name: 'web',
      listeners: [
        {
          port: 8443,
          protocol: 'HTTPS',
          hostnames: ['extra.demo.localhost'],
          defaultAction: { fixedResponse: { statusCode: 404 } },
          rules: [
            { priority: 1, conditions: { hostHeader: ['api.demo.localhost'] }, action: { fixedResponse: { statusCode: 200 } } },
            { priority: 2, conditions: { hostHeader: ['*.shop.localhost'] }, action: { fixedResponse: { statusCode: 200 } } },
          ],
        },
      ],
    },
  ],
});

/** A stand-in for the host's resolver: `other.example` → 192.0.2.7; `big.example` → 60 TXT records,
 * truncated (TC) over UDP as a real resolver does, whole over TCP. */
class Upstream {
  udp = dgram.createSocket('udp4');
  tcp = net.createServer((s) => {
    s.on('data', (d: Buffer) => {
      const reply = this.reply(d.subarray(2), 'tcp');
      const len = Buffer.alloc(2);
      len.writeUInt16BE(reply.length);
      s.end(Buffer.concat([len, reply]));
    });
  });
  queries: string[] = [];

  async start(): Promise<string> {
    await new Promise<void>((r) => this.udp.bind(0, '127.0.0.1', r));
    const port = this.udp.address().port;
    this.udp.on('message', (m, rinfo) => this.udp.send(this.reply(m, 'udp'), rinfo.port, rinfo.address));
    await new Promise<void>((r) => this.tcp.listen(port, '127.0.0.1', r));
    return `127.0.0.1:${port}`;
  }

  reply(message: Buffer, transport: 'udp' | 'tcp'): Buffer {
    const q = dnsPacket.decode(message);
    const question = q.questions![0]!;
    this.queries.push(`${transport} ${question.type} ${question.name}`);
    const base = { type: 'response' as const, id: q.id, questions: q.questions };
    if (question.name === 'big.example') {
      const answers = Array.from({ length: 60 }, (_, i) => ({ type: 'TXT' as const, name: 'big.example', ttl: 60, data: `record number ${i} ${'x'.repeat(20)}` }));
      if (transport === 'udp') return dnsPacket.encode({ ...base, flags: dnsPacket.TRUNCATED_RESPONSE, answers: [] });
      return dnsPacket.encode({ ...base, answers });
    }
    return dnsPacket.encode({ ...base, answers: [{ type: 'A', name: question.name, ttl: 60, data: '192.0.2.7' }] });
  }

  close(): void {
    this.udp.close();
    this.tcp.close();
  }
}

function askUdp(port: number, message: Buffer, timeoutMs = 1_000): Promise<dnsPacket.DecodedPacket | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      resolve(undefined);
    }, timeoutMs);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(dnsPacket.decode(m));
    });
    s.send(message, port, '127.0.0.1');
  });
}

function askTcp(port: number, message: Buffer): Promise<dnsPacket.DecodedPacket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
        s.destroy();
        resolve(dnsPacket.decode(got.subarray(2)));
      }
    });
    s.on('error', reject);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(message.length);
    s.write(Buffer.concat([len, message]));
  });
}

/** dns-packet decodes the response code, though its type declarations do not say so. */
const rcode = (p: dnsPacket.DecodedPacket) => (p as dnsPacket.DecodedPacket & { rcode: string }).rcode;

const query = (name: string, type: dnsPacket.RecordType = 'A', id = 4242) =>
  dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });

describe('the DNS server for containers', () => {
  const upstream = new Upstream();
  let upstreams: string[] = [];
  const names = servedNames(config);
  const server = new DnsServer({ address: '127.0.0.1', port: 0, serves: (n) => names.has(n), upstreams: () => upstreams, upstreamTimeoutMs: 300 });
  let port: number;

  beforeAll(async () => {
    upstreams = [await upstream.start()];
    await server.start();
    port = server.port!;
  });
  afterAll(async () => {
    upstream.close();
    await server.stop();
  });

  it.each([
    ['an exact hostHeader', 'api.demo.localhost'],
    ['any case and a trailing dot', 'API.Demo.LocalHost.'],
    ['a wildcard rule', 'cart.shop.localhost'],
    ["a listener's extra hostname", 'extra.demo.localhost'],
  ])('answers A for %s with its own address, authoritatively', async (_why, name) => {
    const reply = (await askUdp(port, query(name)))!;
    expect(reply.id).toBe(4242);
    expect(reply.flag_aa).toBe(true);
    expect(rcode(reply)).toBe('NOERROR');
    expect(reply.answers).toEqual([expect.objectContaining({ type: 'A', data: '127.0.0.1' })]);
    expect(upstream.queries.some((q) => q.endsWith(name))).toBe(false);
  });

  it('answers AAAA for a served name with no data (the name exists; Berth listens on IPv4)', async () => {
    const reply = (await askUdp(port, query('api.demo.localhost', 'AAAA')))!;
    expect(rcode(reply)).toBe('NOERROR');
    expect(reply.answers).toEqual([]);
  });

  it('forwards other names to the upstream resolver and relays its answer', async () => {
    const reply = (await askUdp(port, query('other.example', 'A', 77)))!;
    expect(reply.id).toBe(77);
    expect(reply.answers).toEqual([expect.objectContaining({ type: 'A', data: '192.0.2.7' })]);
    expect(upstream.queries).toContain('udp A other.example');
  });

  it('passes a truncated UDP answer on, and gives the whole answer over TCP', async () => {
    const udp = (await askUdp(port, query('big.example', 'TXT')))!;
    expect(udp.flag_tc).toBe(true);
    const tcp = await askTcp(port, query('big.example', 'TXT'));
    expect(tcp.flag_tc).toBe(false);
    expect(tcp.answers).toHaveLength(60);
    expect(upstream.queries).toContain('tcp TXT big.example');
  });

  it('answers served names over TCP too', async () => {
    const reply = await askTcp(port, query('api.demo.localhost'));
    expect(reply.answers).toEqual([expect.objectContaining({ data: '127.0.0.1' })]);
  });

  it('drops malformed packets without an answer and keeps serving', async () => {
    for (const junk of [Buffer.from([1, 2, 3]), Buffer.alloc(0), Buffer.from('not a dns message at all, just text'), Buffer.alloc(600, 0xff)]) {
      expect(await askUdp(port, junk, 300)).toBeUndefined();
    }
    const reply = (await askUdp(port, query('api.demo.localhost')))!;
    expect(reply.answers).toHaveLength(1);
  });

  it('answers SERVFAIL when no upstream answers', async () => {
    const saved = upstreams;
    upstreams = ['127.0.0.1:9'];
    try {
      const reply = (await askUdp(port, query('nowhere.example'), 3_000))!;
      expect(rcode(reply)).toBe('SERVFAIL');
    } finally {
      upstreams = saved;
    }
  });
});
