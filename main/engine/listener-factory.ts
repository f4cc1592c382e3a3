// Chooses the listener implementation for a protocol: application listeners (HTTP, HTTPS) from
// main/alb, network listeners (TCP, TLS, UDP, TCP_UDP) from main/nlb.
import { BerthError } from '../../shared/errors.js';
import { HttpListener } from '../alb/index.js';
import { HttpsListener } from '../alb/https-listener.js';
import { TcpListener, TcpUdpListener, TlsListener, UdpListener } from '../nlb/index.js';
import type { ListenerContext, ListenerRuntime } from './listener-runtime.js';

export function createListener(ctx: ListenerContext): ListenerRuntime {
  const { listener, loadBalancer } = ctx;
  switch (listener.protocol) {
    case 'HTTP':
      return new HttpListener({ listener, loadBalancer, resolveTargetGroup: ctx.resolveTargetGroup, recorder: ctx.recorder });
    case 'HTTPS':
      return new HttpsListener({ listener, loadBalancer, resolveTargetGroup: ctx.resolveTargetGroup, recorder: ctx.recorder }, ctx.certificates);
    case 'TCP':
      return new TcpListener({ listener, loadBalancer, resolveTargetGroup: ctx.resolveTargetGroup, recorder: ctx.recorder });
    case 'TLS':
      return new TlsListener({ listener, loadBalancer, resolveTargetGroup: ctx.resolveTargetGroup, recorder: ctx.recorder }, ctx.certificates);
    case 'UDP':
      return new UdpListener({ listener, loadBalancer, resolveTargetGroup: ctx.resolveTargetGroup, recorder: ctx.recorder });
    case 'TCP_UDP':
      return new TcpUdpListener({ listener, loadBalancer, resolveTargetGroup: ctx.resolveTargetGroup, recorder: ctx.recorder });
    default:
      throw new BerthError('LISTENER_BIND_FAILED', `${loadBalancer.name} ${listener.port}/${listener.protocol}: ${listener.protocol} listeners are not available in this build`, {
        loadBalancer: loadBalancer.name,
        listener: `${listener.port}/${listener.protocol}`,
      });
  }
}
