// The importers' front door: a CloudFormation template or Terraform file → a berth.yaml config and
// the problems found on the way, each with a location. Berth metadata from an earlier export
// restores local-only settings exactly; target groups still without targets get Docker selectors
// the user confirmed, or ones Berth proposes from ECS services and compose service names.
import { configSchema, type BerthConfig, type DockerSelector } from '../../shared/model/index.js';
import { readCloudFormation, type ReadResult } from './import-cloudformation.js';
import { readTerraform } from './import-terraform.js';
import { checkModel } from './elb-checks.js';
import { modelToConfig, type ConfigDraft, type ImportProblem } from './model-to-config.js';
import { applyLocalEntries, jsonClone } from './local-settings.js';
import { proposeSelectors, type ComposeService, type SelectorProposal } from './selector-proposals.js';
import type { Where } from './elb-model.js';

export type ImportFormat = 'cloudformation' | 'terraform';

export interface ImportOptions {
  /** Used to pick the format (`.tf` is Terraform) and in messages. */
  fileName: string;
  format?: ImportFormat;
  /** Compose services to propose Docker selectors from. */
  services?: ComposeService[];
  /** Selectors the user chose, by target group name; they win over proposals. */
  selectors?: Record<string, DockerSelector>;
  /** `apply` (default) fills target groups with the proposals; `report` only returns them. */
  proposals?: 'apply' | 'report';
}

export interface ImportResult {
  config?: BerthConfig;
  problems: ImportProblem[];
  proposals: SelectorProposal[];
}

/** Problems after which there is nothing to import. */
const FATAL = new Set(['syntax', 'not-a-template']);

export function importFormatFor(fileName: string): ImportFormat {
  return /\.tf$/i.test(fileName) ? 'terraform' : 'cloudformation';
}

export async function importConfig(text: string, options: ImportOptions): Promise<ImportResult> {
  const format = options.format ?? importFormatFor(options.fileName);
  const read: ReadResult = format === 'terraform' ? await readTerraform(text, options.fileName) : readCloudFormation(text);
  if (read.problems.some((p) => FATAL.has(p.code))) return { problems: read.problems, proposals: [] };
  const problems = [...read.problems, ...checkModel(read.model)];
  const draft = modelToConfig(read.model, problems);
  const first = configSchema.safeParse(draft.input);
  if (!first.success) return { problems: [...problems, ...issueProblems(first.error.issues, draft)], proposals: [] };

  const config = jsonClone(first.data) as unknown as BerthConfig;
  if (!read.local) {
    for (const l of read.model.listeners) {
      if (l.certificates.length) problems.push({ severity: 'warning', code: 'local-certificates', message: `the ${l.protocol} listener on port ${l.port} serves certificates from Berth's local CA instead of its ACM certificates (certificates: auto)`, where: l.where });
    }
  }
  if (read.local) {
    for (const path of applyLocalEntries(config as unknown as Record<string, unknown>, read.local)) {
      problems.push({ severity: 'warning', code: 'stale-metadata', message: `Berth metadata names ${path}, which is no longer in the file; that setting is not restored` });
    }
  }
  const empty = config.targetGroups.filter((tg) => !tg.targets.docker && !tg.targets.static);
  const ecs = new Map(read.model.ecsBindings.map((b) => [read.model.targetGroups.find((t) => t.id === b.targetGroup)?.name, b]));
  const proposals = proposeSelectors(
    empty.filter((tg) => !options.selectors?.[tg.name]).map((tg) => ({ name: tg.name, port: tg.port, protocol: tg.protocol, ...(ecs.has(tg.name) ? { ecs: ecs.get(tg.name)! } : {}) })),
    options.services ?? [],
  );
  for (const tg of empty) {
    const chosen = options.selectors?.[tg.name] ?? (options.proposals !== 'report' ? proposals.find((p) => p.targetGroup === tg.name)?.selector : undefined);
    if (chosen) tg.targets = { docker: chosen };
    else problems.push({ severity: 'warning', code: 'no-targets', message: `target group ${tg.name} has no Docker selector; add targets.docker to berth.yaml`, where: { resource: tg.name } });
  }
  const final = configSchema.safeParse(config);
  if (!final.success) return { problems: [...problems, ...issueProblems(final.error.issues, draft)], proposals };
  return { config: final.data, problems, proposals };
}

function issueProblems(issues: { path: PropertyKey[]; message: string }[], draft: ConfigDraft): ImportProblem[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const origin = draft.origins.filter(([prefix]) => path === prefix || path.startsWith(`${prefix}.`)).sort((a, b) => b[0].length - a[0].length)[0];
    const where: Where = { ...(origin?.[1] ?? {}), path };
    return { severity: 'error', code: 'invalid', message: issue.message, where };
  });
}
