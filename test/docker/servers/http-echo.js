// The HTTP target the Docker tests run in containers (`node /srv/http-echo.js`): it echoes each
// request as JSON so a test can see which container answered and what the load balancer forwarded,
// and offers switches (health, slowness, status codes, cookies, WebSocket echo) to drive target behaviour.
// Plain Node, no dependencies: the test image holds only busybox and node.
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

const port = Number(process.env.PORT || 8081);
const name = process.env.NAME || hostname();
// Flipped by POST /__health/fail and /__health/ok so tests can make a target fail its health check.
let healthy = true;

const server = createServer((req, res) => {
  const url = new URL(req.url || '/', 'http://echo');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const echo = {
      name,
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    route(url, req.method, echo, res);
  });
});

function route(url, method, echo, res) {
  if (url.pathname === '/health' && method === 'GET') {
    return send(res, healthy ? 200 : 503, { name, status: healthy ? 'ok' : 'failing' });
  }
  if (url.pathname === '/__health/fail' || url.pathname === '/__health/ok') {
    healthy = url.pathname === '/__health/ok';
    return send(res, 200, { name, healthy });
  }
  if (url.pathname === '/__slow') {
    const ms = Math.max(0, Number(url.searchParams.get('ms')) || 0);
    return void setTimeout(() => send(res, 200, echo), ms);
  }
  if (url.pathname === '/__set-cookie') {
    // Two cookies, as a login answer sets them, for the tests of what exports keep.
    const value = url.searchParams.get('value') || 's3t-c00kie-from-target';
    res.setHeader('set-cookie', [`session=${value}; HttpOnly`, `theme=${value}-2`]);
    return send(res, 200, echo);
  }
  const status = /^\/__status\/(\d{3})$/.exec(url.pathname);
  if (status) return send(res, Number(status[1]), echo);
  send(res, 200, echo);
}

function send(res, status, body) {
  if (res.destroyed) return;
  // 1xx, 204 and 304 carry no body by definition; Node would refuse to write one.
  const bodyless = status < 200 || status === 204 || status === 304;
  res.writeHead(status, bodyless ? {} : { 'content-type': 'application/json', 'x-served-by': name });
  res.end(bodyless ? undefined : JSON.stringify(body));
}

// WebSocket echo (RFC 6455), hand-written so the image needs no npm packages: every text or binary
// frame comes back unchanged, so a test can check that the proxy passes frames both ways.
server.on('upgrade', (req, socket) => {
  const key = req.headers['sec-websocket-key'];
  if (String(req.headers.upgrade).toLowerCase() !== 'websocket' || !key) {
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    return;
  }
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${accept}\r\nX-Served-By: ${name}\r\n\r\n`,
  );
  let pending = Buffer.alloc(0);
  socket.on('data', (data) => {
    pending = Buffer.concat([pending, data]);
    for (let frame = readFrame(pending); frame; frame = readFrame(pending)) {
      pending = pending.subarray(frame.size);
      if (frame.opcode === 0x8) {
        socket.end(encodeFrame(0x8, frame.payload, true));
        return;
      }
      if (frame.opcode === 0x9) socket.write(encodeFrame(0xa, frame.payload, true));
      // Text, binary and continuation frames are echoed as they came, so fragmentation is preserved.
      else if (frame.opcode <= 0x2) socket.write(encodeFrame(frame.opcode, frame.payload, frame.fin));
    }
  });
  socket.on('error', () => socket.destroy());
});

/** Parses one complete client frame from the front of buf, or returns undefined if more bytes are needed. */
function readFrame(buf) {
  if (buf.length < 2) return undefined;
  const fin = (buf[0] & 0x80) !== 0;
  const opcode = buf[0] & 0x0f;
  const masked = (buf[1] & 0x80) !== 0;
  let length = buf[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return undefined;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return undefined;
    length = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskStart = offset;
  if (masked) offset += 4;
  if (buf.length < offset + length) return undefined;
  const payload = Buffer.from(buf.subarray(offset, offset + length));
  // Clients must mask; unmasking is a XOR with the 4-byte key, cycling.
  if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= buf[maskStart + (i % 4)];
  return { fin, opcode, payload, size: offset + length };
}

/** Servers send frames unmasked (RFC 6455 section 5.1). */
function encodeFrame(opcode, payload, fin) {
  const first = (fin ? 0x80 : 0) | opcode;
  let header;
  if (payload.length < 126) header = Buffer.from([first, payload.length]);
  else if (payload.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([header, payload]);
}

// As PID 1 in a container, node ignores SIGTERM unless handled: without this `docker stop` would
// wait its full timeout and tests that stop containers would crawl. With GRACE_MS the server shuts
// down as a well-behaved service does: it goes on serving that long after SIGTERM (the time its load
// balancer needs to stop sending it requests), then finishes what is in flight and exits.
process.on('SIGTERM', () => {
  const grace = Number(process.env.GRACE_MS) || 0;
  if (grace <= 0) process.exit(0);
  console.log(`http-echo ${name}: SIGTERM, serving ${grace} ms more`);
  setTimeout(() => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    // Keep-alive connections still busy close after their response; never outlive the grace twice.
    setTimeout(() => process.exit(0), grace).unref();
  }, grace);
});
// Node closes idle keep-alive connections after 5 s; tests that hold one open longer set KEEP_ALIVE_MS.
if (process.env.KEEP_ALIVE_MS) server.keepAliveTimeout = Number(process.env.KEEP_ALIVE_MS);
server.listen(port, () => console.log(`http-echo ${name} listening on ${port}`));
