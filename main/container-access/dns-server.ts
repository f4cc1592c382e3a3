// The DNS server containers ask (`--dns <gateway>`): names Berth serves resolve to the address the
// query arrived on (the gateway, where Berth listens for containers); every other name is forwarded
// as it is to the host's resolvers, so containers keep resolving the rest of the world. UDP and TCP;
// a malformed message is dropped without an answer, never an error.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import dnsPacket from 'dns-packet';

export interface DnsServerOptions {
  address: string;
  port?: number;
  /** Whether Berth serves a name (decided anew for every query, so new names resolve at once). */
  serves: (name: string) => boolean;
  /** The resolvers other names go to (`host:port` or `host`), tried in order. */
  upstreams: () => string[];
  /** How long one upstream may take before the next is tried (default 2 s). */
  upstreamTimeoutMs?: number;
}

/** Seconds a container may cache Berth's answers: short, so a name that moves is seen soon. */
const TTL = 5;
const RCODE_SERVFAIL = 2;
const FLAG_QR = 0x8000;
const FLAG_AA = 0x0400;
const FLAG_RD = 0x0100;
const FLAG_RA = 0x0080;
/** TCP: a client that sends nothing for this long is closed (RFC 7766 suggests seconds). */
const TCP_IDLE_MS = 10_000;

export class DnsServer {
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private readonly tcpClients = new Set<net.Socket>();

  constructor(private readonly options: DnsServerOptions) {}

  get address(): string {
    return this.options.address;
  }

  /** The UDP port bound (the configured one once started; tests ask for 0). */
  get port(): number | undefined {
    return this.udp?.address().port;
  }

  /** Binds UDP and TCP on the same port, or neither; rejects with the bind error (EACCES, EADDRINUSE). */
  async start(): Promise<void> {
    const family = net.isIPv6(this.options.address) ? 'udp6' : 'udp4';
    const udp = dgram.createSocket({ type: family, reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address: this.options.address, port: this.options.port ?? 53, exclusive: true }, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    udp.on('error', () => undefined);
    udp.on('message', (msg, rinfo) => void this.answer(msg, 'udp').then((reply) => reply && udp.send(reply, rinfo.port, rinfo.address)));
    const tcp = net.createServer((socket) => this.serveTcp(socket));
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ host: this.options.address, port: udp.address().port }, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      udp.close();
      throw err;
    }
    tcp.on('error', () => undefined);
    this.udp = udp;
    this.tcp = tcp;
  }

  async stop(): Promise<void> {
    const { udp, tcp } = this;
    this.udp = undefined;
    this.tcp = undefined;
    for (const s of this.tcpClients) s.destroy();
    await Promise.all([
      udp ? new Promise<void>((resolve) => udp.close(() => resolve())) : undefined,
      tcp ? new Promise<void>((resolve) => tcp.close(() => resolve())) : undefined,
    ]);
  }

  private serveTcp(socket: net.Socket): void {
    this.tcpClients.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('close', () => this.tcpClients.delete(socket));
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (pending.length < 2 + length) break;
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        void this.answer(message, 'tcp').then((reply) => {
          if (reply === undefined) return void socket.destroy();
          if (socket.writable) socket.write(Buffer.concat([lengthPrefix(reply.length), reply]));
        });
      }
    });
  }

  /** The reply to one message, or undefined for one to drop (malformed, or not a query). */
  private async answer(message: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return undefined;
    }
    if (query.type !== 'query' || !query.questions || query.questions.length !== 1) return undefined;
    const question = query.questions[0]!;
    if (!this.options.serves(question.name)) return this.forward(message, query, transport);
    const answers: dnsPacket.Answer[] = [];
    const family = net.isIPv6(this.options.address) ? 'AAAA' : 'A';
    if (question.type === family || (question.type as string) === 'ANY') {
      answers.push({ type: family, name: question.name, class: 'IN', ttl: TTL, data: this.options.address });
    }
    // Other types (AAAA on an IPv4 gateway, MX, TXT…) get "no data": the name exists, without that record.
    return dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: FLAG_QR | FLAG_AA | ((query.flags ?? 0) & FLAG_RD) | FLAG_RA,
      questions: [question],
      answers,
    });
  }

  /** Relays the query unchanged to the first upstream that answers; SERVFAIL when none does. */
  private async forward(message: Buffer, query: dnsPacket.DecodedPacket, transport: 'udp' | 'tcp'): Promise<Buffer> {
    const timeoutMs = this.options.upstreamTimeoutMs ?? 2_000;
    for (const upstream of this.options.upstreams()) {
      const { host, port } = splitHostPort(upstream);
      if (host === this.options.address && port === this.port) continue;
      try {
        return transport === 'udp' ? await askUdp(message, host, port, timeoutMs) : await askTcp(message, host, port, timeoutMs);
      } catch {
        // Next resolver.
      }
    }
    return dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: FLAG_QR | FLAG_RA | ((query.flags ?? 0) & FLAG_RD) | RCODE_SERVFAIL,
      questions: query.questions ?? [],
    });
  }
}

function lengthPrefix(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export function splitHostPort(value: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed) return { host: bracketed[1]!, port: Number(bracketed[2] ?? 53) };
  const parts = value.split(':');
  if (parts.length === 2) return { host: parts[0]!, port: Number(parts[1]) };
  return { host: value, port: 53 };
}

function askUdp(message: Buffer, host: string, port: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    const done = (err?: Error, reply?: Buffer) => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => done(new Error('timed out')), timeoutMs);
    socket.on('error', (err) => done(err));
    socket.on('message', (reply) => done(undefined, reply));
    socket.send(message, port, host);
  });
}

function askTcp(message: Buffer, host: string, port: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let got: Buffer = Buffer.alloc(0);
    const done = (err?: Error, reply?: Buffer) => {
      socket.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    socket.setTimeout(timeoutMs, () => done(new Error('timed out')));
    socket.on('error', (err) => done(err));
    socket.on('connect', () => socket.write(Buffer.concat([lengthPrefix(message.length), message])));
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) done(undefined, got.subarray(2, 2 + got.readUInt16BE(0)));
    });
    socket.on('end', () => done(new Error('closed before a whole answer')));
  });
}
