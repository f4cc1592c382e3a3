// What clients of the control port get wrong, logged once each, and bounded: a page hammering the
// port must not flood the terminal, so past a burst the lines are counted and summed up later.
const BURST = 20;
const WINDOW_MS = 10_000;

export function faultLog(write: (line: string) => void, now: () => number = Date.now): (message: string) => void {
  let windowStart = 0;
  let inWindow = 0;
  let suppressed = 0;
  return (message) => {
    const t = now();
    if (t - windowStart >= WINDOW_MS) {
      if (suppressed > 0) write(`${suppressed} more control-port faults in the last ${WINDOW_MS / 1000} s were not shown`);
      windowStart = t;
      inWindow = 0;
      suppressed = 0;
    }
    if (++inWindow > BURST) suppressed++;
    else write(message);
  };
}
