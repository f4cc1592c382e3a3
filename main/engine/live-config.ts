// berth.yaml as a live file: hand edits are loaded as soon as they are saved, edits from the
// dashboard and the API are applied to the file's document against a revision, and every version is
// kept in the history. A broken or deleted file changes nothing that runs; its problems are reported
// until the file is good again.
import type { BerthConfig, BerthConfigInput, ConfigFileState, ConfigProblemView } from '../../shared/model/index.js';
import { BerthError } from '../../shared/errors.js';
import { loadConfig, formatProblem, type ConfigProblem, type LoadResult } from '../config/load-config.js';
import { applyConfigOps, updateConfigFile, type ConfigOp, type EditResult } from '../config/write-config.js';
import { ConfigHistory, type ConfigSource, type HistoryEntry } from '../config/config-history.js';
import { watchConfigFile, type ConfigWatcher } from '../config/config-watcher.js';
import { changeLine, describeChanges, summarizeConfig } from '../config/config-summary.js';
import { writeFileAtomic } from '../config/atomic-write.js';

export interface LiveConfigOptions {
  file: string;
  dataDir: string;
  /** The config the process started with (already validated). */
  config: BerthConfig;
  apply: (config: BerthConfig) => Promise<void>;
  changed: () => void;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Off in tests that drive reloads themselves. */
  watch?: boolean;
}

export type EditOutcome = { ok: true; revision: string; written: boolean } | { ok: false; problems: ConfigProblemView[] };

export class LiveConfig {
  readonly history: ConfigHistory;
  /** The running config as text: the object itself is shared (getState hands it out in-process) and may be changed by a caller. */
  private configJson: string;
  private revision = '';
  private status: ConfigFileState['status'] = 'ok';
  private problems: ConfigProblem[] = [];
  /** The revision whose problems were last logged, so a file saved twice broken is reported once. */
  private reported: string | undefined;
  private watcher: ConfigWatcher | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private loadedAt = Date.now();

  constructor(private readonly options: LiveConfigOptions) {
    this.configJson = JSON.stringify(options.config);
    this.history = new ConfigHistory(options.dataDir, options.file);
  }

  async start(): Promise<void> {
    // Watching first, then reading: a save made while the watch is being set up is read either way.
    if (this.options.watch !== false) {
      this.watcher = await watchConfigFile(this.options.file, () => void this.reload('hand edit'), {
        onError: (err) => this.options.log('warn', `watching ${this.options.file}: ${err.message}`),
      });
    }
    await this.reload('hand edit');
  }

  async stop(): Promise<void> {
    await this.watcher?.close();
    this.watcher = undefined;
    await this.queue;
  }

  state(): ConfigFileState {
    return { revision: this.revision, status: this.status, problems: this.problems.map(view), loadedAt: this.loadedAt };
  }

  /** Reads the file now and applies it if it is valid and new; otherwise says what is wrong. */
  reload(source: ConfigSource): Promise<void> {
    return this.serial(async () => {
      const result = await loadConfig(this.options.file);
      if (!result.ok) return this.refuse(result);
      if (result.revision === this.revision) return this.clearProblems();
      await this.adopt(result, source);
    });
  }

  /** JSON Patch-like operations on the file as it is on disk, made against `revision`. */
  edit(ops: readonly ConfigOp[], revision: string, source: ConfigSource): Promise<EditOutcome> {
    return this.serial(() => this.write(() => applyConfigOps(this.options.file, ops, { revision }), source));
  }

  /** The whole config replaced, keeping comments on what stays; `revision`, when given, is checked. */
  replace(config: BerthConfigInput, revision: string | undefined, source: ConfigSource): Promise<EditOutcome> {
    return this.serial(() => this.write(() => updateConfigFile(this.options.file, config, { revision }), source));
  }

