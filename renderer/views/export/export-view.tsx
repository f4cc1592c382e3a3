// Export the config for AWS: a CloudFormation or Terraform preview from the engine's exporter, with
// its warnings and the ECS wiring, to copy or save; and the way back, importing a template.
import { useEffect, useState } from 'react';
import type { MethodOutput } from '../../../shared/contract/index.js';
import { CopyButton } from '../../components/copy-button.js';
import { ErrorPanel, Loading } from '../../components/screen-state.js';
import { saveFile } from '../../components/save-file.js';
import { useClient, useEngine } from '../../state/index.js';
import { ImportPane } from './import-pane.js';

type Format = 'cloudformation' | 'terraform';
type Result = MethodOutput<'exportConfig'>;

export function ExportScreen() {
  const [pane, setPane] = useState<'export' | 'import'>('export');
  return (
    <div data-testid="export-screen">
      <div className="tabs pane-tabs" role="tablist" aria-label="direction">
        <button type="button" role="tab" aria-selected={pane === 'export'} className={pane === 'export' ? 'active' : ''} onClick={() => setPane('export')}>
          Export to AWS
        </button>
        <button type="button" role="tab" aria-selected={pane === 'import'} className={pane === 'import' ? 'active' : ''} onClick={() => setPane('import')}>
          Import from AWS
        </button>
      </div>
      {pane === 'export' ? <ExportPane /> : <ImportPane />}
    </div>
  );
}

export function ExportPane() {
  const client = useClient();
  const { state } = useEngine();
  const [format, setFormat] = useState<Format>('cloudformation');
  const [syntax, setSyntax] = useState<'yaml' | 'json'>('yaml');
  const [result, setResult] = useState<{ out?: Result; error?: string; loading: boolean }>({ loading: true });
  const version = state?.version;
  useEffect(() => {
    // Waits for the first snapshot, then exports again whenever the config may have changed.
    if (version === undefined) return;
    let live = true;
    setResult((r) => ({ ...r, loading: true }));
    client.call('exportConfig', { format, ...(format === 'cloudformation' ? { syntax } : {}) }).then(
      (out) => live && setResult({ out, loading: false }),
      (err: unknown) => live && setResult({ loading: false, error: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, [client, format, syntax, version]);
  return (
    <div data-testid="export">
      <div className="row toolbar">
        <div className="tabs" role="tablist" aria-label="format">
          {(['cloudformation', 'terraform'] as Format[]).map((f) => (
            <button key={f} type="button" role="tab" aria-selected={format === f} className={format === f ? 'active' : ''} onClick={() => setFormat(f)}>
              {f === 'cloudformation' ? 'CloudFormation' : 'Terraform'}
            </button>
          ))}
        </div>
        {format === 'cloudformation' ? (
          <select aria-label="syntax" value={syntax} onChange={(e) => setSyntax(e.target.value as 'yaml' | 'json')}>
            <option value="yaml">YAML</option>
            <option value="json">JSON</option>
          </select>
        ) : null}
      </div>
      {result.loading && !result.out ? <Loading what="the export" /> : null}
      {result.error ? <ErrorPanel title="Export failed" message={result.error} /> : null}
      {result.out && !result.error ? <ExportView result={result.out} fileName={format === 'terraform' ? 'berth.tf' : `berth.template.${syntax}`} empty={(state?.config.loadBalancers.length ?? 1) === 0} /> : null}
    </div>
  );
}

export function ExportView({ result, fileName, empty }: { result: Result; fileName: string; empty: boolean }) {
  return (
    <>
      {empty ? <div className="warn-box" data-testid="export-empty">berth.yaml has no load balancers yet: the export holds only the shared scaffolding. Add a listener first.</div> : null}
      {result.warnings.length ? (
        <details className="warn-box">
          <summary>
            <strong>
              {result.warnings.length} thing{result.warnings.length === 1 ? '' : 's'} to know before deploying
            </strong>{' '}
            <span className="muted">— also written at the top of the file</span>
          </summary>
          <ul className="compact">
            {result.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </details>
      ) : null}
      <div className="panel">
        <div className="row">
          <strong className="grow mono">{fileName}</strong>
          <CopyButton text={result.text} label="copy the export" small={false} />
          <button type="button" onClick={() => saveFile(fileName, result.text, 'text/plain')}>
            Save…
          </button>
        </div>
        <pre className="code" data-testid="export-text">
          {result.text}
        </pre>
      </div>
      {result.ecs ? (
        <div className="panel">
          <div className="row">
            <strong className="grow">ECS service wiring</strong>
            <CopyButton text={result.ecs} label="copy the ECS snippet" />
          </div>
          <pre className="code">{result.ecs}</pre>
        </div>
      ) : null}
    </>
  );
}
