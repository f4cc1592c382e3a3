// The one way a contract call or subscription is carried out, whatever the transport (HTTP, WebSocket,
// Electron IPC, in-process): a check added here holds everywhere. Transports only decode and encode.
import { BerthError } from '../../shared/errors.js';
import { isMethodName, isTopic, methods, type CallResult, type EventPayloads, type Topic } from '../../shared/contract/index.js';
import type { BerthEngine } from '../engine/index.js';
import type { Handlers } from './handlers.js';

/** Deeper inputs are refused before validation: no method takes more than a config (some 8 levels),
 * and walking a 10,000-level value recursively (zod, the YAML writer) would overflow the stack. */
export const MAX_INPUT_DEPTH = 64;

/** Validates `raw` against the method's schema, calls its handler and shapes the answer or the error. */
export async function callMethod(handlers: Handlers, name: unknown, raw: unknown): Promise<CallResult<unknown>> {
  try {
    if (typeof name !== 'string' || !isMethodName(name)) throw new BerthError('NOT_FOUND', `no method "${String(name).slice(0, 64)}"`);
    if (depthOver(raw, MAX_INPUT_DEPTH)) throw new BerthError('BAD_INPUT', `${name}: the input is nested more than ${MAX_INPUT_DEPTH} levels deep`);
    const parsed = methods[name].input.safeParse(raw ?? {});
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(input)'}: ${i.message}`).join('; ');
      const path = parsed.error.issues[0]?.path.map(String).join('.');
      throw new BerthError('BAD_INPUT', `${name}: ${detail}`, path ? { path } : undefined);
    }
    return { ok: true, result: await (handlers[name] as (input: unknown) => Promise<unknown>)(parsed.data) };
  } catch (err) {
    return { ok: false, error: asBerthError(err).toJSON() };
  }
}

export function asBerthError(err: unknown): BerthError {
  return err instanceof BerthError ? err : new BerthError('INTERNAL', err instanceof Error ? err.message : String(err), undefined, false);
}

export interface TopicOptions {
  /** Traffic only: whether the subscriber can take a batch now (else it is skipped and counted). */
  ready?: () => boolean;
  /** Traffic only: names the subscriber in the engine's state. */
  label?: string;
}

export interface TopicSubscription {
  unsubscribe(): void;
  /** Traffic records handed over, and records skipped because the subscriber was behind. */
  readonly delivered: number;
  readonly dropped: number;
}

/** Subscribes `fn` to one event topic of the engine; an unknown topic is refused. */
export function subscribeTopic<T extends Topic>(engine: BerthEngine, topic: T, fn: (payload: EventPayloads[T]) => void, options: TopicOptions = {}): TopicSubscription {
  if (!isTopic(topic)) throw new BerthError('BAD_INPUT', `no event topic "${String(topic).slice(0, 64)}"`);
  if (topic === 'traffic') {
    const send = fn as (payload: EventPayloads['traffic']) => void;
    const sub = engine.recorder.subscribe((records) => send({ records, dropped: sub.dropped }), options);
    return { unsubscribe: () => sub.unsubscribe(), get delivered() { return sub.delivered; }, get dropped() { return sub.dropped; } };
  }
  const off = engine.on(topic as 'state' | 'health' | 'log', fn as never);
  return { unsubscribe: off, delivered: 0, dropped: 0 };
}

/** Whether `value` nests more than `max` arrays/objects deep; iterative, so it cannot overflow itself. */
export function depthOver(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
