// Node's native HTTP response parser for the upstream client: llhttp through the binding that
// `node:http` itself parses with (`_http_common`'s HTTPParser), its callbacks forwarded to the
// connection that owns it. Strict parsing, response heads up to 32 KB.
import { createRequire } from 'node:module';

/** What a parser reports to: its connection. */
export interface ResponseParserOwner {
  /** Header pairs flushed before the head was complete (over 32 of them). */
  headerParts: string[];
  /** Returns llhttp's verdict on the body: 0 parse it, 1 there is none (HEAD, 1xx, an error). */
  headersComplete(headers: string[] | undefined, statusCode: number, statusText: string, shouldKeepAlive: boolean): number;
  body(chunk: Buffer): void;
  messageComplete(): void;
}

export interface ResponseParser {
  /** Bytes parsed, or the parse error (its `code` an `HPE_*`); callbacks run inside. */
  execute(data: Buffer): number | Error;
  /** The connection ended: completes a response delimited by the close. */
  finish(): number | Error | undefined;
}

interface NativeParser extends ResponseParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  close(): void;
  [callback: number]: unknown;
  owner: ResponseParserOwner | undefined;
}

interface ParserBinding {
  new (): NativeParser;
  RESPONSE: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
}

// `_http_common` is how Node's own http module reaches llhttp; it has had this shape since Node 12.
const { HTTPParser } = createRequire(import.meta.url)('_http_common') as { HTTPParser: ParserBinding };
for (const key of ['RESPONSE', 'kOnHeaders', 'kOnHeadersComplete', 'kOnBody', 'kOnMessageComplete'] as const) {
  if (typeof HTTPParser?.[key] !== 'number') throw new Error(`this Node.js (${process.version}) has no HTTP parser binding Berth can use (${key} missing)`);
}

// Large enough that AWS's response-header limit (32 KB → 502) is what bites.
const MAX_HEADER_SIZE = 32 * 1024;
const PARSER_RESOURCE = {};

export function createResponseParser(owner: ResponseParserOwner): ResponseParser {
  const parser = new HTTPParser();
  parser.initialize(HTTPParser.RESPONSE, PARSER_RESOURCE, MAX_HEADER_SIZE, 0);
  parser[HTTPParser.kOnHeaders] = onHeaders;
  parser[HTTPParser.kOnHeadersComplete] = onHeadersComplete;
  parser[HTTPParser.kOnBody] = onBody;
  parser[HTTPParser.kOnMessageComplete] = onMessageComplete;
  parser.owner = owner;
  return parser;
}

/** Detaches the parser from its connection (later callbacks do nothing) and frees it. */
export function releaseParser(p: ResponseParser): void {
  const parser = p as NativeParser;
  parser.owner = undefined;
  // Not from inside one of the parser's own callbacks: its native side is still on the stack.
  setImmediate(closeParser, parser);
}

function closeParser(parser: NativeParser): void {
  parser.close();
}

// ---- callbacks: `this` is the parser; its owner does the work ----

function onHeaders(this: NativeParser, headers: string[]): void {
  const c = this.owner;
  if (c) for (const h of headers) c.headerParts.push(h);
}

function onHeadersComplete(
  this: NativeParser,
  _major: number,
  _minor: number,
  headers: string[] | undefined,
  _method: unknown,
  _url: unknown,
  statusCode: number,
  statusText: string,
  _upgrade: boolean,
  shouldKeepAlive: boolean,
): number {
  return this.owner?.headersComplete(headers, statusCode, statusText, shouldKeepAlive) ?? 1;
}

function onBody(this: NativeParser, chunk: Buffer): void {
  this.owner?.body(chunk);
}

function onMessageComplete(this: NativeParser): void {
  this.owner?.messageComplete();
}

