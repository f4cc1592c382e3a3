// The exporters' front door: config → { text, ecs snippet, warnings }, pure and deterministic (the
// same config always gives the same bytes), for the CLI, the control API and the golden tests.
import type { BerthConfig } from '../../shared/model/index.js';
import { planExport, type ExportFormat } from './plan.js';
import { cloudFormationTemplate } from './cloudformation.js';
import { templateToJson, templateToYaml } from './cfn-yaml.js';
import { terraformText } from './terraform.js';
import { ecsCloudFormationSnippet, ecsTerraformSnippet } from './ecs-snippet.js';
import { checkModel } from './elb-checks.js';
import { formatWarnings, type ExportWarning } from './warnings.js';

export interface ExportOptions {
  format: ExportFormat;
  /** CloudFormation only: YAML (default) or JSON. */
  syntax?: 'yaml' | 'json';
}

export interface ExportResult {
  text: string;
  /** ECS wiring for target groups filled from Docker, as a separate file; absent when there are none. */
  ecs?: { text: string; suggestedName: string };
  warnings: ExportWarning[];
}

export function exportConfig(config: BerthConfig, options: ExportOptions): ExportResult {
  const plan = planExport(config, options.format);
  // The AWS API rules Berth knows about; a config that validates should never break them.
  for (const p of checkModel(plan.model)) {
    if (p.severity === 'error') plan.warnings.push({ code: 'elb-rule', path: p.where?.resource, message: p.message });
  }
  const { warnings } = plan;
  if (options.format === 'terraform') {
    const ecs = ecsTerraformSnippet(plan.exported, plan);
    return { text: terraformText(plan, formatWarnings(warnings, '# ')), warnings, ...(ecs ? { ecs: { text: ecs, suggestedName: 'ecs.tf' } } : {}) };
  }
  const json = options.syntax === 'json';
  const header = formatWarnings(warnings, '');
  const template = cloudFormationTemplate(plan, json ? header.split('\n').filter(Boolean) : undefined);
  const text = json ? templateToJson(template) : templateToYaml(template, cfnHeader(header));
  const ecs = ecsCloudFormationSnippet(plan.exported, plan, options.syntax ?? 'yaml');
  return { text, warnings, ...(ecs ? { ecs: { text: ecs, suggestedName: json ? 'ecs.json' : 'ecs.yaml' } } : {}) };
}

function cfnHeader(warnings: string): string {
  const intro = [
    ' Exported by Berth: deploy with `aws cloudformation deploy`, supplying the parameters below.',
    ' Metadata.Berth keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.',
  ];
  return [...intro, ...(warnings ? ['', ...warnings.split('\n').map((l) => ` ${l}`)] : [])].join('\n');
}
