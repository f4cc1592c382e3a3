// import(export(config)) gives back the config itself, for every fixture and every format: what AWS
// cannot hold travels in the Berth metadata. The berth.yaml text import writes parses back the same.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../../shared/model/index.js';
import { configToYaml, importConfig } from '../../../main/export/index.js';
import { jsonClone } from '../../../main/export/local-settings.js';
import { FIXTURES, loadFixture, outputs } from './export-fixtures.js';

describe.each(FIXTURES)('round trip of %s', (name) => {
  const config = loadFixture(name);

  it.each([
    ['CloudFormation YAML', 'template.yaml', () => outputs(name).cfnYaml.text],
    ['CloudFormation JSON', 'template.json', () => outputs(name).cfnJson.text],
    ['Terraform', 'main.tf', () => outputs(name).terraform.text],
  ])('through %s', async (_, fileName, text) => {
    const back = await importConfig(text(), { fileName });
    expect(back.problems).toEqual([]);
    expect(jsonClone(back.config)).toEqual(jsonClone(config));
  });

  it('through the berth.yaml writer', () => {
    expect(jsonClone(configSchema.parse(parse(configToYaml(config))))).toEqual(jsonClone(config));
  });
});
