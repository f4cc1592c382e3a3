// A listener's header modification compiled once per config: the response headers it adds (each
// replacing a value the target sent, so the listener's policy holds), and whether Berth's own answers
// carry `Server: berth`. Undefined when the listener sets none, so unconfigured listeners pay nothing.
import { RESPONSE_HEADERS, type HeaderModification, type ResponseHeaderKey } from '../../shared/model/index.js';

export interface ResponseHeaderMods {
  /** Berth's own answers keep their `server` header. */
  readonly server: boolean;
  /** [name, value, …] to add, names lower-case. */
  readonly add: readonly string[];
  /** The names in `add`, plus `server` when it is off: removed from a head before `add` goes on. */
  readonly drop: ReadonlySet<string>;
}

export function compileHeaderMods(hm: HeaderModification | undefined): ResponseHeaderMods | undefined {
  if (!hm) return undefined;
  const add: string[] = [];
  for (const key of Object.keys(RESPONSE_HEADERS) as ResponseHeaderKey[]) {
    const value = hm[key];
    if (value !== undefined) add.push(RESPONSE_HEADERS[key][0], value);
  }
  const server = hm.server ?? true;
  if (add.length === 0 && server) return undefined;
  return { server, add, drop: new Set(add.filter((_, i) => i % 2 === 0)) };
}

/** A target's response head, changed in place: the listener's headers replace any the target sent. */
export function modifyTargetHead(out: string[], mods: ResponseHeaderMods): void {
  if (mods.add.length === 0) return;
  let kept = 0;
  for (let i = 0; i < out.length; i += 2) {
    if (mods.drop.has(out[i]!.toLowerCase())) continue;
    out[kept++] = out[i]!;
    out[kept++] = out[i + 1]!;
  }
  out.length = kept;
  for (let i = 0; i < mods.add.length; i++) out.push(mods.add[i]!);
}

/** Berth's own head (lower-case names): without `server` when it is off, with the listener's headers. */
export function modifyOwnHead(headers: readonly string[], mods: ResponseHeaderMods): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if ((name === 'server' && !mods.server) || mods.drop.has(name)) continue;
    out.push(name, headers[i + 1]!);
  }
  for (const v of mods.add) out.push(v);
  return out;
}
