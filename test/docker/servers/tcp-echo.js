// The TCP target the Docker tests run in containers (`node /srv/tcp-echo.js`): echoes bytes back.
// Half-close is honoured: when the client ends its side, the server finishes writing what it has
// and then ends its own, so NLB tests can check that a proxy forwards FIN in each direction.
import { createServer } from 'node:net';
import { hostname } from 'node:os';

const port = Number(process.env.PORT || 8081);
const name = process.env.NAME || hostname();

// allowHalfOpen keeps our write side open after the client's FIN, which is the point of this server.
const server = createServer({ allowHalfOpen: true }, (socket) => {
  // An optional greeting lets a test tell which container it reached without sending anything.
  if (process.env.GREETING) socket.write(`${process.env.GREETING.replace('{name}', name)}\n`);
  // pipe() ends the writable side after the readable side ends, after flushing: exactly half-close.
  socket.pipe(socket);
  socket.on('error', () => socket.destroy());
});

process.on('SIGTERM', () => process.exit(0));
server.listen(port, () => console.log(`tcp-echo ${name} listening on ${port}`));
