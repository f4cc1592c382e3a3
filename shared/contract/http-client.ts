// The contract over HTTP + WebSocket, usable in a browser (the dashboard) and in Node (CLI, tests):
// it needs only a fetch and a WebSocket constructor, which the caller may pass in.
import { BerthError, type BerthErrorData } from '../errors.js';
import type { BerthClient } from './client.js';
import type { EventPayloads, Topic } from './events.js';
import type { CallResult, MethodInput, MethodName, MethodOutput } from './methods.js';

/** The little of the WebSocket API used here (browser WebSocket and the `ws` package both fit). */
export interface SocketLike {
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type SocketConstructor = new (url: string) => SocketLike;
type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{ status: number; json(): Promise<unknown> }>;

export interface HttpClientOptions {
  /** e.g. `http://127.0.0.1:41234` */
  baseUrl: string;
  token: string;
  fetch?: FetchLike;
  WebSocket?: SocketConstructor;
}

export class HttpBerthClient implements BerthClient {
  private socket: SocketLike | undefined;
  private readonly handlers = new Map<Topic, Set<(payload: never) => void>>();
  private closed = false;
  private retryMs = 250;

  constructor(private readonly options: HttpClientOptions) {}

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const doFetch = this.options.fetch ?? (globalThis as unknown as { fetch: FetchLike }).fetch;
    const res = await doFetch(`${this.options.baseUrl}/api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input ?? {}),
    });
    const body = (await res.json().catch(() => undefined)) as CallResult<MethodOutput<M>> | undefined;
    if (!body) throw new BerthError('INTERNAL', `${method}: HTTP ${res.status} without a JSON answer`);
    if (!body.ok) throw BerthError.from(body.error as BerthErrorData);
    return body.result;
  }

  subscribe<T extends Topic>(topic: T, handler: (payload: EventPayloads[T]) => void): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler as (payload: never) => void);
    this.connect();
    return () => {
      set.delete(handler as (payload: never) => void);
    };
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private connect(): void {
    if (this.socket || this.closed) return;
    const Ctor = this.options.WebSocket ?? (globalThis as unknown as { WebSocket?: SocketConstructor }).WebSocket;
    if (!Ctor) throw new BerthError('INTERNAL', 'no WebSocket implementation available for event streams');
    const socket = new Ctor(`${this.options.baseUrl.replace(/^http/, 'ws')}/api/events`);
    this.socket = socket;
    // The token travels as the first message, never in the URL (URLs end up in logs).
    socket.onopen = () => {
      this.retryMs = 250;
      socket.send(JSON.stringify({ token: this.options.token }));
    };
    socket.onmessage = (ev) => {
      let msg: { topic?: Topic; payload?: unknown };
      try {
        msg = JSON.parse(String(ev.data)) as typeof msg;
      } catch {
        return;
      }
      if (!msg.topic) return;
      for (const h of this.handlers.get(msg.topic) ?? []) (h as (p: unknown) => void)(msg.payload);
    };
    socket.onerror = () => undefined;
    socket.onclose = () => {
      this.socket = undefined;
      if (this.closed) return;
      (globalThis as unknown as { setTimeout: (fn: () => void, ms: number) => unknown }).setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
  }
}
