// Heads Berth composes itself (error answers, fixed responses, redirects) are written through here,
// so the response keeps the list for its traffic record: Node keeps only a private serialised block.
import type { ServerResponse } from 'node:http';

/** A response that remembers the head Berth wrote on it. */
export interface OwnHeadRecord {
  ownHeaders?: readonly string[] | undefined;
}

/** `headers` is a flat [name, value, …] list, kept as is (not copied): callers pass lists they do not change. */
export function writeOwnHead(res: ServerResponse & OwnHeadRecord, status: number, headers: readonly string[]): void {
  res.writeHead(status, headers as string[]);
  res.ownHeaders = headers;
}
