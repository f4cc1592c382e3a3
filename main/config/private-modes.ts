// The data folder holds the CA key and the control token, so other users must not read it: a folder or
// key file found with more permission bits than it should have loses them, and the caller says so.
import { chmod, stat } from 'node:fs/promises';

export interface ModeFix {
  path: string;
  from: number;
  to: number;
  /** Set when the change was refused (e.g. the file belongs to another user); `to` was not applied. */
  error?: string;
}

/** Clears the bits outside `allowed` (never adds any); undefined when the path is absent or already private. */
export async function narrowMode(path: string, allowed: number, platform: NodeJS.Platform = process.platform): Promise<ModeFix | undefined> {
  // Windows has no POSIX modes: its folders are private to the user by their ACLs.
  if (platform === 'win32') return undefined;
  let from: number;
  let sticky: boolean;
  try {
    const mode = (await stat(path)).mode;
    from = mode & 0o777;
    sticky = (mode & 0o1000) !== 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if ((from & ~allowed) === 0) return undefined;
  const to = from & allowed;
  // A folder shared by everyone (the sticky bit, as on /tmp) is not Berth's to close: other users' files live there.
  if (sticky) return { path, from, to, error: 'it is a shared folder (sticky bit set, like /tmp); give Berth a data folder of its own' };
  try {
    await chmod(path, to);
  } catch (err) {
    return { path, from, to, error: (err as Error).message };
  }
  return { path, from, to };
}

export function formatMode(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

/** The log line for a fix: which path, the mode found and the mode now (or why it stayed). */
export function describeModeFix(fix: ModeFix, what: string): string {
  return fix.error
    ? `${what} ${fix.path} has mode ${formatMode(fix.from)}, readable by other users, and could not be changed to ${formatMode(fix.to)}: ${fix.error}`
    : `${what} ${fix.path} had mode ${formatMode(fix.from)}; changed it to ${formatMode(fix.to)} so other users cannot read it`;
}
