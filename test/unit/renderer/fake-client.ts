// A BerthClient for component tests: canned answers per method (a function, a value, or a promise
// that never settles for "loading"), recorded calls, and events pushed by the test.
import type { BerthClient, EventPayloads, MethodInput, MethodName, MethodOutput, Topic } from '../../../shared/contract/index.js';

type Answer<M extends MethodName> = MethodOutput<M> | Error | ((input: MethodInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>) | 'pending';

export class FakeClient implements BerthClient {
  readonly calls: { method: MethodName; input: unknown }[] = [];
  private readonly answers = new Map<MethodName, unknown>();
  private readonly subs = new Map<Topic, Set<(p: never) => void>>();

  answer<M extends MethodName>(method: M, answer: Answer<M>): this {
    this.answers.set(method, answer);
    return this;
  }

  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    this.calls.push({ method, input });
    const a = this.answers.get(method);
    if (a === undefined) return Promise.reject(new Error(`FakeClient: no answer for ${method}`));
    if (a === 'pending') return new Promise(() => undefined);
    if (a instanceof Error) return Promise.reject(a);
    return Promise.resolve(typeof a === 'function' ? (a as (i: unknown) => MethodOutput<M>)(input) : (structuredClone(a) as MethodOutput<M>));
  }

  subscribe<T extends Topic>(topic: T, handler: (payload: EventPayloads[T]) => void): () => void {
    let set = this.subs.get(topic);
    if (!set) this.subs.set(topic, (set = new Set()));
    set.add(handler as (p: never) => void);
    return () => set.delete(handler as (p: never) => void);
  }

  emit<T extends Topic>(topic: T, payload: EventPayloads[T]): void {
    for (const h of this.subs.get(topic) ?? []) (h as (p: EventPayloads[T]) => void)(payload);
  }

  callsOf(method: MethodName): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.input);
  }
}
