// Import from AWS: a CloudFormation template or Terraform file, pasted or chosen, previewed as
// berth.yaml through importConfig (which writes nothing), with its problems where they are in the
// file and the Docker selectors Berth proposes for groups without targets, to confirm or edit; then
// "Apply to berth.yaml" hands the imported config to updateConfig.
import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import type { ImportConfigResult, SelectorProposalView, UpdateConfigResult } from '../../../shared/contract/index.js';
import type { DockerSelector } from '../../../shared/model/index.js';
import { CopyButton } from '../../components/copy-button.js';
import { saveFile } from '../../components/save-file.js';
import { useClient, useEngine, useStores } from '../../state/index.js';

type Format = 'detect' | 'cloudformation' | 'terraform';
interface Choice {
  use: boolean;
  selector: DockerSelector;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function ImportPane() {
  const client = useClient();
  const { engine } = useStores();
  const { state } = useEngine();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string>();
  const [format, setFormat] = useState<Format>('detect');
  const [preview, setPreview] = useState<{ result?: ImportConfigResult; error?: string; loading: boolean }>({ loading: false });
  const [proposals, setProposals] = useState<SelectorProposalView[]>([]);
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [confirming, setConfirming] = useState(false);
  const [applied, setApplied] = useState<{ result?: UpdateConfigResult; error?: string; busy?: boolean }>();
  const sequence = useRef(0);
  /** The chosen selectors the current preview was made with. */
  const previewed = useRef('{}');

  const selectors = Object.fromEntries(Object.entries(choices).filter(([, c]) => c.use).map(([group, c]) => [group, c.selector]));
  const selectorsKey = JSON.stringify(selectors);

  const run = async (source: string, name: string | undefined, chosen: Record<string, DockerSelector>): Promise<ImportConfigResult | undefined> => {
    const mine = ++sequence.current;
    setPreview((p) => ({ ...p, loading: true }));
    setApplied(undefined);
    setConfirming(false);
    try {
      const result = await client.call('importConfig', {
        text: source,
        ...(format !== 'detect' ? { format } : {}),
        ...(name ? { fileName: name } : {}),
        ...(Object.keys(chosen).length ? { selectors: chosen } : {}),
      });
      if (mine !== sequence.current) return undefined;
      setPreview({ result, loading: false });
      return result;
    } catch (err) {
      if (mine === sequence.current) setPreview({ loading: false, error: message(err) });
      return undefined;
    }
  };

  /** A new text: the proposals and choices start again from what Berth proposes for it. */
  const previewNew = async (source = text, name = fileName) => {
    if (!source.trim()) return;
    setChoices({});
    setProposals([]);
    previewed.current = '{}';
    const result = await run(source, name, {});
    if (!result) return;
    setProposals(result.proposals);
    setChoices(Object.fromEntries(result.proposals.map((p) => [p.targetGroup, { use: false, selector: p.selector }])));
  };

  // A changed choice previews again after a short pause, so typing a service name does not call per key.
  useEffect(() => {
    if (previewed.current === selectorsKey || !preview.result) return;
    const timer = setTimeout(() => {
      previewed.current = selectorsKey;
      void run(text, fileName, JSON.parse(selectorsKey) as Record<string, DockerSelector>);
    }, 250);
    return () => clearTimeout(timer);
    // Only a change of the chosen selectors previews again; the text waits for the Preview button.
  }, [selectorsKey]);

  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    let content: string;
    try {
      content = await readText(file);
    } catch (err) {
      setPreview({ loading: false, error: `${file.name}: ${message(err)}` });
      return;
    }
    setText(content);
    setFileName(file.name);
    if (file.name.endsWith('.tf')) setFormat('detect');
    await previewNew(content, file.name);
  };

  const apply = async () => {
    const config = preview.result?.config;
    if (!config) return;
    setConfirming(false);
    setApplied({ busy: true });
    try {
      const result = await client.call('updateConfig', { config, source: 'import' });
      setApplied({ result });
      if (result.ok) await engine.refresh();
    } catch (err) {
      setApplied({ error: message(err) });
    }
  };

