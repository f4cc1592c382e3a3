// Edit berth.yaml from the UI: pick a listener, add/edit/reorder/delete its rules; add/edit/delete
// target groups. Every change is validated in the page by the shared schema, then saved through
// updateConfig, which writes berth.yaml atomically keeping its comments, and applies it at once.
import { useState } from 'react';
import { configSchema, type BerthConfig, type EngineState } from '../../../shared/model/index.js';
import { WithEngineState } from '../../components/screen-state.js';
import { useClient, useStores } from '../../state/index.js';
import { compactConfig, fileConfig } from './file-config.js';
import { errorsAt, parsePath, type FieldErrors } from './form-errors.js';
import type { Edited } from './config-edits.js';
import { RulesEditor } from './rules-editor.js';
import { GroupsEditor } from './groups-editor.js';

export type ApplyEdit = (edit: Edited) => Promise<FieldErrors | undefined>;

export function EditScreen() {
  const client = useClient();
  const { engine } = useStores();
  const apply: ApplyEdit = async (edit) => {
    const parsed = configSchema.safeParse(edit.config);
    if (!parsed.success) return errorsAt(parsed.error.issues, edit.at);
    try {
      const result = await client.call('updateConfig', { config: compactConfig(parsed.data) });
      if (!result.ok) return errorsAt(result.problems.map((p) => ({ path: parsePath(p.path), message: `${p.message} (berth.yaml line ${p.line})` })), edit.at);
      await engine.refresh();
      // Saved and applied, yet a listener did not start (a port in use): said where the save is.
      const failed = result.failedListeners ?? [];
      if (failed.length > 0) return { '': `Saved, but not running: ${failed.map((l) => `${l.loadBalancer} ${l.listener}: ${l.message}`).join('; ')}` };
    } catch (err) {
      return { '': err instanceof Error ? err.message : String(err) };
    }
    return undefined;
  };
  return <WithEngineState>{(state) => <EditView state={state} apply={apply} />}</WithEngineState>;
}

export function EditView({ state, apply }: { state: EngineState; apply: ApplyEdit }) {
  const [tab, setTab] = useState<'rules' | 'groups'>('rules');
  const [saved, setSaved] = useState<string>();
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
    const errors = await apply(edit);
    if (!errors) setSaved(`Saved to ${state.configFile} and applied.`);
    return errors;
  };
  return (
    <div data-testid="edit">
      <div className="row toolbar">
        <div className="tabs" role="tablist" aria-label="what to edit">
          <button type="button" role="tab" aria-selected={tab === 'rules'} className={tab === 'rules' ? 'active' : ''} onClick={() => setTab('rules')}>
            Rules
          </button>
          <button type="button" role="tab" aria-selected={tab === 'groups'} className={tab === 'groups' ? 'active' : ''} onClick={() => setTab('groups')}>
            Target groups
          </button>
        </div>
        <span className="muted mono">{state.configFile}</span>
        {saved ? (
          <span className="pill ok" role="status">
            {saved}
          </span>
        ) : null}
      </div>
      {ruleCount(config) !== ruleCount(state.config) || config.targetGroups.length !== state.config.targetGroups.length ? (
        <p className="muted">Routes that come from container labels (dev.berth.*) are not shown here: they belong to the containers, not to berth.yaml.</p>
      ) : null}
      {tab === 'rules' ? <RulesEditor config={config} apply={applyAndSay} /> : <GroupsEditor config={config} apply={applyAndSay} />}
    </div>
  );
}

function ruleCount(config: BerthConfig): number {
  return config.loadBalancers.reduce((n, lb) => n + lb.listeners.reduce((m, l) => m + 1 + l.rules.length, 0), 0);
}
