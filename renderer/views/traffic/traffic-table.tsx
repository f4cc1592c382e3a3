// The virtualised traffic table (@tanstack/react-virtual renders only the visible rows), newest row
// first: keyboard navigation with the arrows, Page Up/Down, Home/End and Escape; rows coloured by
// status. Following keeps the view at the top, where new rows arrive, without any scrolling work per
// update; scrolling down to read pauses following. The TCP / TLS / UDP tab has its own columns:
// a connection has a client, bytes (and packets) each way and a close reason, not a path and a
// status.
import { memo, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { TrafficRecord } from '../../../shared/model/index.js';
import { clockTime, closeReasonWords, failed, isHttp, shortBytes, statusTone } from './traffic-filter.js';

const ROW = 28;

export interface TrafficTableProps {
  rows: readonly TrafficRecord[];
  selected: number | undefined;
  follow: boolean;
  onSelect: (id: number | undefined) => void;
  /** The user scrolled away from the newest rows while following. */
  onScrollAway: () => void;
  empty: ReactNode;
  /** `l4`: the columns of connections and flows. */
  layout?: 'mixed' | 'l4';
}

export function TrafficTable({ rows, selected, follow, onSelect, onScrollAway, empty, layout = 'mixed' }: TrafficTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 6 });
  const index = selected === undefined ? -1 : rows.findIndex((r) => r.id === selected);

  // Only when following is switched on: per update there is nothing to scroll (new rows come in at
  // the top), which matters at 2,000 requests/s, where a forced layout per frame is most of the frame.
  useLayoutEffect(() => {
    if (follow && scroller.current) scroller.current.scrollTop = 0;
  }, [follow]);

  const onKey = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW * 10) / ROW) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity, j: 1, k: -1 };
    if (e.key === 'Escape') {
      onSelect(undefined);
      return;
    }
    const step = moves[e.key];
    if (step === undefined || rows.length === 0) return;
    e.preventDefault();
    const from = index < 0 ? (step > 0 ? -1 : rows.length) : index;
    const next = Math.max(0, Math.min(rows.length - 1, from + step));
    onSelect(rows[next]!.id);
    virtual.scrollToIndex(next, { align: 'auto' });
  };

  return (
    <div className="traffic-table panel">
      {layout === 'l4' ? (
        <div className="traffic-row head l4" aria-hidden>
          <span className="c-time">time</span>
          <span className="c-method">protocol</span>
          <span className="c-client">client</span>
          <span className="c-bytes">bytes in / out</span>
          <span className="c-packets">packets</span>
          <span className="c-ms">ms</span>
          <span className="c-target">target</span>
          <span className="c-close">ended by</span>
        </div>
      ) : (
        <div className="traffic-row head" aria-hidden>
          <span className="c-time">time</span>
          <span className="c-method">method</span>
          <span className="c-host">host</span>
          <span className="c-path">path</span>
          <span className="c-status">status</span>
          <span className="c-ms">ms</span>
          <span className="c-target">target</span>
          <span className="c-rule">rule</span>
        </div>
      )}
      <div
        ref={scroller}
        tabIndex={0}
        onKeyDown={onKey}
        onScroll={(e) => {
          if (follow && e.currentTarget.scrollTop > ROW) onScrollAway();
        }}
        role="grid"
        aria-label="traffic"
        aria-rowcount={rows.length}
        aria-activedescendant={index >= 0 ? `traffic-row-${rows[index]!.id}` : undefined}
        className="traffic-scroll"
      >
        {rows.length === 0 ? (
          empty
        ) : (
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {virtual.getVirtualItems().map((v) => {
              const r = rows[v.index]!;
              // Keyed by slot, not by record: while following, the same DOM rows stay where they are and
              // only their text changes, so a flush costs no node churn and little layout.
              const props = { r, top: v.start, index: v.index, selected: r.id === selected, onSelect };
              return layout === 'l4' ? <NetworkRow key={v.key} {...props} /> : <Row key={v.key} {...props} />;
            })}
          </div>
        )}
      </div>
    </div>
  );
}

interface RowProps {
  r: TrafficRecord;
  top: number;
  index: number;
  selected: boolean;
  onSelect: (id: number) => void;
}

function RowFrame({ r, top, index, selected, onSelect, children, layout }: RowProps & { children: ReactNode; layout?: string }) {
  return (
    <div
      id={`traffic-row-${r.id}`}
      role="row"
      aria-rowindex={index + 1}
      aria-selected={selected}
      data-testid="traffic-row"
      onClick={() => onSelect(r.id)}
      className={`traffic-row ${statusTone(r)}${layout ? ` ${layout}` : ''}${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
    >
      {children}
    </div>
  );
}

const ms = (r: TrafficRecord) => (r.durationMs < 10 ? r.durationMs.toFixed(1) : String(Math.round(r.durationMs)));

/** HTTP requests and, in the All tab, connections in the same columns. */
const Row = memo(function Row(props: RowProps) {
  const { r } = props;
  const http = isHttp(r);
  return (
    <RowFrame {...props}>
      <span role="gridcell" className="c-time">{clockTime(r.startedAt)}</span>
      <span role="gridcell" className="c-method">{http ? r.method : r.kind.toUpperCase()}</span>
      <span role="gridcell" className="c-host" title={r.clientContainer ? `from the container ${r.clientContainer} (${r.client})` : undefined}>
        {r.clientContainer ? <span className="muted">{r.clientContainer} → </span> : null}
        {http ? r.host : r.client}
      </span>
      <span role="gridcell" className="c-path">{http ? r.path : `${r.listener} · ${shortBytes(r.bytesIn)} in / ${shortBytes(r.bytesOut)} out`}</span>
      <span role="gridcell" className="c-status tone">{r.status ?? (failed(r) ? 'err' : '—')}</span>
      <span role="gridcell" className="c-ms">{ms(r)}</span>
      <span role="gridcell" className="c-target">{r.target ?? r.error ?? '—'}</span>
      <span role="gridcell" className="c-rule">{r.rule ?? ''}</span>
    </RowFrame>
  );
});

/** A TCP or TLS connection or a UDP flow. The listener (the filter picks one) and the rule (nearly
 * always the default on a network listener) are left to the detail, so the columns fit beside it. */
const NetworkRow = memo(function NetworkRow(props: RowProps) {
  const { r } = props;
  const packets = r.packetsIn !== undefined || r.packetsOut !== undefined;
  return (
    <RowFrame {...props} layout="l4">
      <span role="gridcell" className="c-time">{clockTime(r.startedAt)}</span>
      <span role="gridcell" className="c-method">{r.kind.toUpperCase()}</span>
      <span role="gridcell" className="c-client" title={`from ${r.client} to listener ${r.loadBalancer} ${r.listener}`}>
        {r.clientContainer ? `${r.clientContainer} (${r.client})` : r.client}
      </span>
      <span role="gridcell" className="c-bytes" title={`${r.bytesIn} bytes in, ${r.bytesOut} bytes out`}>
        {shortBytes(r.bytesIn)} / {shortBytes(r.bytesOut)}
      </span>
      <span role="gridcell" className="c-packets">{packets ? `${r.packetsIn ?? 0} / ${r.packetsOut ?? 0}` : ''}</span>
      <span role="gridcell" className="c-ms">{ms(r)}</span>
      <span role="gridcell" className="c-target" title={r.target}>
        {r.target ?? '—'}
      </span>
      <span role="gridcell" className="c-close tone" title={r.error ? closeReasonWords(r.error) : 'both sides closed'}>
        {r.error ?? 'closed'}
      </span>
    </RowFrame>
  );
});