  const result = preview.result;
  const errors = result?.problems.filter((p) => p.severity === 'error').length ?? 0;
  const canApply = Boolean(result?.config) && state?.mode === 'file' && Boolean(state.configFile);
  return (
    <div data-testid="import">
      <div className="panel">
        <div className="row">
          <strong className="grow">CloudFormation template or Terraform file</strong>
          <label className="row tight">
            <span className="muted">format</span>
            <select aria-label="import format" value={format} onChange={(e) => setFormat(e.target.value as Format)}>
              <option value="detect">detect</option>
              <option value="cloudformation">CloudFormation</option>
              <option value="terraform">Terraform</option>
            </select>
          </label>
          <label className="file-button">
            Choose a file…
            <input type="file" aria-label="choose a template file" accept=".yaml,.yml,.json,.template,.tf,.txt" onChange={(e) => void choose(e)} />
          </label>
        </div>
        <textarea
          aria-label="template text"
          className="full mono"
          rows={10}
          spellCheck={false}
          placeholder={'Paste a template here, e.g. the output of `aws cloudformation get-template`, or a .tf file'}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setFileName(undefined);
          }}
        />
        <div className="row">
          <button type="button" className="primary" disabled={!text.trim() || preview.loading} onClick={() => void previewNew()}>
            {preview.loading ? 'Reading…' : 'Preview berth.yaml'}
          </button>
          {fileName ? <span className="muted mono">{fileName}</span> : null}
          <span className="muted small-text">Nothing is written until you apply it.</span>
        </div>
      </div>
      {preview.error ? (
        <div className="error-box" role="alert">
          <strong>Import failed</strong>
          <div>{preview.error}</div>
        </div>
      ) : null}
      {result ? (
        <>
          {result.problems.length ? <ProblemList problems={result.problems} importable={Boolean(result.yaml)} /> : null}
          {proposals.length ? <Proposals proposals={proposals} choices={choices} onChange={(group, c) => setChoices((all) => ({ ...all, [group]: c }))} /> : null}
          {result.yaml ? (
            <div className="panel" data-testid="import-preview">
              <div className="row">
                <strong className="grow mono">berth.yaml</strong>
                <span className="muted small-text">read as {result.format === 'terraform' ? 'Terraform' : 'CloudFormation'}</span>
                <CopyButton text={result.yaml} label="copy the imported berth.yaml" small={false} />
                <button type="button" onClick={() => saveFile('berth.yaml', result.yaml!, 'text/yaml')}>
                  Save…
                </button>
                <button type="button" className="primary" disabled={!canApply || applied?.busy === true} onClick={() => setConfirming(true)} title={canApply ? undefined : 'Berth runs without a berth.yaml'}>
                  Apply to berth.yaml
                </button>
              </div>
              {state?.mode !== 'file' ? (
                <div className="warn-box">Berth runs without a berth.yaml, so there is no file to apply this to: save it as berth.yaml and start Berth with it (<code>berth up -c berth.yaml</code>).</div>
              ) : null}
              {confirming ? (
                <div className="warn-box" role="dialog" aria-label="apply the import" data-testid="apply-confirm">
                  <p className="flush">
                    <strong>Replace the load balancers and target groups of {state?.configFile}</strong> with the imported ones? Comments on what stays are kept; the listeners change at once.
                  </p>
                  <div className="row">
                    <button type="button" className="primary" onClick={() => void apply()}>
                      Apply
                    </button>
                    <button type="button" onClick={() => setConfirming(false)}>
                      Cancel
                    </button>
                  </div>
                </div>
              ) : null}
              <Applied applied={applied} file={state?.configFile} />
              <pre className="code" data-testid="import-yaml">
                {result.yaml}
              </pre>
            </div>
          ) : (
            <div className="empty compact" data-testid="import-nothing">
              <p>
                <strong>Nothing to import:</strong> {errors} error{errors === 1 ? '' : 's'} above.
              </p>
            </div>
          )}
        </>
      ) : null}
    </div>
  );
}

