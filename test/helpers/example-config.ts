// The team's reference berth.example.yaml (../shared/docs beside the repository) must validate as it
// is; a copy is kept in test/fixtures so a checkout without ../shared still tests the same content.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function exampleConfigPaths(): string[] {
  const shared = fileURLToPath(new URL('../../../shared/docs/berth.example.yaml', import.meta.url));
  const copy = fileURLToPath(new URL('../fixtures/config/berth.example.yaml', import.meta.url));
  return existsSync(shared) ? [shared, copy] : [copy];
}
