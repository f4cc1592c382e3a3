// Node's native HTTP response parser for the native upstream client: llhttp through the binding that
// `node:http` itself parses with (`_http_common`'s HTTPParser, an internal: DEP0199). It is loaded
// only when asked, inside a try, and proven on canned responses before any connection relies on it.
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

export interface ParserBinding {
  new (): NativeParser;
  RESPONSE: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
}

/** Where the binding comes from; tests pass their own to see what a missing or changed one does. */
export type BindingLoader = () => unknown;

export const loadNodeBinding: BindingLoader = () => (createRequire(import.meta.url)('_http_common') as { HTTPParser?: unknown }).HTTPParser;

// Large enough that AWS's response-header limit (32 KB → 502) is what bites.
const MAX_HEADER_SIZE = 32 * 1024;
const PARSER_RESOURCE = {};
const CONSTANTS = ['RESPONSE', 'kOnHeaders', 'kOnHeadersComplete', 'kOnBody', 'kOnMessageComplete'] as const;
const METHODS = ['initialize', 'execute', 'finish', 'close'] as const;

let binding: ParserBinding | undefined;

/**
 * Loads a binding and checks it does what the connection relies on, or says why not: the shape, then
 * two canned responses on one parser (35 headers, so the early flush happens, with a sized body; then
 * one delimited by the close) checked for the callbacks' arguments in the order this file reads them.
 */
export function checkParserBinding(load: BindingLoader = loadNodeBinding): ParserBinding | Error {
  try {
    const candidate = load() as ParserBinding | undefined;
    if (typeof candidate !== 'function') return new Error('it has no HTTPParser');
    for (const key of CONSTANTS) if (typeof candidate[key] !== 'number') return new Error(`HTTPParser.${key} is missing`);
    for (const key of METHODS) if (typeof candidate.prototype?.[key] !== 'function') return new Error(`HTTPParser.prototype.${key} is missing`);
    const problem = selfTest(candidate);
    return problem === undefined ? candidate : new Error(`it parsed a canned response wrongly: ${problem}`);
  } catch (err) {
    return new Error(`loading it failed: ${(err as Error).message}`);
  }
}

/** From now on, parsers come from this (checked) binding. */
export function useParserBinding(checked: ParserBinding): void {
  binding = checked;
}

interface Seen {
  status: number;
  text: string;
  keepAlive: boolean;
  headers: string[];
  body: string;
}

function selfTest(Parser: ParserBinding): string | undefined {
  const extra = Array.from({ length: 34 }, (_, i) => `X-H${i}: v${i}\r\n`).join('');
  const first = `HTTP/1.1 200 OK\r\nContent-Length: 2\r\n${extra}\r\nhi`;
  const second = 'HTTP/1.1 203 Fine\r\nContent-Type: text/plain\r\n\r\nuntil the end';
  const seen: Seen[] = [];
  let flushed: string[] = [];
  let completed = 0;
  const parser = new Parser();
  parser.initialize(Parser.RESPONSE, PARSER_RESOURCE, MAX_HEADER_SIZE, 0);
  parser[Parser.kOnHeaders] = (headers: string[]) => flushed.push(...headers);
  parser[Parser.kOnHeadersComplete] = (...args: unknown[]) => {
    const own = Array.isArray(args[2]) ? (args[2] as string[]) : [];
    seen.push({ status: args[5] as number, text: args[6] as string, keepAlive: args[8] as boolean, headers: flushed.concat(own), body: '' });
    flushed = [];
    return 0;
  };
  parser[Parser.kOnBody] = (chunk: unknown) => {
    const last = seen.at(-1);
    if (last && Buffer.isBuffer(chunk)) last.body += chunk.toString('latin1');
    else if (last) last.body += '<not a Buffer>';
  };
  parser[Parser.kOnMessageComplete] = () => completed++;
  try {
    const parsed = parser.execute(Buffer.from(first + second, 'latin1'));
    if (parsed !== first.length + second.length) return `execute() returned ${String(parsed)}`;
    const ended = parser.finish();
    if (ended !== undefined && typeof ended !== 'number') return `finish() returned ${String(ended)}`;
  } finally {
    parser.close();
  }
  const [a, b] = seen;
  if (seen.length !== 2 || completed !== 2) return `${seen.length} heads and ${completed} completions for 2 responses`;
  if (a!.status !== 200 || a!.text !== 'OK' || a!.keepAlive !== true) return `first head read as ${a!.status} "${a!.text}" keep-alive ${a!.keepAlive}`;
  if (a!.headers.length !== 70 || a!.headers[0] !== 'Content-Length' || a!.headers[69] !== 'v33') return `first head's ${a!.headers.length / 2} headers`;
  if (a!.body !== 'hi') return `first body "${a!.body}"`;
  if (b!.status !== 203 || b!.text !== 'Fine' || b!.keepAlive !== false) return `second head read as ${b!.status} "${b!.text}" keep-alive ${b!.keepAlive}`;
  if (b!.headers.join(':') !== 'Content-Type:text/plain' || b!.body !== 'until the end') return `second response's headers or body`;
  return undefined;
}

export function createResponseParser(owner: ResponseParserOwner): ResponseParser {
  const HTTPParser = binding;
  if (HTTPParser === undefined) throw new Error('the native upstream client was used before its parser binding was checked');
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
