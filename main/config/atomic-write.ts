// Writes a file so that a crash at any moment leaves either the old or the new content, never a
// truncated mix: a temp file in the same folder (so rename stays on one file system), fsync, rename
// over the old one, fsync the folder so the rename itself survives a power cut. The one atomic write
// of the product: berth.yaml, the control endpoint file, exports, and the CA and certificate files.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** Mode of the new file; default: the mode of the file it replaces, else 0o644. */
  mode?: number;
  /** Fail with EEXIST instead of replacing an existing file (link, which refuses, instead of rename). */
  exclusive?: boolean;
  /** Create the folder (and its parents) if missing, with this mode: 0o700 for the CA's data folder. */
  folderMode?: number;
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  // A berth.yaml symlinked from a dotfiles folder stays a symlink: the file it points at is replaced.
  const target = await realpath(file).catch(() => file);
  const dir = dirname(target);
  if (options.folderMode !== undefined) await mkdir(dir, { recursive: true, mode: options.folderMode });
  const mode = options.mode ?? (await stat(target).then((s) => s.mode & 0o7777, () => 0o644));
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);

  // Created with the mode, so a private file is never readable by others, not even briefly.
  const handle = await open(temp, 'wx', mode);
  let placed = false;
  try {
    try {
      await handle.writeFile(data);
      // The umask may have cleared bits the replaced file had (0o664 under umask 022).
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.exclusive) await link(temp, target);
    else {
      await rename(temp, target);
      placed = true;
    }
  } finally {
    if (!placed) await unlink(temp).catch(() => undefined);
  }
  await syncFolder(dir);
}

async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open a folder for fsync; the rename is still atomic there.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
