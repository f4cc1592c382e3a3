// Edit berth.yaml from the UI: pick a listener, add/edit/reorder/delete its rules; add/edit/delete
// target groups; bring back an earlier version. Every change is validated in the page by the shared
// schema, then sent as operations on the file (editConfig) with the revision it was made against, so
// a hand edit made meanwhile is never overwritten: the save is refused and the page offers a reload.
import { useEffect, useState } from 'react';
import { configSchema, type BerthConfig, type EngineState } from '../../../shared/model/index.js';
import type { ConfigHistoryEntryView } from '../../../shared/contract/index.js';
import { BerthError } from '../../../shared/errors.js';
import { WithEngineState } from '../../components/screen-state.js';
import { useClient, useStores } from '../../state/index.js';
import { editOps, fileConfig } from './file-config.js';
import { errorsAt, parsePath, type FieldErrors } from './form-errors.js';
import type { Edited } from './config-edits.js';
import { RulesEditor } from './rules-editor.js';
import { GroupsEditor } from './groups-editor.js';
import { ConfigProblems } from '../../components/config-banner.js';

export type ApplyEdit = (edit: Edited) => Promise<FieldErrors | undefined>;
/** An edit of berth.yaml at `revision`; a CONFLICT is returned as such, for the page to offer a reload. */
export type SaveEdit = (edit: Edited, revision: string | undefined) => Promise<FieldErrors | { conflict: string } | undefined>;

export interface HistoryAccess {
  list: () => Promise<ConfigHistoryEntryView[]>;
  restore: (n: number, revision: string | undefined) => Promise<string | undefined>;
}

