// The contract over Electron IPC: the preload exposes `window.berth = { call, subscribe }` bound to
// contract names. `call` resolves to the contract's call/result envelope (errors cross IPC as data,
// since Electron drops an Error's class and fields); a bare result is accepted too.
import type { BerthClient, CallResult, EventPayloads, MethodInput, MethodName, MethodOutput, Topic } from '../../shared/contract/index.js';
import { BerthError, type BerthErrorData } from '../../shared/errors.js';

export interface PreloadBridge {
  call(method: string, input: unknown): Promise<unknown>;
  subscribe(topic: string, handler: (payload: unknown) => void): () => void;
}

export function isPreloadBridge(value: unknown): value is PreloadBridge {
  const v = value as Partial<PreloadBridge> | undefined;
  return typeof v?.call === 'function' && typeof v.subscribe === 'function';
}

export class IpcBerthClient implements BerthClient {
  constructor(private readonly bridge: PreloadBridge) {}

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const answer = await this.bridge.call(method, input ?? {});
    if (isEnvelope(answer)) {
      if (!answer.ok) throw BerthError.from(answer.error as BerthErrorData);
      return answer.result as MethodOutput<M>;
    }
    return answer as MethodOutput<M>;
  }

  subscribe<T extends Topic>(topic: T, handler: (payload: EventPayloads[T]) => void): () => void {
    return this.bridge.subscribe(topic, handler as (payload: unknown) => void);
  }
}

function isEnvelope(v: unknown): v is CallResult<unknown> {
  if (typeof v !== 'object' || v === null || typeof (v as { ok?: unknown }).ok !== 'boolean') return false;
  return (v as { ok: boolean }).ok ? 'result' in v : 'error' in v;
}
