// The services of a compose file and the ports inside their containers, for proposing Docker
// selectors on import. Reads `ports` (short and long syntax) and `expose`; the project name is the
// file's `name:` or, as Compose does, the folder's name.
import { parse } from 'yaml';
import type { ComposeService } from './selector-proposals.js';

/** `"8080:80"`, `"127.0.0.1:8080:80/udp"`, `"3000"`, `3000`, `{ target: 80 }` → 80, 80, 3000, 3000, 80. */
function containerPort(entry: unknown): number | undefined {
  if (typeof entry === 'number') return entry;
  if (typeof entry === 'string') {
    const last = entry.split('/')[0]!.split(':').pop()!;
    const port = Number(last.split('-')[0]);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  }
  if (entry && typeof entry === 'object' && 'target' in entry) return Number((entry as { target: unknown }).target) || undefined;
  return undefined;
}

export function composeServices(text: string, folderName?: string): ComposeService[] {
  const doc = parse(text) as { name?: unknown; services?: Record<string, { ports?: unknown[]; expose?: unknown[] } | null> } | null;
  const project = typeof doc?.name === 'string' ? doc.name : folderName?.toLowerCase().replace(/[^a-z0-9_-]/g, '');
  return Object.entries(doc?.services ?? {}).map(([name, service]) => ({
    name,
    ...(project ? { project } : {}),
    containerPorts: [...new Set([...(service?.ports ?? []), ...(service?.expose ?? [])].map(containerPort).filter((p): p is number => p !== undefined))],
  }));
}
