// Every generated template passes AWS's own offline validator at strict settings, alone and with its
// ECS snippet merged in; known-bad templates fail it or Berth's own ELB checks, as each one expects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModel, parseTemplate, readCloudFormation, templateToYaml } from '../../../main/export/index.js';
import { describe as describeDiagnostic, freeValidator, validateTemplate } from './cloudformation-validator.js';
import { expectations, FIXTURES, fixtureDir, fixtureFile, outputs } from './export-fixtures.js';

// The validator loads AWS's rules as WebAssembly on first use: seconds on a busy machine. Do it once
// here, with room, so the first template's test measures validation only.
beforeAll(() => {
  validateTemplate('AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n');
}, 180_000);
afterAll(freeValidator);

type Template = Record<string, Record<string, unknown>>;

function merged(template: string, ecs: string): string {
  const main = parseTemplate(template).template as Template;
  const snippet = parseTemplate(ecs).template as Template;
  return templateToYaml({ ...main, Parameters: { ...main.Parameters, ...snippet.Parameters }, Resources: { ...main.Resources, ...snippet.Resources } }, '');
}

describe.each(FIXTURES)('CloudFormation for %s', (name) => {
  it('passes @aws/cloudformation-validate (YAML)', () => {
    expect(validateTemplate(outputs(name).cfnYaml.text).map(describeDiagnostic)).toEqual([]);
  });

  it('passes @aws/cloudformation-validate (JSON)', () => {
    expect(validateTemplate(outputs(name).cfnJson.text, 'template.json').map(describeDiagnostic)).toEqual([]);
  });

  it('passes with the ECS snippet merged in', () => {
    const r = outputs(name).cfnYaml;
    if (!r.ecs) return;
    const text = merged(r.text, r.ecs.text);
    // W3049 cannot see that the snippet publishes a fixed health-check port on the same host port
    // (served on every instance, as the rule asks); accept it only where that mapping exists.
    const published = new Set([...text.matchAll(/HostPort: (\d+)/g)].map((m) => m[1]).filter((p) => p !== '0'));
    const findings = validateTemplate(text).filter((d) => !(d.ruleId === 'W3049' && published.has(/fixed port '(\d+)'/.exec(d.message)?.[1])));
    expect(findings.map(describeDiagnostic)).toEqual([]);
  });

  it("keeps the ELB rules only AWS's API enforces", () => {
    expect(checkModel(readCloudFormation(outputs(name).cfnYaml.text).model)).toEqual([]);
  });
});

describe('known-bad templates', () => {
  const files = fixtureDir('bad-cloudformation/');

  it.each(files)('%s fails as expected', (file) => {
    const text = fixtureFile(`bad-cloudformation/${file}`);
    const found = [
      ...validateTemplate(text, file).map((d) => `validator ${d.ruleId} ${d.message}`),
      ...checkModel(readCloudFormation(text).model).map((p) => `elb ${p.message}`),
    ];
    const expected = expectations(text);
    expect(expected.length).toBeGreaterThan(0);
    for (const e of expected) expect(found.some((f) => f.includes(e)), `${file}: expected "${e}" in\n${found.join('\n')}`).toBe(true);
  });
});