export function EditScreen() {
  const client = useClient();
  const { engine } = useStores();
  const save: SaveEdit = async (edit, revision) => {
    const parsed = configSchema.safeParse(edit.config);
    if (!parsed.success) return errorsAt(parsed.error.issues, edit.at);
    if (!revision) return { '': 'Berth did not say which revision of berth.yaml runs; reload the page' };
    try {
      const ops = editOps(edit, parsed.data);
      if (ops.length > 0) {
        const result = await client.call('editConfig', { revision, ops, source: 'dashboard' });
        if (!result.ok) return errorsAt(result.problems.map((p) => ({ path: parsePath(p.path), message: `${p.message} (berth.yaml line ${p.line})` })), edit.at);
        await engine.refresh();
        // Saved and applied, yet a listener did not start (a port in use): said where the save is.
        const failed = result.failedListeners ?? [];
        if (failed.length > 0) return { '': `Saved, but not running: ${failed.map((l) => l.message).join('; ')}` };
      }
    } catch (err) {
      if (err instanceof BerthError && err.code === 'CONFLICT') return { conflict: err.message };
      return { '': err instanceof Error ? err.message : String(err) };
    }
    return undefined;
  };
  const history: HistoryAccess = {
    list: async () => (await client.call('getConfigHistory', {})).entries,
    restore: async (n, revision) => {
      try {
        const result = await client.call('restoreConfig', { n, ...(revision ? { revision } : {}) });
        await engine.refresh();
        return result.ok ? undefined : result.problems.map((p) => `line ${p.line}: ${p.message}`).join('; ');
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    },
  };
  return <WithEngineState>{(state) => <EditView state={state} save={save} history={history} />}</WithEngineState>;
}

export function EditView({ state, save, history }: { state: EngineState; save: SaveEdit; history?: HistoryAccess }) {
  const { engine } = useStores();
  const [tab, setTab] = useState<'rules' | 'groups' | 'history'>('rules');
  const [saved, setSaved] = useState<string>();
  const [conflict, setConflict] = useState<string>();
  const config = fileConfig(state);
  if (!config) {
    return (
      <div className="empty" data-testid="edit-zero-config">
        <p>
          <strong>Berth runs without a berth.yaml</strong>, so there is no file to save rules to.
        </p>
        <p>Write a starting file and restart Berth with it (<code>berth up -c berth.yaml</code>); what you edit here is then saved into it, comments kept:</p>
        <pre>{'loadBalancers:\n  - name: web\n    listeners:\n      - port: 8080\n        protocol: HTTP\n        defaultAction: { forward: app }\ntargetGroups:\n  - name: app\n    protocol: HTTP\n    targets:\n      docker: { labels: { app: web }, containerPort: 8081 }'}</pre>
      </div>
    );
  }
  const applyAndSay: ApplyEdit = async (edit) => {
    setSaved(undefined);
    setConflict(undefined);
    const outcome = await save(edit, state.revision);
    if (outcome && 'conflict' in outcome && typeof outcome.conflict === 'string') {
      setConflict(outcome.conflict);
      return { '': 'Not saved: berth.yaml changed on disk since this page loaded it (see above).' };
    }
    if (!outcome) setSaved(`Saved to ${state.configFile} and applied.`);
    return outcome as FieldErrors | undefined;
  };
  const tabButton = (id: typeof tab, title: string) => (
    <button type="button" role="tab" aria-selected={tab === id} className={tab === id ? 'active' : ''} onClick={() => setTab(id)}>
      {title}
    </button>
  );
  return (
    <div data-testid="edit">
      <div className="row toolbar">
        <div className="tabs" role="tablist" aria-label="what to edit">
          {tabButton('rules', 'Rules')}
          {tabButton('groups', 'Target groups')}
          {history ? tabButton('history', 'History') : null}
        </div>
        <span className="muted mono">{state.configFile}</span>
        {state.revision ? <span className="muted mono small-text" title="the revision of berth.yaml that runs; each save names it">rev {state.revision.slice(0, 8)}</span> : null}
        {saved ? (
          <span className="pill ok" role="status">
            {saved}
          </span>
        ) : null}
      </div>
      {conflict ? (
        <div className="warn-box row" role="alert" data-testid="edit-conflict">
          <span className="grow">{conflict}</span>
          <button
            type="button"
            className="primary"
            onClick={() => {
              setConflict(undefined);
              void engine.refresh();
            }}
          >
            Reload berth.yaml
          </button>
        </div>
      ) : null}
      {state.configFileState && state.configFileState.status !== 'ok' ? <ConfigProblems file={state.configFileState} /> : null}
      {ruleCount(config) !== ruleCount(state.config) || config.targetGroups.length !== state.config.targetGroups.length ? (
        <p className="muted">Routes that come from container labels (dev.berth.*) are not shown here: they belong to the containers, not to berth.yaml.</p>
      ) : null}
      {tab === 'rules' ? <RulesEditor config={config} apply={applyAndSay} /> : null}
      {tab === 'groups' ? <GroupsEditor config={config} apply={applyAndSay} /> : null}
      {tab === 'history' && history ? <HistoryList history={history} revision={state.revision} /> : null}
    </div>
  );
}

const SOURCES: Record<ConfigHistoryEntryView['source'], string> = { 'hand edit': 'hand edit', dashboard: 'dashboard', api: 'API', import: 'import', restore: 'restore' };

/** The kept versions of berth.yaml, newest first, each with a button that brings it back. */
function HistoryList({ history, revision }: { history: HistoryAccess; revision: string | undefined }) {
  const [entries, setEntries] = useState<ConfigHistoryEntryView[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    history.list().then(
      (list) => live && setEntries(list),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
    // The list is read again whenever the running revision changes (a save, a hand edit, a restore).
  }, [revision]);
  if (error) return <div className="error-box" role="alert">{error}</div>;
  if (!entries) return <div className="empty">Loading the history…</div>;
  if (entries.length === 0) return <div className="empty">No versions kept yet.</div>;
  return (
    <table className="table" data-testid="config-history">
      <thead>
        <tr>
          <th>#</th>
          <th>When</th>
          <th>From</th>
          <th>What changed</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={`${e.n}-${e.revision}`}>
            <td className="mono">{e.n}</td>
            <td className="mono small-text">{new Date(e.at).toLocaleString()}</td>
            <td>{SOURCES[e.source]}</td>
            <td>{e.summary}</td>
            <td>
              {e.revision === revision ? (
                <span className="pill ok">running</span>
              ) : (
                <button type="button" onClick={() => void history.restore(e.n, revision).then((err) => setError(err))}>
                  Restore
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ruleCount(config: BerthConfig): number {
  return config.loadBalancers.reduce((n, lb) => n + lb.listeners.reduce((m, l) => m + 1 + l.rules.length, 0), 0);
}
