// The contract in-process (CLI, tests): the same input validation and error shape as the wire
// transports, without the wire.
import { BerthError } from '../../shared/errors.js';
import { methods, type BerthClient, type EventPayloads, type MethodInput, type MethodName, type MethodOutput, type Topic } from '../../shared/contract/index.js';
import type { BerthEngine } from '../engine/index.js';
import { createHandlers } from './handlers.js';
import type { TrustEnvironment } from '../tls/index.js';

export function inProcessClient(engine: BerthEngine, configFile?: string, options: { trustEnvironment?: () => TrustEnvironment } = {}): BerthClient {
  const handlers = createHandlers({ engine, configFile, trustEnvironment: options.trustEnvironment });
  return {
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const parsed = methods[method].input.safeParse(input);
      if (!parsed.success) throw new BerthError('BAD_INPUT', `${method}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}`);
      return (handlers[method] as (i: unknown) => Promise<MethodOutput<M>>)(parsed.data);
    },
    subscribe<T extends Topic>(topic: T, handler: (payload: EventPayloads[T]) => void): () => void {
      if (topic === 'traffic') {
        const sub = engine.recorder.subscribe((records) => (handler as (p: EventPayloads['traffic']) => void)({ records, dropped: 0 }));
        return () => sub.unsubscribe();
      }
      return engine.on(topic as 'state' | 'health' | 'log', handler as never);
    },
  };
}
