// Where the window reopens: the remembered bounds when they still fit on a connected display,
// otherwise moved (and if need be shrunk) into the work area of the display they overlap most, so a
// window saved on an unplugged monitor never opens off screen.
import { DEFAULT_BOUNDS, type WindowBounds } from './window-options.js';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Smallest part of the window that must stay on a display for the saved position to be kept. */
const MIN_VISIBLE = 100;

function overlap(a: Rectangle, b: Rectangle): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

function isBounds(value: unknown): value is WindowBounds {
  if (!value || typeof value !== 'object') return false;
  const b = value as Record<string, unknown>;
  const finite = (n: unknown) => typeof n === 'number' && Number.isFinite(n);
  return finite(b.width) && finite(b.height) && (b.width as number) > 0 && (b.height as number) > 0 && (b.x === undefined || finite(b.x)) && (b.y === undefined || finite(b.y));
}

/**
 * The bounds to open the window with, given what was saved (anything read from the settings file)
 * and the work areas of the displays connected now.
 */
export function restoreBounds(saved: unknown, workAreas: readonly Rectangle[]): WindowBounds {
  if (!isBounds(saved)) return { ...DEFAULT_BOUNDS };
  const { width, height } = saved;
  if (saved.x === undefined || saved.y === undefined || workAreas.length === 0) return { width, height };
  const rect = { x: saved.x, y: saved.y, width, height };
  const best = workAreas.reduce((a, b) => (overlap(rect, b) > overlap(rect, a) ? b : a));
  const visibleW = Math.min(rect.x + width, best.x + best.width) - Math.max(rect.x, best.x);
  const visibleH = Math.min(rect.y + height, best.y + best.height) - Math.max(rect.y, best.y);
  const fullyInside = rect.x >= best.x && rect.y >= best.y && rect.x + width <= best.x + best.width && rect.y + height <= best.y + best.height;
  if (fullyInside) return rect;
  // Partly visible with the title bar reachable: keep it where the user put it.
  if (visibleW >= MIN_VISIBLE && visibleH >= MIN_VISIBLE && rect.y >= best.y && rect.y < best.y + best.height - MIN_VISIBLE / 2) return rect;
  // Off screen (or nearly): bring it inside the display it overlapped most (the primary when none).
  const target = overlap(rect, best) > 0 ? best : workAreas[0]!;
  const w = Math.min(width, target.width);
  const h = Math.min(height, target.height);
  const x = Math.min(Math.max(rect.x, target.x), target.x + target.width - w);
  const y = Math.min(Math.max(rect.y, target.y), target.y + target.height - h);
  return { x, y, width: w, height: h };
}

/** Runs `fn` once things have been quiet for `ms` (window move/resize fire many events per drag). */
export function debounce(fn: () => void, ms: number): { (): void; flush(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    fn();
  };
  const call = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  call.flush = () => {
    if (timer) {
      clearTimeout(timer);
      run();
    }
  };
  call.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return call;
}
