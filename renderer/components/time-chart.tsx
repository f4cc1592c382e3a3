// A small time-series chart (uPlot, loaded on first use): lines per series, optional points-only
// series (5xx), and vertical markers (health transitions). Sizes itself to its container.
import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  /** Points only, no line (events such as 5xx responses). */
  points?: boolean;
  dash?: boolean;
}

export interface ChartMarker {
  /** Epoch seconds. */
  at: number;
  color: string;
  label: string;
}

export interface TimeChartProps {
  title: string;
  /** Epoch seconds. */
  times: number[];
  series: ChartSeries[];
  markers?: ChartMarker[];
  unit: string;
  height?: number;
}

export function TimeChart({ title, times, series, markers = [], unit, height = 160 }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const markerRef = useRef(markers);
  markerRef.current = markers;
  const [failed, setFailed] = useState<string>();
  const shape = series.map((s) => `${s.label}|${s.color}|${s.points ? 1 : 0}`).join(',');

  useEffect(() => {
    const el = box.current;
    // jsdom and very old engines have no canvas/matchMedia: show the numbers only.
    if (!el || typeof matchMedia !== 'function') return;
    let disposed = false;
    let observer: ResizeObserver | undefined;
    import('uplot')
      .then(({ default: UPlot }) => {
        if (disposed) return;
        const muted = cssColor('--muted');
        const grid = { stroke: 'rgba(128,128,128,0.18)', width: 1 };
        const opts: uPlot.Options = {
          width: Math.max(200, el.clientWidth),
          height,
          legend: { show: true },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true } },
          axes: [
            { stroke: muted, grid, ticks: grid },
            { stroke: muted, grid, ticks: grid, values: (_u, vals) => vals.map((v) => `${v}${unit}`), size: 64 },
          ],
          series: [
            {},
            ...series.map((s) => {
              const color = cssColor(s.color);
              return { label: s.label, stroke: color, width: s.points ? 0 : 1.5, ...(s.dash ? { dash: [4, 4] } : {}), points: s.points ? { show: true, size: 7, fill: color, stroke: color } : { size: 4, fill: color } };
            }),
          ],
          hooks: {
            draw: [
              (u) => {
                const ctx = u.ctx;
                for (const m of markerRef.current) {
                  const x = u.valToPos(m.at, 'x', true);
                  if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
                  ctx.save();
                  ctx.strokeStyle = cssColor(m.color);
                  ctx.setLineDash([3, 3]);
                  ctx.beginPath();
                  ctx.moveTo(x, u.bbox.top);
                  ctx.lineTo(x, u.bbox.top + u.bbox.height);
                  ctx.stroke();
                  ctx.restore();
                }
              },
            ],
          },
        };
        plot.current = new UPlot(opts, [times, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
        observer = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
        observer.observe(el);
      })
      .catch((err: unknown) => setFailed(err instanceof Error ? err.message : String(err)));
    return () => {
      disposed = true;
      observer?.disconnect();
      plot.current?.destroy();
      plot.current = undefined;
    };
    // The chart is rebuilt only when its series change; new data goes through setData below.
  }, [shape, height, unit]);

  useEffect(() => {
    plot.current?.setData([times, ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [times, series]);

  return (
    <figure className="chart" aria-label={title}>
      <figcaption className="muted">{title}</figcaption>
      {failed ? <div className="muted">chart unavailable: {failed}</div> : null}
      <div ref={box} className="chart-box" />
    </figure>
  );
}

/** Canvas cannot read CSS variables: `--ok` → its current value; anything else as it is. */
function cssColor(value: string): string {
  if (!value.startsWith('--')) return value;
  return getComputedStyle(document.documentElement).getPropertyValue(value).trim() || '#888';
}
