// Heads Berth composes itself (error answers, fixed responses, redirects) are written through here,
// so the response keeps the list for its traffic record: Node keeps only a private serialised block.
import { writeHead, type ClientResponse } from './client-messages.js';

/** A response that remembers the head Berth wrote on it. */
export interface OwnHeadRecord {
  ownHeaders?: readonly string[] | undefined;
}

/** `headers` is a flat [name, value, …] list, kept as is (not copied): callers pass lists they do not change. */
export function writeOwnHead(res: ClientResponse & OwnHeadRecord, status: number, headers: readonly string[]): void {
  writeHead(res, status, headers as string[]);
  res.ownHeaders = headers;
}
