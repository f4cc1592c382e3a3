// Write-then-rename (or write-then-link) for the CA and certificate files: a crash never leaves half
// a key where a whole one was, and an exclusive write never replaces a file another process made.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode, applied at creation so a key is never readable by others, not even briefly. */
  mode?: number;
  /** Fail with EEXIST instead of replacing an existing file. */
  exclusive?: boolean;
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', options.mode ?? 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  let moved = false;
  try {
    // link() refuses an existing target where rename() would silently replace it.
    if (options.exclusive) await link(tmp, file);
    else {
      await rename(tmp, file);
      moved = true;
    }
  } finally {
    if (!moved) await unlink(tmp).catch(() => undefined);
  }
}
