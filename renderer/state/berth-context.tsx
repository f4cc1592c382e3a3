// One set of stores per connection, shared by every screen through React context; components read
// them with useSyncExternalStore, so a traffic flush re-renders only what shows traffic.
import { createContext, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import type { BerthClient } from '../../shared/contract/index.js';
import { EngineStore, type EngineSnapshot } from './engine-store.js';
import { EventLog } from './event-log.js';
import { HealthLog, type HealthTransition } from './health-log.js';
import { TrafficStore, type FrameScheduler, type TrafficSnapshot } from './traffic-store.js';

export interface BerthStores {
  client: BerthClient;
  engine: EngineStore;
  traffic: TrafficStore;
  health: HealthLog;
  events: EventLog;
}

const Context = createContext<BerthStores | undefined>(undefined);

export function createStores(client: BerthClient, options: { schedule?: FrameScheduler; trafficCapacity?: number } = {}): BerthStores {
  const events = new EventLog();
  return {
    client,
    events,
    engine: new EngineStore(client, events),
    traffic: new TrafficStore(client, { log: events, ...(options.schedule ? { schedule: options.schedule } : {}), ...(options.trafficCapacity ? { capacity: options.trafficCapacity } : {}) }),
    health: new HealthLog(client, events),
  };
}

export function BerthProvider({ client, stores: given, children }: { client?: BerthClient; stores?: BerthStores; children: ReactNode }) {
  const stores = useMemo(() => given ?? createStores(client!), [given, client]);
  useEffect(() => {
    const offs = [stores.engine.start(), stores.traffic.start(), stores.health.start()];
    return () => offs.forEach((off) => off());
  }, [stores]);
  return <Context.Provider value={stores}>{children}</Context.Provider>;
}

export function useStores(): BerthStores {
  const stores = useContext(Context);
  if (!stores) throw new Error('useStores() outside <BerthProvider>');
  return stores;
}

export const useClient = (): BerthClient => useStores().client;

export function useEngine(): EngineSnapshot {
  const { engine } = useStores();
  return useSyncExternalStore(engine.subscribe, engine.getSnapshot);
}

export function useTraffic(): TrafficSnapshot {
  const { traffic } = useStores();
  return useSyncExternalStore(traffic.subscribe, traffic.getSnapshot);
}

export function useHealthLog(): readonly HealthTransition[] {
  const { health } = useStores();
  return useSyncExternalStore(health.subscribe, health.getSnapshot);
}
