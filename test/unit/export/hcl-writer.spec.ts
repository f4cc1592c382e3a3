// The HCL writer's output is in `terraform fmt` form. No terraform binary is available offline, so
// the rules hclwrite's formatter applies are checked directly: indentation by nesting depth, and the
// `=` of each run of single-line attributes aligned one space after the longest name.
import { describe, expect, it } from 'vitest';
import { parse } from '@cdktn/hcl2json';
import { attr, blank, block, comment, expr, HclCall, quote, writeHcl } from '../../../main/export/hcl-writer.js';
import { FIXTURES, outputs } from './export-fixtures.js';
import { fmtProblems } from './terraform-fmt-check.js';

describe('writeHcl', () => {
  it('aligns runs of single-line attributes, and breaks runs at blocks, multi-line values and blank lines', () => {
    const text = writeHcl([
      block('resource', ['aws_lb', 'web'], [
        attr('name', 'web'),
        attr('load_balancer_type', 'application'),
        attr('tags', { Name: 'web', 'berth:source': 'berth.yaml' }),
        attr('internal', false),
        blank,
        block('access_logs', [], [attr('bucket', expr('var.logs')), attr('enabled', true)]),
      ]),
    ]);
    expect(text).toBe(`resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  tags = {
    Name           = "web"
    "berth:source" = "berth.yaml"
  }
  internal = false

  access_logs {
    bucket  = var.logs
    enabled = true
  }
}
`);
  });

  it('writes lists of plain values on one line and lists of objects over several', () => {
    expect(writeHcl([attr('a', ['x', 1, true]), attr('b', [{ k: 1 }]), attr('c', new HclCall('jsonencode', [{ name: 'x' }]))])).toBe(`a = ["x", 1, true]
b = [
  {
    k = 1
  },
]
c = jsonencode([
  {
    name = "x"
  },
])
`);
  });

  it('escapes strings so nothing is read as a template', async () => {
    const value = 'say "hi"\n${var.x} %{if} \\ done';
    expect(quote(value)).toBe('"say \\"hi\\"\\n$${var.x} %%{if} \\\\ done"');
    const doc = (await parse('x.tf', writeHcl([comment('c'), attr('v', value)]))) as { v: string };
    expect(doc.v.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')).toBe(value);
  });

  it('agrees with the fmt checker on its own examples', () => {
    expect(fmtProblems('a = 1\nbb = 2\n')).toEqual(['line 1: "=" at column 2, fmt aligns it at 3']);
    expect(fmtProblems('x {\n y = 1\n}\n')).toEqual(['line 2: indented 1, fmt indents 2']);
  });
});

describe.each(FIXTURES)('Terraform for %s', (name) => {
  it('is formatted as terraform fmt would format it', () => {
    const r = outputs(name).terraform;
    expect(fmtProblems(r.text)).toEqual([]);
    if (r.ecs) expect(fmtProblems(r.ecs.text)).toEqual([]);
  });
});
