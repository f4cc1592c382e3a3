// The versions berth.yaml has had, kept in the data folder so any of them can be brought back: each
// valid version that Berth loaded or wrote (the one before every write is therefore among them), with
// when, from where (hand edit, dashboard, API, import, restore) and what changed. The last 20 stay.
import { createHash } from 'node:crypto';
import { readFile, readdir, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { revisionOf } from './load-config.js';

export const HISTORY_LIMIT = 20;

export type ConfigSource = 'hand edit' | 'dashboard' | 'api' | 'import' | 'restore';

export interface HistoryEntry {
  /** When this version became the file's. */
  at: number;
  source: ConfigSource;
  /** What changed from the version before, in one line. */
  summary: string;
  revision: string;
}

export class ConfigHistory {
  readonly dir: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string, configFile: string) {
    // One history per config file: the data folder is shared by every berth.yaml a user runs.
    const id = createHash('sha256').update(resolve(configFile)).digest('hex').slice(0, 12);
    this.dir = join(dataDir, 'config-history', id);
  }

  /** Newest first: entry 1 is the current version. */
  async list(): Promise<HistoryEntry[]> {
    return (await this.readIndex()).reverse();
  }

  async text(revision: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{16}$/.test(revision)) return undefined;
    return readFile(join(this.dir, `${revision}.yaml`), 'utf8').catch(() => undefined);
  }

  /** Keeps `text` as the newest version unless it already is; older ones past the limit are dropped. */
  record(text: string, source: ConfigSource, summary: string, at = Date.now()): Promise<void> {
    const run = this.queue.then(() => this.recordNow(text, source, summary, at));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async recordNow(text: string, source: ConfigSource, summary: string, at: number): Promise<void> {
    const revision = revisionOf(text);
    const index = await this.readIndex();
    if (index.at(-1)?.revision === revision) return;
    await writeFileAtomic(join(this.dir, `${revision}.yaml`), text, { folderMode: 0o700, mode: 0o600 });
    const kept = [...index, { at, source, summary, revision }].slice(-HISTORY_LIMIT);
    await writeFileAtomic(join(this.dir, 'index.json'), `${JSON.stringify(kept, null, 2)}\n`, { folderMode: 0o700, mode: 0o600 });
    const wanted = new Set(kept.map((e) => `${e.revision}.yaml`));
    for (const name of await readdir(this.dir)) {
      if (name.endsWith('.yaml') && !wanted.has(name)) await unlink(join(this.dir, name)).catch(() => undefined);
    }
  }

  private async readIndex(): Promise<HistoryEntry[]> {
    let raw: string;
    try {
      raw = await readFile(join(this.dir, 'index.json'), 'utf8');
    } catch {
      return [];
    }
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? (parsed as HistoryEntry[]) : [];
  }
}
