// getMetrics polled every two seconds while the metrics screen is open (the recorder computes them
// on demand, so nothing is computed while nobody looks).
import { useEffect, useState } from 'react';
import type { GroupMetricsView } from '../../../shared/contract/index.js';
import { useClient } from '../../state/index.js';

export interface MetricsState {
  metrics?: GroupMetricsView[];
  error?: string;
  loading: boolean;
}

export function useMetrics(windowSeconds: number, everyMs = 2000): MetricsState {
  const client = useClient();
  const [state, setState] = useState<MetricsState>({ loading: true });
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = () => {
      client.call('getMetrics', { windowSeconds }).then(
        (metrics) => live && setState({ metrics, loading: false }),
        (err: unknown) => live && setState((s) => ({ ...s, loading: false, error: err instanceof Error ? err.message : String(err) })),
      ).finally(() => {
        if (live) timer = setTimeout(poll, everyMs);
      });
    };
    poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, windowSeconds, everyMs]);
  return state;
}
