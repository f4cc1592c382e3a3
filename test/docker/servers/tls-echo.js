// A TLS target with its own certificate (`node /srv/tls-echo.js`, PEM in TLS_CERT and TLS_KEY): it
// greets with `<NAME> <server name the client asked for>` and echoes, so pass-through tests can see
// which target answered and that the client got the target's certificate, not Berth's.
import { createServer } from 'node:tls';
import { hostname } from 'node:os';

const port = Number(process.env.PORT || 8443);
const name = process.env.NAME || hostname();

const server = createServer({ key: process.env.TLS_KEY, cert: process.env.TLS_CERT, allowHalfOpen: true }, (socket) => {
  socket.on('error', () => socket.destroy());
  socket.write(`${name} ${socket.servername || '-'}\n`);
  socket.pipe(socket);
});
server.on('tlsClientError', () => undefined);

process.on('SIGTERM', () => process.exit(0));
server.listen(port, () => console.log(`tls-echo ${name} listening on ${port}`));
