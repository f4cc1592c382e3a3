// Load balancers, listeners and rules (elbv2-model.md sections 1–2), with Berth's local additions:
// a bind address (127.0.0.1 by default), an on/off switch, and `auto` certificates from the local CA.
import { z } from 'zod';
import { ALPN_POLICIES, LIMITS, LISTENER_PROTOCOLS, SSL_POLICIES } from './limits.js';
import { actionSchema, resourceName } from './actions.js';
import { conditionsSchema, hostHeaderValue } from './conditions.js';
import { headerModificationSchema } from './header-modification.js';

export const ruleSchema = z.strictObject({
  priority: z.number().int().min(LIMITS.priorityMin).max(LIMITS.priorityMax, `a priority is ${LIMITS.priorityMin}–${LIMITS.priorityMax}`),
  name: z.string().max(128).optional(),
  enabled: z.boolean().default(true),
  conditions: conditionsSchema,
  action: actionSchema,
});

const certificateFiles = z.strictObject({
  certFile: z.string().min(1),
  keyFile: z.string().min(1),
});

/** Body bytes a record may keep per request and per response (1 MiB). */
export const CAPTURE_BODY_MAX = 1024 * 1024;

export const captureSchema = z.strictObject({
  /** Request and response headers, for the request detail and the HAR export. On by default: the
   * record keeps the header lists the request already has (no copy), about 0.2 µs a request. */
  headers: z.boolean().default(true),
  /** The first N bytes of each request and response body; 0 keeps none. */
  bodyBytes: z.number().int().min(0).max(CAPTURE_BODY_MAX, `bodyBytes is 0–${CAPTURE_BODY_MAX} (1 MiB)`).default(0),
});

export const listenerSchema = z.strictObject({
  port: z.number().int().min(1, 'a port is 1–65535').max(65535, 'a port is 1–65535'),
  protocol: z.enum(LISTENER_PROTOCOLS, { message: `protocol must be one of ${LISTENER_PROTOCOLS.join(', ')}` }),
  /** Berth: the local address to bind. Loopback unless the user opts in. */
  address: z.string().min(1).default('127.0.0.1'),
  name: z.string().max(64).optional(),
  enabled: z.boolean().default(true),
  /** HTTPS/TLS: `auto` mints per-host certificates from Berth's CA; or PEM files, SNI-selected. */
  certificates: z.union([z.literal('auto'), z.array(certificateFiles).min(1)]).optional(),
  /** Extra host names `auto` certificates may be minted for, beyond the hosts the rules name. */
  hostnames: z.array(hostHeaderValue).optional(),
  sslPolicy: z.enum(SSL_POLICIES).optional(),
  alpnPolicy: z.enum(ALPN_POLICIES).optional(),
  /** NLB TCP listeners: idle timeout (AWS default 350 s). */
  tcpIdleTimeoutSeconds: z.number().int().min(LIMITS.tcpIdleTimeoutMin).max(LIMITS.tcpIdleTimeoutMax).optional(),
  /** Berth: UDP flow idle timeout (AWS fixes it at 120 s) and the flow table's size. */
  udpIdleTimeoutSeconds: z.number().int().min(1).max(3600).optional(),
  udpMaxFlows: z.number().int().min(1).max(1_000_000).optional(),
  /** Berth, application listeners: what a traffic record keeps beyond its summary line. */
  capture: captureSchema.optional(),
  /** Application listeners: response headers added, Berth's Server header, TLS/mTLS header names (AWS listener attributes). */
  headerModification: headerModificationSchema.optional(),
  defaultAction: actionSchema,
  rules: z.array(ruleSchema).default([]),
});

export const loadBalancerSchema = z.strictObject({
  name: resourceName,
  type: z.enum(['application', 'network'], { message: 'type must be application or network' }).default('application'),
  scheme: z.enum(['internet-facing', 'internal']).default('internet-facing'),
  idleTimeoutSeconds: z.number().int().min(LIMITS.idleTimeoutMin).max(LIMITS.idleTimeoutMax).default(60),
  preserveHostHeader: z.boolean().default(false),
  /** AWS `routing.http2.enabled`: HTTPS listeners offer h2 by ALPN unless this is false. */
  http2Enabled: z.boolean().default(true),
  xffHeaderProcessingMode: z.enum(['append', 'preserve', 'remove']).default('append'),
  /** HTTPS listeners add X-Amzn-Tls-Version and X-Amzn-Tls-Cipher-Suite (OpenSSL names) to requests. */
  tlsVersionAndCipherSuiteHeaders: z.boolean().optional(),
  listeners: z.array(listenerSchema).default([]),
  /** Berth: containers reach this load balancer's loopback listeners through the Docker bridges'
   * gateway addresses, by name through Berth's DNS server. No AWS counterpart. */
  containerAccess: z.boolean().optional(),
});

export type Rule = z.output<typeof ruleSchema>;
export type Listener = z.output<typeof listenerSchema>;
export type Capture = z.output<typeof captureSchema>;
export type LoadBalancer = z.output<typeof loadBalancerSchema>;
export type ListenerProtocol = Listener['protocol'];
