// The export fixtures (test/fixtures/export/*.yaml) and their outputs, shared by the export specs,
// plus golden-file comparison: `UPDATE_GOLDEN=1 npx vitest run test/unit/export` rewrites them.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { expect } from 'vitest';
import { configSchema, type BerthConfig } from '../../../shared/model/index.js';
import { exportConfig, parseTemplate, templateToYaml, type ExportResult } from '../../../main/export/index.js';
import { templateToJson } from '../../../main/export/cfn-yaml.js';

const fixtures = new URL('../../fixtures/export/', import.meta.url);
const golden = new URL('../../golden/export/', import.meta.url);

export const FIXTURES = readdirSync(fixtures).filter((f) => f.endsWith('.yaml')).sort().map((f) => f.replace(/\.yaml$/, ''));

export function fixtureText(name: string): string {
  return readFileSync(new URL(`${name}.yaml`, fixtures), 'utf8');
}

export function loadFixture(name: string): BerthConfig {
  return configSchema.parse(parse(fixtureText(name)));
}

export interface FixtureOutputs {
  cfnYaml: ExportResult;
  cfnJson: ExportResult;
  terraform: ExportResult;
}

const cache = new Map<string, FixtureOutputs>();

export function outputs(name: string): FixtureOutputs {
  if (!cache.has(name)) {
    const config = loadFixture(name);
    cache.set(name, {
      cfnYaml: exportConfig(config, { format: 'cloudformation', syntax: 'yaml' }),
      cfnJson: exportConfig(config, { format: 'cloudformation', syntax: 'json' }),
      terraform: exportConfig(config, { format: 'terraform' }),
    });
  }
  return cache.get(name)!;
}

export function fixtureFile(relative: string): string {
  return readFileSync(new URL(relative, fixtures), 'utf8');
}

export function fixtureDir(relative: string): string[] {
  return readdirSync(new URL(relative, fixtures)).sort();
}

/** `# expect: <text>` lines at the top of a known-bad fixture. */
export function expectations(text: string): string[] {
  return [...text.matchAll(/^(?:#|\/\/) expect: (.+)$/gm)].map((m) => m[1]!.trim());
}

export function expectGolden(relative: string, actual: string): void {
  const file = fileURLToPath(new URL(relative, golden));
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`no golden file ${relative}; run UPDATE_GOLDEN=1 npx vitest run test/unit/export`);
  expect(actual, `golden ${relative} (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(file, 'utf8'));
}

/** An export as AWS keeps it: without the Berth metadata (Metadata.Berth, local.berth_metadata). */
export function withoutMetadata(text: string, format: 'cloudformation' | 'terraform'): string {
  if (format === 'terraform') {
    const bare = text.replace(/\n# Berth's local-only settings[^\n]*\nlocals \{\n[\s\S]*?\n\}\n/, '\n');
    if (bare === text || /berth_metadata\s*=/.test(bare)) throw new Error('no Berth metadata block found in the Terraform export');
    return bare;
  }
  const template = parseTemplate(text).template as { Metadata?: Record<string, unknown> };
  if (!template.Metadata?.Berth) throw new Error('no Metadata.Berth in the CloudFormation export');
  delete template.Metadata.Berth;
  if (Object.keys(template.Metadata).length === 0) delete template.Metadata;
  return text.trimStart().startsWith('{') ? templateToJson(template) : templateToYaml(template, '');
}
