// The first N bytes of a request or response body as it streams past, for the request detail and
// the HAR export: text when the bytes are UTF-8, base64 otherwise, and whether the body went on.
import { isUtf8 } from 'node:buffer';
import type { CapturedBody } from '../../shared/model/index.js';

export class BodyCapture {
  private readonly chunks: Buffer[] = [];
  private held = 0;
  private seen = 0;

  constructor(private readonly limit: number) {}

  add(chunk: Buffer): void {
    this.seen += chunk.length;
    const room = this.limit - this.held;
    if (room <= 0) return;
    // Copied: a chunk may be a view of a much larger pooled buffer that keeping it would pin.
    const part = Buffer.from(chunk.subarray(0, Math.min(room, chunk.length)));
    this.chunks.push(part);
    this.held += part.length;
  }

  /** What was captured; undefined when the body was empty. */
  result(): CapturedBody | undefined {
    if (this.seen === 0) return undefined;
    return encodeBody(this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.held), this.seen > this.held);
  }
}

export function encodeBody(bytes: Buffer, truncated: boolean): CapturedBody {
  if (!bytes.includes(0)) {
    // A cut body may end inside a multi-byte character: drop up to three bytes of it to judge the text.
    for (let cut = 0; cut <= (truncated ? Math.min(3, bytes.length) : 0); cut++) {
      const text = bytes.subarray(0, bytes.length - cut);
      if (isUtf8(text)) return { encoding: 'utf8', data: text.toString('utf8'), bytes: text.length, truncated };
    }
  }
  return { encoding: 'base64', data: bytes.toString('base64'), bytes: bytes.length, truncated };
}
