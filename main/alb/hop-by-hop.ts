// Hop-by-hop fields (RFC 9110 7.6.1) for both directions of the proxy: the fixed list, and the
// fields a `Connection` header names (`Connection: close, X-Secret`), which are hop-by-hop too.

export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

/**
 * Removes from a flat `[name, value, name, value, …]` list the fields that `connection` names.
 * What nearly every peer sends (`keep-alive`, `close`, `upgrade`) names nothing and is not split.
 */
export function dropConnectionOptions(headers: string[], connection: string): void {
  if (connection.length <= 10 && /^(keep-alive|close|upgrade)$/i.test(connection)) return;
  const named = connection
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t && t !== 'close' && t !== 'keep-alive' && t !== 'upgrade');
  if (named.length === 0) return;
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    if (named.includes(headers[i]!.toLowerCase())) headers.splice(i, 2);
  }
}
