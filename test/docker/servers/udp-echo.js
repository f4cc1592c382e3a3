// The UDP target the Docker tests run in containers (`node /srv/udp-echo.js`): each datagram is sent
// back to its sender. With ECHO_NAME=1 the reply is prefixed with "<name> " so a test can tell which
// container answered (and so check UDP stickiness per flow).
import { createSocket } from 'node:dgram';
import { hostname } from 'node:os';

const port = Number(process.env.PORT || 8081);
const name = process.env.NAME || hostname();
const prefix = process.env.ECHO_NAME === '1' ? Buffer.from(`${name} `) : Buffer.alloc(0);

const socket = createSocket('udp4');
socket.on('message', (msg, rinfo) => socket.send(Buffer.concat([prefix, msg]), rinfo.port, rinfo.address));
socket.on('error', (err) => console.error(`udp-echo: ${err.message}`));

process.on('SIGTERM', () => process.exit(0));
socket.bind(port, () => console.log(`udp-echo ${name} listening on ${port}/udp`));