  /** Brings back version `n` of the history (1 is the current one) as a new version. */
  restore(n: number, revision: string | undefined): Promise<EditOutcome> {
    return this.serial(async () => {
      const entry = (await this.history.list())[n - 1];
      const text = entry && (await this.history.text(entry.revision));
      if (!entry || text === undefined) throw new BerthError('NOT_FOUND', `no version ${n} in the history of ${this.options.file}`);
      const current = await loadConfig(this.options.file);
      if (revision !== undefined && current.revision !== revision) throw await this.conflict(revision, current.revision ?? '');
      const result = await loadConfig(this.options.file, { text });
      if (!result.ok) return { ok: false, problems: result.problems.map(view) };
      if (current.revision === result.revision) return { ok: true, revision: result.revision, written: false };
      await writeFileAtomic(this.options.file, text);
      await this.adopt(result, 'restore', `version ${n} of ${new Date(entry.at).toISOString()} restored`);
      return { ok: true, revision: result.revision, written: true };
    });
  }

  historyEntries(): Promise<HistoryEntry[]> {
    return this.history.list();
  }

  private async write(run: () => Promise<EditResult>, source: ConfigSource): Promise<EditOutcome> {
    let result: EditResult;
    try {
      result = await run();
    } catch (err) {
      if (err instanceof BerthError && err.code === 'CONFLICT') throw await this.conflict(String(err.details?.baseRevision), String(err.details?.revision));
      throw err;
    }
    if (!result.ok) return { ok: false, problems: result.problems.map(view) };
    if (result.written || result.revision !== this.revision) await this.adopt(result, source);
    return { ok: true, revision: result.revision, written: result.written };
  }

  /** A CONFLICT naming the file's revision now and what changed since the one the edit was made against. */
  private async conflict(base: string, current: string): Promise<BerthError> {
    const [then, now] = await Promise.all([this.history.text(base), loadConfig(this.options.file)]);
    const before = then === undefined ? undefined : await loadConfig(this.options.file, { text: then });
    const changed = before?.ok && now.ok ? describeChanges(before.config, now.config) : [];
    const what = now.ok ? (changed.length > 0 ? changeLine(changed) : 'only its text') : `it now has ${now.problems.length} problem(s)`;
    return new BerthError(
      'CONFLICT',
      `${this.options.file} changed since revision ${base} (now ${current}; changed: ${what}): reload it and make the edit again`,
      { file: this.options.file },
      true,
      { revision: current, baseRevision: base, changed },
    );
  }

  private async adopt(result: Extract<LoadResult, { ok: true }>, source: ConfigSource, summary?: string): Promise<void> {
    const first = this.revision === '';
    const line = summary ?? (first ? `loaded at start: ${summarizeConfig(result.config)}` : changeLine(describeChanges(JSON.parse(this.configJson) as BerthConfig, result.config)));
    await this.history.record(result.text, source, line).catch((err: unknown) => this.options.log('warn', `config history not kept: ${String(err)}`));
    const json = JSON.stringify(result.config);
    const changed = json !== this.configJson;
    this.configJson = json;
    this.revision = result.revision;
    this.loadedAt = Date.now();
    this.clearProblems();
    if (changed) {
      await this.options.apply(result.config);
      this.options.log('info', `config ${this.options.file} applied (${source}, revision ${result.revision}): ${line}`);
    }
    this.options.changed();
  }

  private refuse(result: Extract<LoadResult, { ok: false }>): void {
    const missing = result.problems.some((p) => p.code === 'CONFIG_NOT_FOUND');
    this.status = missing ? 'missing' : 'invalid';
    this.problems = missing
      ? [{ file: this.options.file, line: 1, column: 1, path: '', code: 'CONFIG_NOT_FOUND', message: 'the file was deleted or cannot be read; the running config is kept until it is back' }]
      : result.problems;
    const key = `${this.status}:${result.revision ?? ''}`;
    if (this.reported !== key) {
      this.reported = key;
      const n = this.problems.length;
      this.options.log('error', `config ${this.options.file} not applied, the running config is kept: ${n} problem${n === 1 ? '' : 's'}`);
      for (const p of this.problems) this.options.log('error', formatProblem(p));
    }
    this.options.changed();
  }

  private clearProblems(): void {
    if (this.status === 'ok') return;
    this.status = 'ok';
    this.problems = [];
    this.reported = undefined;
    this.options.log('info', `config ${this.options.file} is valid again`);
    this.options.changed();
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function view(p: ConfigProblem): ConfigProblemView {
  return { file: p.file, line: p.line, column: p.column, path: p.path, message: p.message };
}
