// control.json in the data folder: how the CLI (status, traffic) finds a running Berth. Mode 0600:
// the token in it controls Berth.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '../../shared/errors.js';
import { writeFileAtomic } from '../config/atomic-write.js';

export interface ControlEndpoint {
  url: string;
  token: string;
  pid: number;
}

export const controlFile = (dataDir: string) => join(dataDir, 'control.json');

export async function writeControlFile(dataDir: string, endpoint: ControlEndpoint): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(controlFile(dataDir), JSON.stringify(endpoint, null, 2), { mode: 0o600 });
}

export async function readControlFile(dataDir: string): Promise<ControlEndpoint> {
  try {
    return JSON.parse(await readFile(controlFile(dataDir), 'utf8')) as ControlEndpoint;
  } catch {
    throw new BerthError('NOT_FOUND', `no running Berth found: ${controlFile(dataDir)} is missing (start one with \`berth up\`, or pass the same --data-dir)`);
  }
}
