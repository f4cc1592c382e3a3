// What every transport offers: call a method by name, subscribe to a topic.
import type { MethodInput, MethodName, MethodOutput } from './methods.js';
import type { EventPayloads, Topic } from './events.js';

export interface BerthClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  subscribe<T extends Topic>(topic: T, handler: (payload: EventPayloads[T]) => void): () => void;
  close?(): void;
}
