// Headers that carry credentials or sessions. Exports replace their values with `[redacted]` unless
// asked to keep them, so a HAR file attached to a bug report does not hand over a login.
type Headers = Record<string, string | string[]>;

/** Lower-case, as the recorder keys captured headers. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
export const REDACTED = '[redacted]';

/** The headers with each secret value replaced (one `[redacted]` per value, so counts stay true). */
export function redactSecrets(headers: Headers | undefined): Headers | undefined {
  if (!headers) return headers;
  let out: Headers | undefined;
  for (const name of Object.keys(headers)) {
    if (!SECRET_HEADERS.has(name)) continue;
    out ??= { ...headers };
    const value = headers[name]!;
    out[name] = Array.isArray(value) ? value.map(() => REDACTED) : REDACTED;
  }
  return out ?? headers;
}
