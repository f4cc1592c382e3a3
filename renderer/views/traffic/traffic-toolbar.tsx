// Follow/pause, the HTTP / connections tabs, and the filters (listener, rule, target, status, text).
import { useState } from 'react';
import type { TrafficFilter, TrafficKindTab } from './traffic-filter.js';

export interface TrafficOptions {
  listeners: string[];
  rules: string[];
  targets: string[];
}

export interface TrafficToolbarProps {
  filter: TrafficFilter;
  onFilter: (f: TrafficFilter) => void;
  follow: boolean;
  onFollow: () => void;
  options: TrafficOptions;
  shown: number;
  waiting: number;
  dropped: number;
  /** `keepSecrets`: the user ticked the box to keep credentials and cookies in the file. */
  onExportHar: (keepSecrets: boolean) => void;
  exporting: boolean;
}

const TABS: [TrafficKindTab, string][] = [
  ['all', 'All'],
  ['http', 'HTTP'],
  ['l4', 'TCP / TLS / UDP'],
];

export function TrafficToolbar({ filter, onFilter, follow, onFollow, options, shown, waiting, dropped, onExportHar, exporting }: TrafficToolbarProps) {
  const set = (patch: Partial<TrafficFilter>) => onFilter({ ...filter, ...patch });
  const [keepSecrets, setKeepSecrets] = useState(false);
  const select = (label: string, key: 'listener' | 'rule' | 'target' | 'statusClass', all: string, values: string[]) => (
    <select aria-label={label} value={filter[key] ?? ''} onChange={(e) => set({ [key]: e.target.value || undefined })}>
      <option value="">{all}</option>
      {values.map((v) => (
        <option key={v} value={v}>
          {key === 'rule' && v !== 'default' ? `rule ${v}` : v}
        </option>
      ))}
    </select>
  );
  return (
    <div className="toolbar">
      <div className="row">
        <div className="tabs" role="tablist" aria-label="kind of traffic">
          {TABS.map(([id, words]) => (
            <button key={id} type="button" role="tab" aria-selected={(filter.kind ?? 'all') === id} className={(filter.kind ?? 'all') === id ? 'active' : ''} onClick={() => set({ kind: id })}>
              {words}
            </button>
          ))}
        </div>
        <button type="button" onClick={onFollow} className={follow ? 'primary' : ''} aria-pressed={follow} title="Follow new traffic (pause to inspect)">
          {follow ? '● Following' : `❚❚ Paused${waiting ? ` · ${waiting} new` : ''}`}
        </button>
        <span className="grow" />
        <span className="muted" data-testid="traffic-count">
          {shown} shown
        </span>
        {dropped ? <span className="pill warn" title="The page fell behind and Berth skipped these records rather than hold them">{dropped} skipped</span> : null}
        <label className="muted" title="Authorization, Proxy-Authorization, Cookie and Set-Cookie values are written as [redacted] unless this is ticked">
          <input type="checkbox" checked={keepSecrets} onChange={(e) => setKeepSecrets(e.target.checked)} /> keep credentials
        </label>
        <button type="button" onClick={() => onExportHar(keepSecrets)} disabled={exporting}>
          {exporting ? 'Exporting…' : 'Export HAR'}
        </button>
      </div>
      <div className="row">
        {select('listener', 'listener', 'all listeners', options.listeners)}
        {select('rule', 'rule', 'all rules', options.rules)}
        {select('target', 'target', 'all targets', options.targets)}
        {select('status', 'statusClass', 'any status', ['2xx', '3xx', '4xx', '5xx', 'error'])}
        <input aria-label="search" type="search" placeholder="search host, path, client, status…" className="grow" value={filter.text ?? ''} onChange={(e) => set({ text: e.target.value || undefined })} />
      </div>
    </div>
  );
}
