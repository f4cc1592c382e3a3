// Target groups: what each selects, with edit, delete (refused while a rule forwards to it) and add.
import { useState } from 'react';
import type { BerthConfig, TargetGroup } from '../../../shared/model/index.js';
import { deleteGroup, putGroup } from './config-edits.js';
import { draftFromGroup, emptyGroupDraft } from './target-group-draft.js';
import { TargetGroupForm } from './target-group-form.js';
import type { ApplyEdit } from './edit-view.js';

export function GroupsEditor({ config, apply }: { config: BerthConfig; apply: ApplyEdit }) {
  const [editing, setEditing] = useState<string | 'new' | undefined>();
  const [armed, setArmed] = useState<string>();
  const [error, setError] = useState<string>();
  if (editing !== undefined) {
    const group = editing === 'new' ? undefined : config.targetGroups.find((g) => g.name === editing);
    return (
      <TargetGroupForm
        title={group ? `Target group ${group.name}` : 'New target group'}
        initial={group ? draftFromGroup(group) : emptyGroupDraft()}
        original={group}
        onCancel={() => setEditing(undefined)}
        onSave={async (g) => {
          const errors = await apply(putGroup(config, group?.name, g));
          if (!errors) setEditing(undefined);
          return errors;
        }}
      />
    );
  }
  const remove = async (name: string) => {
    setError(undefined);
    const errors = await apply(deleteGroup(config, name));
    if (errors) setError(Object.values(errors).join('; '));
    setArmed(undefined);
  };
  return (
    <div className="panel">
      <div className="row">
        <span className="grow muted">{config.targetGroups.length} target groups</span>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          + Add target group
        </button>
      </div>
      {error ? (
        <div className="error-box" role="alert">
          {error}
        </div>
      ) : null}
      <table className="grid">
        <thead>
          <tr>
            <th>name</th>
            <th>protocol</th>
            <th>targets</th>
            <th>health check</th>
            <th className="w-actions" />
          </tr>
        </thead>
        <tbody>
          {config.targetGroups.map((g) => (
            <tr key={g.name} data-testid={`edit-group-${g.name}`}>
              <td>
                <strong>{g.name}</strong>
              </td>
              <td className="mono">{g.protocol}</td>
              <td className="mono small-text">{selectorWords(g)}</td>
              <td className="mono small-text">{g.healthCheck.enabled ? `${g.healthCheck.protocol} ${g.healthCheck.protocol === 'TCP' ? '' : g.healthCheck.path} every ${g.healthCheck.intervalSeconds}s` : 'off'}</td>
              <td>
                <div className="row tight">
                <button type="button" className="small" onClick={() => setEditing(g.name)} aria-label={`edit target group ${g.name}`}>
                  edit
                </button>
                <button type="button" className={`small${armed === g.name ? ' danger' : ''}`} onClick={() => (armed === g.name ? void remove(g.name) : setArmed(g.name))} aria-label={`delete target group ${g.name}`}>
                  {armed === g.name ? 'confirm delete' : 'delete'}
                </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function selectorWords(g: TargetGroup): string {
  const d = g.targets.docker;
  const parts: string[] = [];
  if (d) {
    const sel = [...Object.entries(d.labels ?? {}).map(([k, v]) => `${k}=${v}`), d.containerName && `name ${d.containerName}`, d.image && `image ${d.image}`, d.composeProject && `compose ${d.composeProject}/${d.composeService ?? '*'}`].filter(Boolean);
    parts.push(`containers ${sel.join(', ') || '(any)'} port ${d.containerPort}`);
  }
  if (g.targets.static?.length) parts.push(g.targets.static.join(', '));
  return parts.join(' + ') || 'none';
}
