// Where does my request go? Load balancers → listeners (with their switch) → rules in priority order
// → target groups → targets, with each object's problems shown where they belong.
import { useState } from 'react';
import type { EngineState, ListenerState } from '../../../shared/model/index.js';
import { Switch } from '../../components/switch.js';
import { WithEngineState } from '../../components/screen-state.js';
import { useClient, useStores } from '../../state/index.js';
import { RuleTable } from './rule-table.js';
import { GroupList } from './group-list.js';
import { targetGroupsOf } from '../../components/rule-words.js';
import { CopyButton } from '../../components/copy-button.js';

export interface OverviewProps {
  state: EngineState;
  onToggleListener: (loadBalancer: string, listener: string, enabled: boolean) => Promise<void>;
  onToggleRule: (loadBalancer: string, listener: string, priority: number, enabled: boolean) => Promise<void>;
}

export function OverviewScreen() {
  const client = useClient();
  const { engine } = useStores();
  const toggleListener = async (loadBalancer: string, listener: string, enabled: boolean) => {
    await client.call('setListenerEnabled', { loadBalancer, listener, enabled });
    await engine.refresh();
  };
  const toggleRule = async (loadBalancer: string, listener: string, priority: number, enabled: boolean) => {
    await client.call('setRuleEnabled', { loadBalancer, listener, priority, enabled });
    await engine.refresh();
  };
  return <WithEngineState>{(state) => <OverviewView state={state} onToggleListener={toggleListener} onToggleRule={toggleRule} />}</WithEngineState>;
}

export function OverviewView({ state, onToggleListener, onToggleRule }: OverviewProps) {
  const [failures, setFailures] = useState<Record<string, string>>({});
  const attempt = (key: string, run: Promise<void>) => {
    setFailures((f) => ({ ...f, [key]: '' }));
    run.catch((err: unknown) => setFailures((f) => ({ ...f, [key]: err instanceof Error ? err.message : String(err) })));
  };
  const groups = new Map(state.targetGroups.map((g) => [g.name, g]));
  // Listener problems are shown on their listener (ListenerState.error), berth.yaml's in the banner
  // every screen has; the rest stay at the top.
  const general = state.problems.filter((p) => p.source !== 'listener' && p.source !== 'config');
  return (
    <div data-testid="overview">
      {state.paused ? <div className="warn-box">All traffic is paused: every listener refuses new connections until you resume.</div> : null}
      {general.map((p, i) => (
        <div key={i} className={p.source === 'config' ? 'error-box' : 'warn-box'}>
          <strong>{p.source === 'labels' ? `labels of ${p.where ?? 'a container'}` : p.source === 'discovery' ? `Docker (${p.where ?? 'unknown endpoint'})` : p.source}</strong> — {p.message}
        </div>
      ))}
      {state.config.loadBalancers.length === 0 ? <NoLoadBalancers state={state} /> : null}
      {state.config.loadBalancers.map((lb) => {
        const live = state.loadBalancers.find((l) => l.name === lb.name);
        return (
          <section key={lb.name} className="panel" aria-label={`load balancer ${lb.name}`}>
            <div className="row">
              <h2 className="flush">{lb.name}</h2>
              <span className="pill info">{lb.type === 'application' ? 'application (L7)' : 'network (L4)'}</span>
              {lb.listeners.length === 0 ? <span className="muted">no listeners: add one in Edit</span> : null}
            </div>
            {lb.listeners.map((listener) => {
              const id = `${listener.port}/${listener.protocol}`;
              const ls = live?.listeners.find((l) => l.id === id);
              const key = `${lb.name} ${id}`;
              return (
                <div key={id} className="panel inner" data-testid={`listener-${lb.name}-${id}`}>
                  <div className="row">
                    <Switch on={ls?.enabled ?? listener.enabled} label={`listener ${id} on ${lb.name}`} onChange={(next) => attempt(key, onToggleListener(lb.name, id, next))} />
                    <strong className="mono big">{id}</strong>
                    <span className="muted mono">{listener.address}</span>
                    <ListenerUrl url={ls?.url} />
                    <ListenerStatus ls={ls} />
                  </div>
                  {ls?.error ? <div className="error-box">{ls.error}</div> : null}
                  {failures[key] ? <div className="error-box">{failures[key]}</div> : null}
                  <RuleTable listener={listener} zeroConfig={state.mode === 'zero-config'} onToggle={(p, on) => attempt(`${key} ${p}`, onToggleRule(lb.name, id, p, on))} errors={failures} errorKey={key} />
                  <GroupList network={lb.type === 'network'} names={[...new Set([...listener.rules.flatMap((r) => targetGroupsOf(r.action)), ...targetGroupsOf(listener.defaultAction)])]} groups={groups} />
                </div>
              );
            })}
          </section>
        );
      })}
    </div>
  );
}

/** HTTP(S) URLs open in the browser; tcp://, tls://, udp:// ones are for a client, so they are copied. */
function ListenerUrl({ url }: { url: string | undefined }) {
  if (!url) return null;
  if (/^https?:/.test(url)) {
    return (
      <a href={url} target="_blank" rel="noreferrer" className="mono">
        {url}
      </a>
    );
  }
  return (
    <span className="row tight" data-testid="listener-url">
      <span className="mono">{url}</span>
      <CopyButton text={url} label={`copy ${url}`} />
    </span>
  );
}

function ListenerStatus({ ls }: { ls: ListenerState | undefined }) {
  if (!ls) return <span className="pill muted">starting</span>;
  const tone = ls.status === 'ok' ? 'ok' : ls.status === 'error' ? 'bad' : ls.status === 'warning' ? 'warn' : 'muted';
  const words = ls.status === 'ok' ? 'listening' : ls.status === 'disabled' ? 'off' : ls.status;
  return <span className={`pill ${tone}`}>{words}</span>;
}

function NoLoadBalancers({ state }: { state: EngineState }) {
  return (
    <div className="empty" data-testid="overview-empty">
      <p>
        <strong>No load balancers yet.</strong>
      </p>
      {state.mode === 'zero-config' ? (
        <>
          <p>Berth runs without a berth.yaml: every container with a published port gets a URL on port 8080 as soon as it starts.</p>
          <pre>{'docker run -d -p 8081 --name web my-image\ncurl http://web.localhost:8080/'}</pre>
        </>
      ) : (
        <>
          <p>
            Add a load balancer to <code>{state.configFile ?? 'berth.yaml'}</code> (or in Edit):
          </p>
          <pre>{'loadBalancers:\n  - name: web\n    listeners:\n      - port: 8080\n        protocol: HTTP\n        defaultAction: { forward: app }'}</pre>
        </>
      )}
    </div>
  );
}
