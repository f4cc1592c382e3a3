// A TCP target that expects a PROXY protocol v2 header (`node /srv/proxy-v2-echo.js`): it reads and
// checks the header byte by byte, answers one JSON line describing it (or what was wrong), and then
// echoes the rest of the stream, so NLB tests verify the header a target really receives.
import { createServer } from 'node:net';
import { hostname } from 'node:os';

const port = Number(process.env.PORT || 8081);
const name = process.env.NAME || hostname();
const SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

function ipv6(bytes) {
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}

/** The header's fields, or { error } when the bytes are not a valid v2 PROXY header. */
function parse(head) {
  if (!head.subarray(0, 12).equals(SIGNATURE)) return { error: `bad signature ${head.subarray(0, 12).toString('hex')}` };
  const versionCommand = head[12];
  const family = head[13];
  const length = head.readUInt16BE(14);
  const body = head.subarray(16);
  const out = { name, versionCommand, family, length };
  if (versionCommand !== 0x21) return { ...out, error: `version/command 0x${versionCommand.toString(16)}` };
  if (family === 0x11 || family === 0x12) {
    if (length < 12) return { ...out, error: `IPv4 length ${length}` };
    return { ...out, source: [...body.subarray(0, 4)].join('.'), destination: [...body.subarray(4, 8)].join('.'), sourcePort: body.readUInt16BE(8), destinationPort: body.readUInt16BE(10) };
  }
  if (family === 0x21 || family === 0x22) {
    if (length < 36) return { ...out, error: `IPv6 length ${length}` };
    return { ...out, source: ipv6(body.subarray(0, 16)), destination: ipv6(body.subarray(16, 32)), sourcePort: body.readUInt16BE(32), destinationPort: body.readUInt16BE(34) };
  }
  return { ...out, error: `family 0x${family.toString(16)}` };
}

const server = createServer({ allowHalfOpen: true }, (socket) => {
  socket.on('error', () => socket.destroy());
  let buffered = Buffer.alloc(0);
  const onData = (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (buffered.length < 16) return;
    const length = buffered.readUInt16BE(14);
    if (buffered.length < 16 + length) return;
    socket.off('data', onData);
    socket.write(`${JSON.stringify(parse(buffered.subarray(0, 16 + length)))}\n`);
    const rest = buffered.subarray(16 + length);
    if (rest.length > 0) socket.write(rest);
    socket.pipe(socket);
  };
  socket.on('data', onData);
});

process.on('SIGTERM', () => process.exit(0));
server.listen(port, () => console.log(`proxy-v2-echo ${name} listening on ${port}`));
