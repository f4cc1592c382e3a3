// Live traffic: the bounded, frame-batched buffer from the traffic store, shown in a virtualised
// table with follow/pause, tabs and filters, a detail pane, and HAR export of what the filters show.
import { useMemo, useState } from 'react';
import type { MethodInput } from '../../../shared/contract/index.js';
import type { EngineState, TrafficRecord } from '../../../shared/model/index.js';
import { ErrorPanel, Loading } from '../../components/screen-state.js';
import { saveFile } from '../../components/save-file.js';
import { useClient, useEngine, useTraffic } from '../../state/index.js';
import { matchesFilter, type TrafficFilter } from './traffic-filter.js';
import { TrafficDetail } from './traffic-detail.js';
import { TrafficTable } from './traffic-table.js';
import { TrafficToolbar, type TrafficOptions } from './traffic-toolbar.js';

export function TrafficScreen() {
  const client = useClient();
  const traffic = useTraffic();
  const { state } = useEngine();
  const [exportError, setExportError] = useState<string>();
  const [exporting, setExporting] = useState(false);
  const exportHar = async (filter: TrafficFilter, keepSecrets: boolean) => {
    setExporting(true);
    setExportError(undefined);
    try {
      const { listener, rule, target, text, statusClass } = filter;
      const har = await client.call('exportTraffic', { format: 'har', keepSecrets, listener, rule, target, text, statusClass: statusClass as MethodInput<'exportTraffic'>['statusClass'] });
      saveFile(`berth-${new Date().toISOString().replace(/[:.]/g, '-')}.har`, har.text, har.contentType);
    } catch (err) {
      setExportError(err instanceof Error ? err.message : String(err));
    } finally {
      setExporting(false);
    }
  };
  if (traffic.loading && traffic.records.length === 0) return <Loading what="traffic" />;
  return (
    <>
      {traffic.error ? <ErrorPanel title="Recent traffic could not be loaded" message={`${traffic.error}. New requests still appear as they happen.`} /> : null}
      {exportError ? <ErrorPanel title="HAR export failed" message={exportError} /> : null}
      <TrafficView
        records={traffic.records}
        dropped={traffic.dropped}
        state={state}
        onExportHar={(f, keepSecrets) => void exportHar(f, keepSecrets)}
        exporting={exporting}
        loadDetail={(id) => client.call('getRequest', { id }).catch(() => undefined)}
      />
    </>
  );
}

export interface TrafficViewProps {
  records: readonly TrafficRecord[];
  dropped?: number;
  state?: EngineState | undefined;
  onExportHar?: (filter: TrafficFilter, keepSecrets: boolean) => void;
  exporting?: boolean;
  loadDetail?: (id: number) => Promise<TrafficRecord | undefined>;
}

export function TrafficView({ records, dropped = 0, state, onExportHar, exporting = false, loadDetail }: TrafficViewProps) {
  const [filter, setFilter] = useState<TrafficFilter>({});
  const [follow, setFollow] = useState(true);
  const [selected, setSelected] = useState<number | undefined>();
  const [frozen, setFrozen] = useState<readonly TrafficRecord[] | undefined>();
  const source = follow ? records : (frozen ?? records);
  // Newest first: following then needs no scrolling at all.
  const rows = useMemo(() => {
    const out: TrafficRecord[] = [];
    for (let i = source.length - 1; i >= 0; i--) if (matchesFilter(source[i]!, filter)) out.push(source[i]!);
    return out;
  }, [source, filter]);
  const options = useMemo(() => optionsFrom(state), [state]);
  const lastShown = source[source.length - 1]?.id ?? -1;
  const waiting = follow ? 0 : records.filter((r) => r.id > lastShown).length;

  const setFollowing = (on: boolean) => {
    setFrozen(on ? undefined : records);
    setFollow(on);
  };
  const select = (id: number | undefined) => {
    setSelected(id);
    if (id !== undefined && follow) setFollowing(false);
  };
  const chosen = selected === undefined ? undefined : rows.find((r) => r.id === selected);
  const empty =
    records.length === 0 ? (
      <div className="empty" data-testid="traffic-empty">
        <p>
          <strong>No traffic yet.</strong> Send a request to a listener and it shows up here at once:
        </p>
        <pre>{`curl -i ${firstUrl(state) ?? 'http://127.0.0.1:8080/'}`}</pre>
      </div>
    ) : filter.kind === 'l4' ? (
      <div className="empty" data-testid="traffic-empty-l4">
        No connection or flow matches these filters.{' '}
        {firstUrl(state, NETWORK) ? (
          <>
            Connect to a network listener, e.g. <code>{firstUrl(state, NETWORK)}</code>: a connection shows up when it closes, a UDP flow when it has been idle for the listener's idle timeout.
          </>
        ) : null}
      </div>
    ) : (
      <div className="empty">No request matches these filters.</div>
    );

  return (
    <div className="traffic" data-testid="traffic">
      <TrafficToolbar
        filter={filter}
        onFilter={setFilter}
        follow={follow}
        onFollow={() => setFollowing(!follow)}
        options={options}
        shown={rows.length}
        waiting={waiting}
        dropped={dropped}
        onExportHar={(keepSecrets) => onExportHar?.(filter, keepSecrets)}
        exporting={exporting}
      />
      <div className={`traffic-body${filter.kind === 'l4' ? ' l4' : ''}`}>
        <TrafficTable rows={rows} selected={selected} follow={follow} onSelect={select} onScrollAway={() => setFollowing(false)} empty={empty} layout={filter.kind === 'l4' ? 'l4' : 'mixed'} />
        {chosen ? <TrafficDetail record={chosen} state={state} loadDetail={loadDetail} onClose={() => setSelected(undefined)} /> : null}
      </div>
    </div>
  );
}

/** Filter choices from the state (not from the records: scanning 5,000 rows per frame adds up). */
function optionsFrom(state: EngineState | undefined): TrafficOptions {
  const listeners = new Set<string>();
  const rules = new Set<string>();
  const targets = new Set<string>();
  for (const lb of state?.loadBalancers ?? []) for (const l of lb.listeners) listeners.add(l.id);
  for (const lb of state?.config.loadBalancers ?? []) for (const l of lb.listeners) for (const r of l.rules) rules.add(String(r.priority));
  for (const g of state?.targetGroups ?? []) for (const t of g.targets) targets.add(t.id);
  return { listeners: [...listeners].sort(), rules: [...[...rules].sort((a, b) => Number(a) - Number(b)), 'default'], targets: [...targets].sort() };
}

const NETWORK = new Set(['TCP', 'TLS', 'UDP', 'TCP_UDP']);

function firstUrl(state: EngineState | undefined, protocols?: Set<string>): string | undefined {
  for (const lb of state?.loadBalancers ?? []) for (const l of lb.listeners) if (l.url && l.enabled && (!protocols || protocols.has(l.protocol))) return l.url;
  return undefined;
}
