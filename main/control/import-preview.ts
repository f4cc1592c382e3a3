// importConfig over the contract: `berth import` as a preview. The template becomes berth.yaml text
// and a config ready for updateConfig; nothing is written. Docker selectors are proposed from the
// compose services Berth sees running, and used only once the user has chosen them.
import type { ImportConfigResult, MethodInput } from '../../shared/contract/index.js';
import { parse } from 'yaml';
import type { BerthConfigInput, ContainerView } from '../../shared/model/index.js';
import { configToYaml, importConfig, importFormatFor, type ComposeService, type ImportProblem } from '../export/index.js';

export async function importPreview(input: MethodInput<'importConfig'>, containers: ContainerView[]): Promise<ImportConfigResult> {
  const fileName = input.fileName ?? (input.format === 'terraform' ? 'main.tf' : 'template.yaml');
  const format = input.format ?? detectFormat(input.text, fileName);
  const result = await importConfig(input.text, { fileName, format, services: composeServicesOf(containers), ...(input.selectors ? { selectors: input.selectors } : {}), proposals: 'report' });
  const problems = result.problems.map((p) => problemView(fileName, p));
  const header = ` Imported by Berth from ${fileName}.${problems.length ? '\n' : ''}${problems.map((p) => ` ${p.where}: ${p.severity} ${p.message}`).join('\n')}`;
  const yaml = result.config ? configToYaml(result.config, header) : undefined;
  return {
    format,
    ...(yaml ? { yaml, config: parse(yaml) as BerthConfigInput } : {}),
    problems,
    proposals: result.proposals,
  };
}

/** A `.tf` name, or HCL's `resource "…"` blocks, mean Terraform; anything else is read as CloudFormation. */
function detectFormat(text: string, fileName: string): 'cloudformation' | 'terraform' {
  if (importFormatFor(fileName) === 'terraform') return 'terraform';
  return /^\s*(resource|variable|provider|terraform|locals|output|data)\s+("[^"]*"\s*)*\{/m.test(text) && !/AWSTemplateFormatVersion|"Resources"\s*:|^Resources:/m.test(text) ? 'terraform' : 'cloudformation';
}

function composeServicesOf(containers: ContainerView[]): ComposeService[] {
  const services = new Map<string, ComposeService>();
  for (const c of containers) {
    if (!c.composeService) continue;
    const key = `${c.composeProject ?? ''}/${c.composeService}`;
    const service = services.get(key) ?? { name: c.composeService, ...(c.composeProject ? { project: c.composeProject } : {}), containerPorts: [] };
    for (const p of c.ports) if (!service.containerPorts.includes(p.containerPort)) service.containerPorts.push(p.containerPort);
    services.set(key, service);
  }
  return [...services.values()];
}

function problemView(fileName: string, p: ImportProblem): ImportConfigResult['problems'][number] {
  const w = p.where ?? {};
  const position = w.line ? `${fileName}:${w.line}:${w.column ?? 1}` : fileName;
  const what = [w.resource, w.path].filter(Boolean).join(' ');
  return {
    severity: p.severity,
    code: p.code,
    message: p.message,
    where: what ? `${position} ${what}` : position,
    ...(w.line !== undefined ? { line: w.line } : {}),
    ...(w.column !== undefined ? { column: w.column } : {}),
    ...(w.resource ? { resource: w.resource } : {}),
    ...(w.path ? { path: w.path } : {}),
  };
}
