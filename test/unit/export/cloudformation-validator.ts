// AWS's offline CloudFormation validator (@aws/cloudformation-validate) at strict settings: resource
// schemas (unknown and missing properties, types, ranges, enums), Ref/GetAtt targets, and the
// cfn-lint rules, with warnings raised to errors. Only INFO findings are let through: I9001
// ("create-only property") and I9040 ("supports Tags but none are configured") are not faults.
import { RegoEngine, type Engine, type StandardDiagnostic, type TemplateFile } from '@aws/cloudformation-validate';

let engine: Engine | undefined;

/** One engine per test file: building it compiles every rule (seconds); validating is milliseconds. */
function shared(): Engine {
  engine ??= new RegoEngine();
  return engine;
}

export function validateTemplate(text: string, name = 'template.yaml'): StandardDiagnostic[] {
  const template = { path: name, readBytes: () => new TextEncoder().encode(text) } as unknown as TemplateFile;
  const report = shared().validateStandard(template, { strict: true, severityLevel: 'WARN' });
  if (report.status === 'ERROR') throw new Error(`the validator failed on ${name}`);
  return report.diagnostics;
}

export function describe(d: StandardDiagnostic): string {
  return `${d.ruleId} ${d.severity} ${d.entity?.logicalId ?? ''} ${d.propertyPath ?? ''}: ${d.message}`;
}

export function freeValidator(): void {
  engine?.free();
  engine = undefined;
}
