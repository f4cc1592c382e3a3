// berth.yaml cannot be used as saved: a banner on every screen saying so (the running config is
// kept), and the problems themselves at FILE:LINE:COL, as `berth status` prints them.
import type { ConfigFileState } from '../../shared/model/index.js';
import { useEngine } from '../state/index.js';

export function ConfigBanner() {
  const { state } = useEngine();
  const file = state?.configFileState;
  if (!file || file.status === 'ok') return null;
  const n = file.problems.length;
  return (
    <div className="error-box row" role="alert" data-testid="config-banner">
      <span className="grow">
        <strong>{file.status === 'missing' ? `${state.configFile ?? 'berth.yaml'} was deleted.` : `${state.configFile ?? 'berth.yaml'} has ${n} problem${n === 1 ? '' : 's'}.`}</strong>{' '}
        Berth keeps running the last good version (revision {file.revision.slice(0, 8)}) until the file is {file.status === 'missing' ? 'back' : 'fixed'}.
        {file.status === 'invalid' && file.problems[0] ? <span className="mono small-text"> {location(file.problems[0])}</span> : null}
      </span>
      <a href="#/edit">Show the problems</a>
    </div>
  );
}

export function ConfigProblems({ file }: { file: ConfigFileState }) {
  return (
    <div className="error-box" role="alert" data-testid="config-problems">
      <strong>{file.status === 'missing' ? 'The file is gone; the running config is kept.' : 'The file on disk is not valid; nothing of it was applied:'}</strong>
      <ul className="mono small-text">
        {file.problems.map((p) => (
          <li key={`${p.line}:${p.column}:${p.path}:${p.message}`}>{location(p)}</li>
        ))}
      </ul>
    </div>
  );
}

function location(p: ConfigFileState['problems'][number]): string {
  return `${p.file}:${p.line}:${p.column}  ${p.path || '(file)'}  ${p.message}`;
}
