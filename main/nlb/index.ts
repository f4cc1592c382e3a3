// Network listeners: TCP, TLS and UDP forwarders (and TCP_UDP on one port), SNI pass-through routing, PROXY protocol v2.
export { TcpListener, NLB_IDLE_TIMEOUT_SECONDS, type TcpListenerOptions } from './tcp-listener.js';
export { TlsListener, tlsCertificatePolicy, alpnProtocols } from './tls-listener.js';
export { UdpListener, DEFAULT_UDP_IDLE_TIMEOUT_SECONDS, DEFAULT_UDP_MAX_FLOWS, type UdpListenerOptions, type UdpListenerStats } from './udp-listener.js';
export { TcpUdpListener, type TcpUdpListenerOptions } from './tcp-udp-listener.js';
export { NetworkRoutes, type NetworkRoute } from './network-routes.js';
export { parseClientHello, MAX_CLIENT_HELLO, type ClientHelloResult } from './client-hello.js';
export { encodeProxyV2, encodeProxyV2Local, PROXY_V2_SIGNATURE, PROXY_V2_COMMAND, PROXY_V2_FAMILY, type ProxyEndpoints, type ProxyTransport } from './proxy-protocol.js';
export { terminatesOnDeregistration, terminatesWhenUnhealthy } from './connection-watch.js';
export type { CloseReason, TargetGroupResolver, TrafficSink } from './tcp-session.js';
