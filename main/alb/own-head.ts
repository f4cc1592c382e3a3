// Heads Berth composes itself (error answers, fixed responses, redirects) are written through here,
// so the response keeps the list for its traffic record: Node keeps only a private serialised block.
import { writeHead, type ClientResponse } from './client-messages.js';
import { modifyOwnHead, type ResponseHeaderMods } from './header-modification.js';

/** A response that remembers the head Berth wrote on it. */
export interface OwnHeadRecord {
  ownHeaders?: readonly string[] | undefined;
  /** The listener's header modification, set on responses of listeners that have one. */
  headerMods?: ResponseHeaderMods | undefined;
}

/** `headers` is a flat [name, value, …] list, kept as is (not copied): callers pass lists they do not change. */
export function writeOwnHead(res: ClientResponse & OwnHeadRecord, status: number, headers: readonly string[]): void {
  const sent = res.headerMods ? modifyOwnHead(headers, res.headerMods) : headers;
  writeHead(res, status, sent as string[]);
  res.ownHeaders = sent;
}

/** An own head written raw on a socket (answers to upgrade requests), ending with `connection: close`. */
export function rawOwnHead(statusLine: string, headers: readonly string[], mods: ResponseHeaderMods | undefined): string {
  const sent = mods ? modifyOwnHead(headers, mods) : headers;
  let text = `${statusLine}\r\n`;
  for (let i = 0; i < sent.length; i += 2) text += `${sent[i]}: ${sent[i + 1]}\r\n`;
  return `${text}connection: close\r\n\r\n`;
}
