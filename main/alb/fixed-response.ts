// The fixed-response action (elbv2-model.md 3.4): status, content type and body, rendered once per
// config so answering costs a header write and one buffer.
import { STATUS_CODES } from 'node:http';
import type { FixedResponseAction } from '../../shared/model/index.js';
import type { ClientResponse } from './client-messages.js';
import { writeOwnHead } from './own-head.js';

// AWS leaves the content type of a body-less config unverified; plain text is the harmless reading.
const DEFAULT_CONTENT_TYPE = 'text/plain; charset=utf-8';

export class FixedResponsePlan {
  readonly kind = 'fixed-response';
  readonly status: number;
  private readonly headers: string[];
  private readonly body: Buffer;

  constructor(action: FixedResponseAction) {
    this.status = Number(action.statusCode);
    this.body = Buffer.from(action.messageBody ?? '', 'utf8');
    this.headers = ['content-type', action.contentType ?? DEFAULT_CONTENT_TYPE, 'content-length', String(this.body.length), 'server', 'berth'];
  }

  send(res: ClientResponse): void {
    writeOwnHead(res, this.status, this.headers);
    res.end(this.body);
  }

  /** The same answer for a socket that asked to upgrade: written raw, then closed. */
  raw(): Buffer {
    const lines = [`HTTP/1.1 ${this.status} ${STATUS_CODES[this.status] ?? ''}`];
    for (let i = 0; i < this.headers.length; i += 2) lines.push(`${this.headers[i]}: ${this.headers[i + 1]}`);
    lines.push('connection: close', '', '');
    return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), this.body]);
  }
}
