// Polling instead of sleeping: retry an assertion (or any probe) until it passes or time runs out,
// then fail with the probe's own last error, so a timeout says what was still wrong.

export interface EventuallyOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 25 ms): short, because the tests measure reactions. */
  intervalMs?: number;
  /** Prefixed to the last error on timeout. */
  message?: string;
}

/** Resolves with the probe's first value that does not throw; the probe may be async. */
export async function eventually<T>(probe: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      return await probe();
    } catch (err) {
      if (Date.now() >= deadline) {
        const why = err instanceof Error ? err.message : String(err);
        const error = new Error(`${options.message ? `${options.message}: ` : ''}still failing after ${timeoutMs} ms (${attempts} attempts): ${why}`);
        if (err instanceof Error && err.stack) error.stack = `${error.message}\n${err.stack.split('\n').slice(1).join('\n')}`;
        throw error;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
