// A listener's headerModification as AWS's listener attributes (`routing.http.response.*` and
// `routing.http.request.x_amzn_*.header_name`) and back, plus the provider arguments they map to.
import {
  REQUEST_HEADER_NAMES,
  RESPONSE_HEADERS,
  type HeaderModification,
  type RequestHeaderKey,
  type ResponseHeaderKey,
} from '../../shared/model/index.js';

const SERVER = 'routing.http.response.server.enabled';
const responseKey = (part: string) => `routing.http.response.${part}.header_value`;
const requestKey = (part: string) => `routing.http.request.${part}.header_name`;

/** The load balancer attribute that turns on the TLS version and cipher headers. */
export const TLS_HEADERS_ATTRIBUTE = 'routing.http.x_amzn_tls_version_and_cipher_suite.enabled';

/** Every listener attribute key a headerModification may produce. */
export const HEADER_MODIFICATION_ATTRIBUTES: readonly string[] = [
  SERVER,
  ...Object.values(RESPONSE_HEADERS).map(([, part]) => responseKey(part)),
  ...Object.values(REQUEST_HEADER_NAMES).map(([, part]) => requestKey(part)),
];

/** Attribute key → Terraform argument (aws_lb_listener / aws_lb) and its HCL type. */
export const HEADER_MODIFICATION_TF: Record<string, [string, 'bool' | 'string']> = {
  ...Object.fromEntries(HEADER_MODIFICATION_ATTRIBUTES.map((key): [string, [string, 'bool' | 'string']] => [key, [key.replace(/\./g, '_'), key === SERVER ? 'bool' : 'string']])),
  [TLS_HEADERS_ATTRIBUTE]: ['enable_tls_version_and_cipher_suite_headers', 'bool'],
};

export function headerModificationAttributes(hm: HeaderModification | undefined): Record<string, string> {
  if (!hm) return {};
  const out: Record<string, string> = {};
  if (hm.server !== undefined) out[SERVER] = String(hm.server);
  for (const [key, [, part]] of Object.entries(RESPONSE_HEADERS)) {
    const value = hm[key as ResponseHeaderKey];
    if (value !== undefined) out[responseKey(part)] = value;
  }
  for (const [key, [, part]] of Object.entries(REQUEST_HEADER_NAMES)) {
    const name = hm.requestHeaderNames?.[key as RequestHeaderKey];
    if (name !== undefined) out[requestKey(part)] = name;
  }
  return out;
}

/** The headerModification the attributes describe, or undefined when they hold none of its keys. */
export function headerModificationFromAttributes(attributes: Record<string, string>): Record<string, unknown> | undefined {
  const hm: Record<string, unknown> = {};
  if (attributes[SERVER] !== undefined) hm.server = attributes[SERVER].toLowerCase() === 'true';
  for (const [key, [, part]] of Object.entries(RESPONSE_HEADERS)) {
    const value = attributes[responseKey(part)];
    if (value !== undefined) hm[key] = value;
  }
  const names: Record<string, string> = {};
  for (const [key, [, part]] of Object.entries(REQUEST_HEADER_NAMES)) {
    const value = attributes[requestKey(part)];
    if (value !== undefined) names[key] = value;
  }
  if (Object.keys(names).length) hm.requestHeaderNames = names;
  return Object.keys(hm).length ? hm : undefined;
}
