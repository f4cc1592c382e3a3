// Every generated Terraform file parses with HashiCorp's HCL parser and matches the AWS provider's
// schema (extracted from @cdktn/provider-aws); known-bad files fail the check as each one expects.
import { describe, expect, it } from 'vitest';
import { checkModel, readTerraform } from '../../../main/export/index.js';
import { checkTerraform, providerSchema } from './terraform-schema-check.js';
import { expectations, FIXTURES, fixtureDir, fixtureFile, outputs } from './export-fixtures.js';

describe.each(FIXTURES)('Terraform for %s', (name) => {
  it('matches the hashicorp/aws provider schema', async () => {
    expect(await checkTerraform(outputs(name).terraform.text)).toEqual([]);
  });

  it('matches it together with the ECS snippet (one module)', async () => {
    const r = outputs(name).terraform;
    if (!r.ecs) return;
    expect(await checkTerraform(`${r.text}\n${r.ecs.text}`)).toEqual([]);
  });

  it("keeps the ELB rules only AWS's API enforces", async () => {
    expect(checkModel((await readTerraform(outputs(name).terraform.text)).model)).toEqual([]);
  });

  it('writes every health-check value explicitly', () => {
    const text = outputs(name).terraform.text;
    const checks = text.split('health_check {').slice(1).map((b) => b.slice(0, b.indexOf('}')));
    for (const check of checks) {
      for (const key of ['enabled', 'healthy_threshold', 'unhealthy_threshold', 'interval', 'timeout', 'port', 'protocol']) expect(check).toMatch(new RegExp(`\\b${key}\\s+=`));
      if (!/protocol\s+= "TCP"/.test(check)) for (const key of ['path', 'matcher']) expect(check).toMatch(new RegExp(`\\b${key}\\s+=`));
    }
  });
});

describe('the schema check', () => {
  it(`uses the schema of ${providerSchema.provider} ${providerSchema.providerVersion}`, () => {
    expect(Object.keys(providerSchema.resources)).toEqual(expect.arrayContaining(['aws_lb', 'aws_lb_listener', 'aws_lb_listener_rule', 'aws_lb_target_group', 'aws_lb_listener_certificate']));
  });

  it.each(fixtureDir('bad-terraform/'))('rejects %s as expected', async (file) => {
    const text = fixtureFile(`bad-terraform/${file}`);
    const problems = await checkTerraform(text, file);
    const expected = expectations(text);
    expect(expected.length).toBeGreaterThan(0);
    for (const e of expected) expect(problems.some((p) => p.includes(e)), `${file}: expected "${e}" in\n${problems.join('\n')}`).toBe(true);
  });
});
