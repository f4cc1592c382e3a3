import { describe, expect, it, vi } from 'vitest';
import { debounce, restoreBounds } from '../../../main/electron/window-bounds.js';
import { DEFAULT_BOUNDS } from '../../../main/electron/window-options.js';

const laptop = { x: 0, y: 25, width: 1440, height: 875 };
const external = { x: 1440, y: 0, width: 2560, height: 1415 };

describe('restoring the window bounds', () => {
  it('keeps bounds that lie on a connected display', () => {
    expect(restoreBounds({ x: 100, y: 100, width: 1000, height: 700 }, [laptop])).toEqual({ x: 100, y: 100, width: 1000, height: 700 });
    expect(restoreBounds({ x: 2000, y: 200, width: 1200, height: 800 }, [laptop, external])).toEqual({ x: 2000, y: 200, width: 1200, height: 800 });
  });

  it('moves a window saved on a display that is gone onto the primary display', () => {
    const b = restoreBounds({ x: 2000, y: 200, width: 1200, height: 800 }, [laptop]);
    expect(b).toEqual({ x: 240, y: 100, width: 1200, height: 800 });
  });

  it('shrinks a window larger than the display it lands on', () => {
    const b = restoreBounds({ x: 1500, y: 10, width: 2400, height: 1400 }, [laptop]);
    expect(b).toEqual({ x: 0, y: 25, width: 1440, height: 875 });
  });

  it('brings back a window whose title bar is above the screen', () => {
    const b = restoreBounds({ x: 100, y: -300, width: 800, height: 600 }, [laptop]);
    expect(b).toEqual({ x: 100, y: 25, width: 800, height: 600 });
  });

  it('keeps a window hanging partly off a display edge where the user put it', () => {
    expect(restoreBounds({ x: -200, y: 100, width: 800, height: 600 }, [laptop])).toEqual({ x: -200, y: 100, width: 800, height: 600 });
  });

  it('falls back to the default size for missing or damaged settings', () => {
    expect(restoreBounds(undefined, [laptop])).toEqual(DEFAULT_BOUNDS);
    expect(restoreBounds({ width: 'wide', height: 10 }, [laptop])).toEqual(DEFAULT_BOUNDS);
    expect(restoreBounds({ x: 5, y: 5, width: -1, height: 10 }, [laptop])).toEqual(DEFAULT_BOUNDS);
    expect(restoreBounds({ width: 900, height: 600 }, [laptop])).toEqual({ width: 900, height: 600 });
  });
});

describe('debounce', () => {
  it('runs once after the calls stop, and flush runs a pending call at once', () => {
    vi.useFakeTimers();
    try {
      const fn = vi.fn();
      const d = debounce(fn, 500);
      d();
      d();
      vi.advanceTimersByTime(400);
      d();
      vi.advanceTimersByTime(400);
      expect(fn).not.toHaveBeenCalled();
      vi.advanceTimersByTime(100);
      expect(fn).toHaveBeenCalledTimes(1);
      d();
      d.flush();
      expect(fn).toHaveBeenCalledTimes(2);
      d.flush();
      d();
      d.cancel();
      vi.advanceTimersByTime(1000);
      expect(fn).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
