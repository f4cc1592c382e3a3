// Every fixture's exports, byte for byte. `UPDATE_GOLDEN=1 npx vitest run test/unit/export` rewrites
// the files under test/golden/export/; review the diff before committing it.
import { describe, expect, it } from 'vitest';
import { exportConfig } from '../../../main/export/index.js';
import { expectGolden, FIXTURES, loadFixture, outputs } from './export-fixtures.js';

describe.each(FIXTURES)('export of %s', (name) => {
  it('CloudFormation YAML and its ECS snippet', () => {
    const r = outputs(name).cfnYaml;
    expectGolden(`${name}/template.yaml`, r.text);
    if (r.ecs) expectGolden(`${name}/${r.ecs.suggestedName}`, r.ecs.text);
  });

  it('CloudFormation JSON and its ECS snippet', () => {
    const r = outputs(name).cfnJson;
    expectGolden(`${name}/template.json`, r.text);
    if (r.ecs) expectGolden(`${name}/${r.ecs.suggestedName}`, r.ecs.text);
  });

  it('Terraform and its ECS snippet', () => {
    const r = outputs(name).terraform;
    expectGolden(`${name}/main.tf`, r.text);
    if (r.ecs) expectGolden(`${name}/${r.ecs.suggestedName}`, r.ecs.text);
  });

  it('is deterministic and lists the same warnings in every format', () => {
    const again = exportConfig(loadFixture(name), { format: 'terraform' });
    expect(again.text).toBe(outputs(name).terraform.text);
    const codes = (w: { code: string; path?: string }[]) => w.map((x) => `${x.code} ${x.path}`);
    expect(codes(outputs(name).cfnYaml.warnings)).toEqual(codes(outputs(name).terraform.warnings));
  });

  it('puts every warning into the block at the top of the file', () => {
    const { text, warnings } = outputs(name).cfnYaml;
    const top = text.slice(0, text.indexOf('AWSTemplateFormatVersion'));
    for (const w of warnings) expect(top).toContain(`[${w.code}] ${w.path ? `${w.path}: ` : ''}`);
    const tfTop = outputs(name).terraform.text.slice(0, outputs(name).terraform.text.indexOf('terraform {'));
    for (const w of warnings) expect(tfTop).toContain(`[${w.code}]`);
  });
});
