// The fixed-response action (elbv2-model.md 3.4): status, content type and body, rendered once per
// config so answering costs a header write and one buffer.
import { STATUS_CODES } from 'node:http';
import type { FixedResponseAction } from '../../shared/model/index.js';
import type { ClientResponse } from './client-messages.js';
import type { ResponseHeaderMods } from './header-modification.js';
import { rawOwnHead, writeOwnHead } from './own-head.js';

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
  raw(mods?: ResponseHeaderMods): Buffer {
    return Buffer.concat([Buffer.from(rawOwnHead(`HTTP/1.1 ${this.status} ${STATUS_CODES[this.status] ?? ''}`, this.headers, mods), 'latin1'), this.body]);
  }
}
