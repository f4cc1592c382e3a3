// Tells when berth.yaml may have changed. The folder is watched, not the file: editors save by
// renaming a temporary file over it, by truncating and writing, or by deleting and re-creating it,
// and a watch on the file itself loses track after the first two. Bursts are coalesced (~100 ms).
import { basename, dirname, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

export interface ConfigWatcher {
  close(): Promise<void>;
}

export interface WatchOptions {
  /** Quiet time after the last event before `onChange` runs (default 100 ms). */
  debounceMs?: number;
  onError?: (err: Error) => void;
}

export async function watchConfigFile(file: string, onChange: () => void, options: WatchOptions = {}): Promise<ConfigWatcher> {
  const path = resolve(file);
  const name = basename(path);
  const debounceMs = options.debounceMs ?? 100;
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(dirname(path), {
    depth: 0,
    ignoreInitial: true,
    // Not chokidar's own unlink/add pairing, which holds events back 100 ms; the debounce coalesces them.
    atomic: false,
    // Only the config's own name matters; the editor's temporary and backup files are ignored.
    ignored: (p: string) => p !== dirname(path) && basename(p) !== name,
  });
  watcher.on('all', (_event, p) => {
    if (basename(p) !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  watcher.on('error', (err) => options.onError?.(err instanceof Error ? err : new Error(String(err))));
  await new Promise<void>((r) => watcher.once('ready', () => r()));
  return {
    close: async () => {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
