// Reads the routes a container declares with `dev.berth.*` labels (docs/labels.md). Pure parsing:
// each label's text becomes typed fields, and what cannot be understood is a problem naming the
// label. Turning routes into listener rules and target groups is labels.ts's job.
import { isRoutable, publishedTcpPorts, type ContainerInfo } from './container-info.js';
import { suggestKey } from './schema-keys.js';
import { IGNORE_LABEL } from './zero-config.js';

export const LABEL_PREFIX = 'dev.berth.';

/** The keys one router takes, at the top level (`dev.berth.host`) or named (`dev.berth.routers.api.host`). */
export const ROUTER_KEYS = ['host', 'path', 'port', 'listener', 'priority', 'weight', 'group', 'health.path'] as const;
type RouterKey = (typeof ROUTER_KEYS)[number];

/** Namespaces under the prefix that are not Berth's routing labels (Berth's own test runs mark their containers there). */
const FOREIGN_NAMESPACES = ['test', 'bench'];

export interface LabelProblem {
  /** The container's name. */
  container: string;
  /** The full label, e.g. `dev.berth.routers.api.port`. */
  label: string;
  message: string;
}

export interface LabelRoute {
  container: ContainerInfo;
  /** `''` for the top-level labels, else the name in `dev.berth.routers.<name>.*`. */
  router: string;
  hosts: string[];
  paths: string[];
  /** The container port to route to. */
  port: number;
  /** Listener ports to add the rule to; undefined: the default (docs/labels.md). */
  listeners?: number[];
  priority?: number;
  weight: number;
  group?: string;
  healthPath?: string;
  /** The full label a field of this route came from, for problems found later. */
  labelOf: (key: RouterKey) => string;
}

/** Every route the containers declare; a container with any bad label is reported and contributes nothing. */
export function readLabelRoutes(containers: readonly ContainerInfo[]): { routes: LabelRoute[]; problems: LabelProblem[] } {
  const routes: LabelRoute[] = [];
  const problems: LabelProblem[] = [];
  for (const c of [...containers].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!isRoutable(c) || c.labels[IGNORE_LABEL] === 'true') continue;
    const own = readContainer(c);
    // One bad label means the container's intent is unclear: route none of it rather than guess.
    if (own.problems.length > 0) problems.push(...own.problems);
    else routes.push(...own.routes);
  }
  return { routes, problems };
}

function readContainer(c: ContainerInfo): { routes: LabelRoute[]; problems: LabelProblem[] } {
  const routers = new Map<string, Map<RouterKey, string>>();
  const problems: LabelProblem[] = [];
  const problem = (label: string, message: string) => problems.push({ container: c.name, label, message });
  for (const [label, value] of Object.entries(c.labels)) {
    if (!label.startsWith(LABEL_PREFIX) || label === IGNORE_LABEL) continue;
    const rest = label.slice(LABEL_PREFIX.length);
    if (FOREIGN_NAMESPACES.some((ns) => rest === ns || rest.startsWith(`${ns}.`))) continue;
    const named = /^routers\.([A-Za-z0-9_-]+)\.(.+)$/.exec(rest);
    const [router, key] = named ? [named[1]!, named[2]!] : ['', rest];
    if (!(ROUTER_KEYS as readonly string[]).includes(key)) {
      const suggestion = suggestKey(key, ROUTER_KEYS);
      problem(label, `unknown Berth label${suggestion ? ` — did you mean "${label.slice(0, label.length - key.length)}${suggestion}"?` : ` (known: ${ROUTER_KEYS.join(', ')}, routers.<name>.<key>, ignore)`}`);
      continue;
    }
    const keys = routers.get(router) ?? new Map<RouterKey, string>();
    keys.set(key as RouterKey, value);
    routers.set(router, keys);
  }
  // Containers without a host or path label declare no route (a misspelt label is still reported).
  const declaring = [...routers].filter(([, keys]) => keys.has('host') || keys.has('path'));
  if (declaring.length === 0) return { routes: [], problems };
  for (const [router, keys] of routers) {
    if (!keys.has('host') && !keys.has('path')) problem(labelName(router, 'host'), `the labels of ${router ? `router "${router}"` : 'this container'} set ${[...keys.keys()].join(', ')} but neither host nor path`);
  }

  const routes: LabelRoute[] = [];
  const published = publishedTcpPorts(c);
  for (const [router, keys] of declaring) {
    const labelOf = (key: RouterKey) => labelName(router, key);
    const int = (key: RouterKey, min: number, max: number): number | undefined => {
      const text = keys.get(key);
      if (text === undefined) return undefined;
      const n = Number(text.trim());
      if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
        problem(labelOf(key), `must be a whole number from ${min} to ${max}, got "${text}"`);
        return undefined;
      }
      return n;
    };
    const port = int('port', 1, 65535) ?? (keys.has('port') ? undefined : published[0]);
    if (port === undefined && !keys.has('port')) {
      problem(labelOf('port'), 'the container publishes no TCP port: publish the port the app listens on (docker run -p 8080), Berth reaches containers through their published ports');
      continue;
    }
    if (port !== undefined && !published.includes(port)) {
      problem(labelOf('port'), `container port ${port} is not published${published.length ? ` (published: ${published.join(', ')})` : ''}: publish it (docker run -p ${port}), Berth reaches containers through their published ports`);
    }
    const listenerText = keys.get('listener');
    const listeners = listenerText === undefined ? undefined : list(listenerText).map(Number);
    if (listeners && (listeners.length === 0 || !listeners.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535))) {
      problem(labelOf('listener'), `must be listener ports separated by commas, e.g. 8080 or 8080,8443; got "${listenerText}"`);
    }
    const priority = int('priority', 1, 50_000);
    const weight = int('weight', 0, 999) ?? 1;
    if (port === undefined) continue;
    routes.push({
      container: c,
      router,
      hosts: list(keys.get('host')),
      paths: list(keys.get('path')),
      port,
      ...(listeners ? { listeners } : {}),
      ...(priority !== undefined ? { priority } : {}),
      weight,
      ...(keys.has('group') ? { group: keys.get('group')!.trim() } : {}),
      ...(keys.has('health.path') ? { healthPath: keys.get('health.path')!.trim() } : {}),
      labelOf,
    });
  }
  return problems.length > 0 ? { routes: [], problems } : { routes, problems };
}

function labelName(router: string, key: string): string {
  return `${LABEL_PREFIX}${router ? `routers.${router}.` : ''}${key}`;
}

const list = (text: string | undefined) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
