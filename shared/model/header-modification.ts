// A listener's header modification (AWS ALB listener attributes `routing.http.response.*` and
// `routing.http.request.x_amzn_*.header_name`, Nov 2024): headers added to every response the
// listener sends, Berth's own Server header on or off, and new names for the TLS/mTLS request headers.
import { z } from 'zod';

/** Berth key → the header it sets and AWS's listener attribute (value keys end in `.header_value`). */
export const RESPONSE_HEADERS = {
  strictTransportSecurity: ['strict-transport-security', 'strict_transport_security'],
  accessControlAllowOrigin: ['access-control-allow-origin', 'access_control_allow_origin'],
  accessControlAllowMethods: ['access-control-allow-methods', 'access_control_allow_methods'],
  accessControlAllowHeaders: ['access-control-allow-headers', 'access_control_allow_headers'],
  accessControlAllowCredentials: ['access-control-allow-credentials', 'access_control_allow_credentials'],
  accessControlExposeHeaders: ['access-control-expose-headers', 'access_control_expose_headers'],
  accessControlMaxAge: ['access-control-max-age', 'access_control_max_age'],
  contentSecurityPolicy: ['content-security-policy', 'content_security_policy'],
  xContentTypeOptions: ['x-content-type-options', 'x_content_type_options'],
  xFrameOptions: ['x-frame-options', 'x_frame_options'],
} as const;

export type ResponseHeaderKey = keyof typeof RESPONSE_HEADERS;

/** Berth key → AWS's default header name and the attribute part (`routing.http.request.<part>.header_name`). */
export const REQUEST_HEADER_NAMES = {
  tlsVersion: ['x-amzn-tls-version', 'x_amzn_tls_version'],
  tlsCipherSuite: ['x-amzn-tls-cipher-suite', 'x_amzn_tls_cipher_suite'],
  mtlsClientCert: ['x-amzn-mtls-clientcert', 'x_amzn_mtls_clientcert'],
  mtlsClientCertSerialNumber: ['x-amzn-mtls-clientcert-serial-number', 'x_amzn_mtls_clientcert_serial_number'],
  mtlsClientCertIssuer: ['x-amzn-mtls-clientcert-issuer', 'x_amzn_mtls_clientcert_issuer'],
  mtlsClientCertSubject: ['x-amzn-mtls-clientcert-subject', 'x_amzn_mtls_clientcert_subject'],
  mtlsClientCertValidity: ['x-amzn-mtls-clientcert-validity', 'x_amzn_mtls_clientcert_validity'],
  mtlsClientCertLeaf: ['x-amzn-mtls-clientcert-leaf', 'x_amzn_mtls_clientcert_leaf'],
} as const;

export type RequestHeaderKey = keyof typeof REQUEST_HEADER_NAMES;

const headerValue = z
  .string()
  .min(1, 'a header value must not be empty')
  .max(1024, 'a header value is at most 1024 characters')
  .refine((v) => !/[\r\n\0]/.test(v), 'a header value is one line (no CR, LF or NUL)');

const METHODS = ['GET', 'HEAD', 'POST', 'DELETE', 'PATCH', 'PUT', 'OPTIONS'];

const headerName = z
  .string()
  .min(1)
  .max(40, 'a header name is at most 40 characters')
  .regex(/^[A-Za-z0-9-]+$/, 'a header name holds letters, digits and "-"');

export const headerModificationSchema = z.strictObject({
  /** Berth's `Server: berth` on the answers it writes itself (AWS: `Server: awselb/2.0`). */
  server: z.boolean().optional(),
  strictTransportSecurity: headerValue.optional(),
  accessControlAllowOrigin: headerValue.optional(),
  accessControlAllowMethods: headerValue
    .refine((v) => v.split(',').every((m) => METHODS.includes(m.trim())), `a list of ${METHODS.join(', ')}, comma-separated`)
    .optional(),
  accessControlAllowHeaders: headerValue.optional(),
  accessControlAllowCredentials: z.literal('true', { message: 'Access-Control-Allow-Credentials takes only "true"' }).optional(),
  accessControlExposeHeaders: headerValue.optional(),
  accessControlMaxAge: z
    .union([z.number().int(), z.string()])
    .transform((v) => String(v))
    .refine((v) => /^-?\d{1,10}$/.test(v), 'Access-Control-Max-Age is a number of seconds')
    .optional(),
  contentSecurityPolicy: headerValue.optional(),
  xContentTypeOptions: z.literal('nosniff', { message: 'X-Content-Type-Options takes only "nosniff"' }).optional(),
  xFrameOptions: headerValue
    .refine((v) => /^(DENY|SAMEORIGIN|ALLOW-FROM \S+)$/.test(v), 'X-Frame-Options is DENY, SAMEORIGIN or "ALLOW-FROM <uri>"')
    .optional(),
  /** HTTPS listeners: the names of the TLS and mTLS headers Berth adds to requests. */
  requestHeaderNames: z.strictObject(Object.fromEntries(Object.keys(REQUEST_HEADER_NAMES).map((k) => [k, headerName.optional()])) as Record<RequestHeaderKey, z.ZodOptional<typeof headerName>>).optional(),
});

export type HeaderModification = z.output<typeof headerModificationSchema>;

/** The request header a TLS/mTLS value goes in: the listener's name for it, else AWS's. */
export function requestHeaderName(mods: HeaderModification | undefined, key: RequestHeaderKey): string {
  return mods?.requestHeaderNames?.[key]?.toLowerCase() ?? REQUEST_HEADER_NAMES[key][0];
}