/** FileReader rather than Blob.text(): it works in every window Berth's dashboard runs in. */
function readText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsText(file);
  });
}

function ProblemList({ problems, importable }: { problems: ImportConfigResult['problems']; importable: boolean }) {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return (
    <div className={errors ? 'error-box' : 'warn-box'} data-testid="import-problems">
      <strong>
        {errors ? `${errors} error${errors === 1 ? '' : 's'}` : ''}
        {errors && problems.length > errors ? ', ' : ''}
        {problems.length > errors ? `${problems.length - errors} thing${problems.length - errors === 1 ? '' : 's'} to know` : ''}
      </strong>
      {errors && importable ? <span className="muted"> — rules AWS would refuse; Berth runs the config as it is</span> : null}
      <ul className="compact">
        {problems.map((p, i) => (
          <li key={i} data-testid="import-problem">
            <span className={`pill ${p.severity === 'error' ? 'bad' : 'warn'}`}>{p.severity}</span> <span className="mono small-text">{p.where}</span> {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Proposals({ proposals, choices, onChange }: { proposals: SelectorProposalView[]; choices: Record<string, Choice>; onChange: (group: string, choice: Choice) => void }) {
  return (
    <div className="panel" data-testid="import-proposals">
      <h2 className="flush">Containers for the target groups</h2>
      <p className="muted small-text">The file says nothing about local containers. Berth proposes these from the compose services it sees running; tick the ones to use, and edit them if they are not right.</p>
      <table className="grid">
        <thead>
          <tr>
            <th>use</th>
            <th>target group</th>
            <th>compose service</th>
            <th>container port</th>
            <th>why</th>
          </tr>
        </thead>
        <tbody>
          {proposals.map((p) => {
            const c = choices[p.targetGroup] ?? { use: false, selector: p.selector };
            const edit = (selector: DockerSelector) => onChange(p.targetGroup, { use: true, selector });
            return (
              <tr key={p.targetGroup} data-testid={`proposal-${p.targetGroup}`}>
                <td>
                  <input type="checkbox" aria-label={`use the proposal for ${p.targetGroup}`} checked={c.use} onChange={(e) => onChange(p.targetGroup, { ...c, use: e.target.checked })} />
                </td>
                <td className="mono">{p.targetGroup}</td>
                <td>
                  <input aria-label={`compose service for ${p.targetGroup}`} className="mono" value={c.selector.composeService ?? ''} onChange={(e) => edit({ ...c.selector, composeService: e.target.value || undefined })} />
                  {c.selector.composeProject ? <div className="muted small-text">project {c.selector.composeProject}</div> : null}
                </td>
                <td>
                  <input
                    aria-label={`container port for ${p.targetGroup}`}
                    className="mono narrow"
                    type="number"
                    min={1}
                    max={65535}
                    value={c.selector.containerPort}
                    onChange={(e) => Number.isInteger(Number(e.target.value)) && Number(e.target.value) >= 1 && edit({ ...c.selector, containerPort: Number(e.target.value) })}
                  />
                </td>
                <td className="small-text">
                  {p.reason} <span className="muted">({Math.round(p.confidence * 100)}%)</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Applied({ applied, file }: { applied: { result?: UpdateConfigResult; error?: string; busy?: boolean } | undefined; file: string | undefined }) {
  if (!applied) return null;
  if (applied.busy) return <div className="muted">Applying…</div>;
  if (applied.error) {
    return (
      <div className="error-box" role="alert">
        <strong>Not applied</strong>
        <div>{applied.error}</div>
      </div>
    );
  }
  if (applied.result?.ok) {
    return (
      <div className="ok-box" role="status" data-testid="import-applied">
        Saved to {file} and applied.
      </div>
    );
  }
  return (
    <div className="error-box" role="alert" data-testid="import-refused">
      <strong>berth.yaml refused the import; nothing changed</strong>
      <ul className="compact">
        {applied.result?.problems.map((p, i) => (
          <li key={i}>
            <span className="mono small-text">{p.path}</span> {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
