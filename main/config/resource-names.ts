// Names derived from containers for zero-config and label routes: DNS labels for host names and
// AWS resource names for target groups. Derived names are deterministic (the same containers give
// the same names on every run) and shortened with a hash of the full name, so two long names that
// share a prefix stay distinct.

/** AWS: target group names are ≤ 32 letters, digits and hyphens, not starting or ending with one. */
export const NAME_MAX = 32;
const LABEL_MAX = 63;

/** A short, stable hash (FNV-1a, base 36) to tell apart names that sanitise or truncate alike. */
export function shortHash(text: string, length = 4): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(length, '0').slice(-length);
}

/** Lower-case letters, digits and inner hyphens: `Redis_Cache` → `redis-cache`. */
function sanitise(name: string, allowed: RegExp): string {
  return name.replace(allowed, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
}

function shorten(clean: string, original: string, max: number): string {
  if (clean.length <= max) return clean;
  return `${clean.slice(0, max - 5).replace(/-+$/, '')}-${shortHash(original)}`;
}

/** One DNS label (≤ `max` characters) for a container, service or project name. */
export function hostLabel(name: string, max = LABEL_MAX): string {
  const clean = sanitise(name.toLowerCase(), /[^a-z0-9-]+/g);
  return clean ? shorten(clean, name, max) : `x${shortHash(name)}`;
}

/** A target-group name for `base` (any text), valid for AWS. */
export function resourceNameFor(base: string): string {
  const clean = sanitise(base, /[^A-Za-z0-9-]+/g);
  return clean ? shorten(clean, base, NAME_MAX) : `tg-${shortHash(base)}`;
}

/** `wanted`, or — when `taken` has it — a variant with a hash of `key` that `taken` does not have. */
export function uniqueName(wanted: string, key: string, taken: ReadonlySet<string>, max = NAME_MAX): string {
  if (!taken.has(wanted)) return wanted;
  for (let salt = 0; ; salt++) {
    const suffix = `-${shortHash(salt === 0 ? key : `${key}#${salt}`)}`;
    const candidate = `${wanted.slice(0, max - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
