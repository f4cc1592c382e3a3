// The dashboard's frame: navigation between screens (kept in the URL's #/fragment so reloads stay
// put), the pause-all switch, and the screen itself. Keys 1–8 switch screens outside form fields.
import { useEffect, useState, type ReactNode } from 'react';
import logo from './favicon.svg';
import { Switch } from './components/switch.js';
import { ConfigBanner } from './components/config-banner.js';
import { useClient, useEngine, useStores } from './state/index.js';
import { OverviewScreen } from './views/overview/overview-view.js';
import { TargetsScreen } from './views/targets/targets-view.js';
import { TrafficScreen } from './views/traffic/traffic-view.js';
import { MetricsScreen } from './views/metrics/metrics-view.js';
import { RouteTesterScreen } from './views/tester/route-tester-view.js';
import { EditScreen } from './views/edit/edit-view.js';
import { CertificatesScreen } from './views/certificates/certificates-view.js';
import { ExportScreen } from './views/export/export-view.js';

export const SCREENS: { id: string; title: string; render: () => ReactNode; fill?: boolean }[] = [
  { id: 'overview', title: 'Overview', render: () => <OverviewScreen /> },
  { id: 'targets', title: 'Containers', render: () => <TargetsScreen /> },
  { id: 'traffic', title: 'Traffic', render: () => <TrafficScreen />, fill: true },
  { id: 'metrics', title: 'Metrics', render: () => <MetricsScreen /> },
  { id: 'tester', title: 'Route tester', render: () => <RouteTesterScreen /> },
  { id: 'edit', title: 'Edit', render: () => <EditScreen /> },
  { id: 'certificates', title: 'Certificates', render: () => <CertificatesScreen /> },
  { id: 'export', title: 'Export', render: () => <ExportScreen /> },
];

const fromHash = () => {
  const id = location.hash.replace(/^#\/?/, '');
  return SCREENS.some((s) => s.id === id) ? id : 'overview';
};

export function App({ transport }: { transport: string }) {
  const [screen, setScreen] = useState(fromHash);
  useEffect(() => {
    const onHash = () => setScreen(fromHash());
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.altKey || e.ctrlKey || e.metaKey || target?.closest('input, textarea, select, [contenteditable]')) return;
      const s = SCREENS[Number(e.key) - 1];
      if (s) location.hash = `#/${s.id}`;
    };
    addEventListener('hashchange', onHash);
    addEventListener('keydown', onKey);
    return () => {
      removeEventListener('hashchange', onHash);
      removeEventListener('keydown', onKey);
    };
  }, []);
  const current = SCREENS.find((s) => s.id === screen)!;
  return (
    <div className="app">
      <nav className="nav" aria-label="screens">
        <div className="brand">
          <img src={logo} alt="" width={22} height={22} /> Berth
        </div>
        {SCREENS.map((s, i) => (
          <a key={s.id} href={`#/${s.id}`} className={s.id === screen ? 'active' : ''} aria-current={s.id === screen ? 'page' : undefined} title={`${s.title} (${i + 1})`}>
            {s.title}
          </a>
        ))}
        <Footer transport={transport} />
      </nav>
      <main className={`main${current.fill ? ' fill' : ''}`} aria-label={current.title}>
        <header className="row page-head">
          <h1 className="grow">{current.title}</h1>
          <PauseAll />
        </header>
        <ConfigBanner />
        {current.render()}
      </main>
    </div>
  );
}

function PauseAll() {
  const client = useClient();
  const { engine } = useStores();
  const { state } = useEngine();
  const [error, setError] = useState<string>();
  if (!state) return null;
  const toggle = (on: boolean) => {
    setError(undefined);
    client
      .call('pauseAll', { paused: !on })
      .then(() => engine.refresh())
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  };
  return (
    <div className="row tight">
      {error ? <span className="pill bad">{error}</span> : null}
      <span className="muted">{state.paused ? 'traffic paused' : 'traffic flowing'}</span>
      <Switch on={!state.paused} label={state.paused ? 'resume all listeners' : 'pause all listeners'} onChange={toggle} />
    </div>
  );
}

function Footer({ transport }: { transport: string }) {
  const { state, error } = useEngine();
  const d = state?.discovery;
  return (
    <div className="foot">
      <div>
        <span className={`dot ${error ? 'bad' : state ? 'ok' : 'muted'}`} /> {error ? 'Berth unreachable' : state ? 'connected' : 'connecting…'} <span className="muted">({transport === 'ipc' ? 'app' : 'HTTP'})</span>
      </div>
      {d ? (
        <div title={d.error ?? d.endpoint}>
          <span className={`dot ${d.connected ? 'ok' : 'bad'}`} /> Docker {d.connected ? (d.stale ? 'reconnecting' : 'connected') : 'not reachable'}
        </div>
      ) : null}
      {state?.configFile ? <div className="mono small-text ellipsis" title={state.configFile}>{state.configFile.split('/').pop()}</div> : state ? <div className="small-text">zero-config</div> : null}
    </div>
  );
}
