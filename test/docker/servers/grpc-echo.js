// The gRPC target the Docker tests run in containers (`node /srv/grpc-echo.js`, plaintext h2 as
// local gRPC servers run): @grpc/grpc-js from the host's node_modules, mounted at /node_modules.
// Messages are JSON, so the test needs no .proto file. Every reply names the container (NAME).
//   Unary        {text, sleepMs?, fail?}  → {name, text, authority}   (fail: FAILED_PRECONDITION)
//   ServerStream {text, count}            → count × {name, text, i}
//   ClientStream n × {text}               → {name, count, joined}
//   Bidi         n × {text}               → n × {name, text}
import grpc from '@grpc/grpc-js';

const port = Number(process.env.PORT || 50051);
const name = process.env.NAME || 'grpc-echo';
const encode = (value) => Buffer.from(JSON.stringify(value));
const decode = (bytes) => JSON.parse(bytes.toString('utf8'));
const method = (path, requestStream, responseStream) => ({
  path: `/berth.test.Echo/${path}`,
  requestStream,
  responseStream,
  requestSerialize: encode,
  requestDeserialize: decode,
  responseSerialize: encode,
  responseDeserialize: decode,
});
const service = {
  Unary: method('Unary', false, false),
  ServerStream: method('ServerStream', false, true),
  ClientStream: method('ClientStream', true, false),
  Bidi: method('Bidi', true, true),
};

const server = new grpc.Server();
server.addService(service, {
  Unary(call, callback) {
    const { text, sleepMs, fail } = call.request;
    if (fail) {
      const metadata = new grpc.Metadata();
      metadata.set('served-by', name);
      return callback({ code: grpc.status.FAILED_PRECONDITION, details: `refused as asked by ${name}`, metadata });
    }
    const authority = call.metadata.get(':authority')[0] ?? call.getPeer();
    setTimeout(() => callback(null, { name, text, authority }), Number(sleepMs) || 0);
  },
  ServerStream(call) {
    const { text, count } = call.request;
    for (let i = 0; i < count; i++) call.write({ name, text, i });
    call.end();
  },
  ClientStream(call, callback) {
    const texts = [];
    call.on('data', (m) => texts.push(m.text));
    call.on('end', () => callback(null, { name, count: texts.length, joined: texts.join(' ') }));
  },
  Bidi(call) {
    call.on('data', (m) => call.write({ name, text: m.text }));
    call.on('end', () => call.end());
  },
});

server.bindAsync(`0.0.0.0:${port}`, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err) throw err;
  console.log(`grpc-echo ${name} on ${port}`);
});

// As PID 1, node ignores SIGTERM unless handled: stop at once so `docker stop` is quick.
process.on('SIGTERM', () => {
  server.forceShutdown();
  process.exit(0);
});
