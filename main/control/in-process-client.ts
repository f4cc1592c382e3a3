// The contract in-process (CLI, tests, Electron's event source): the same dispatcher as the wire
// transports, without the wire.
import { BerthError } from '../../shared/errors.js';
import type { BerthClient, EventPayloads, MethodInput, MethodName, MethodOutput, Topic } from '../../shared/contract/index.js';
import type { BerthEngine } from '../engine/index.js';
import { createHandlers } from './handlers.js';
import { callMethod, subscribeTopic } from './dispatch.js';
import type { TrustEnvironment } from '../tls/index.js';

export function inProcessClient(engine: BerthEngine, configFile?: string, options: { trustEnvironment?: () => TrustEnvironment } = {}): BerthClient {
  const handlers = createHandlers({ engine, configFile, trustEnvironment: options.trustEnvironment });
  return {
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const answer = await callMethod(handlers, method, input);
      if (!answer.ok) throw BerthError.from(answer.error);
      return answer.result as MethodOutput<M>;
    },
    subscribe<T extends Topic>(topic: T, handler: (payload: EventPayloads[T]) => void): () => void {
      const sub = subscribeTopic(engine, topic, handler);
      return () => sub.unsubscribe();
    },
  };
}
