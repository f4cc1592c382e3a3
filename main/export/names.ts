// Names for generated resources, derived from berth.yaml names so that a diff of two exports reads
// like a diff of the configs: CloudFormation logical ids (alphanumeric, ≤ 255) and Terraform names
// (letters, digits, "_"; no leading digit). Collisions get a numeric suffix, in config order.

const CFN_ID_MAX = 255;

/** `users-canary` → `UsersCanary`. */
export function pascal(...parts: (string | number)[]): string {
  return parts
    .flatMap((p) => String(p).split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** `users-canary` → `users_canary`. */
export function snake(...parts: (string | number)[]): string {
  const s = parts
    .flatMap((p) => String(p).split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase())
    .join('_');
  return /^[0-9]/.test(s) ? `n${s}` : s;
}

/** Hands out unique names; the same registry must see names in the same order to be deterministic. */
export class NameRegistry {
  private readonly taken = new Set<string>();

  constructor(private readonly max = CFN_ID_MAX) {}

  claim(wanted: string): string {
    const base = wanted.slice(0, this.max);
    let name = base;
    for (let n = 2; this.taken.has(name.toLowerCase()); n++) {
      const suffix = String(n);
      name = `${base.slice(0, this.max - suffix.length)}${suffix}`;
    }
    this.taken.add(name.toLowerCase());
    return name;
  }
}

/** Terraform's short protocol word inside names: HTTP → http, TCP_UDP → tcp_udp. */
export function protocolWord(protocol: string): string {
  return protocol.toLowerCase();
}

/** A name usable as an AWS resource name (≤ 32, alphanumerics and "-", no leading/trailing "-"). */
export function awsName(source: string): string {
  const cleaned = source
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^internal-/i, '')
    .toLowerCase()
    .slice(0, 32)
    .replace(/^-+|-+$/g, '');
  return cleaned || 'imported';
}
